package dev.meridian.engine;

import dev.meridian.config.MeridianConfig;
import dev.meridian.geo.GeoLocator;
import dev.meridian.health.HealthView;
import dev.meridian.health.Target;
import dev.meridian.zone.LookupOptions;
import dev.meridian.zone.ZoneIndex;
import java.util.List;

/**
 * Everything one query reads: zones, options, policies, the geo locator and endpoint health. Deeply
 * immutable; a reload builds a new one ({@link SnapshotBuilder}) and publishes it through {@link
 * SnapshotHolder}.
 *
 * @param zones every zone served
 * @param config the configuration these were built from
 * @param lookupOptions answer shaping, decided from {@code config} at build time
 * @param policies managed names and their policies
 * @param geo where clients are
 * @param health which endpoints are live
 * @param healthTargets every endpoint with its health index and check, for the monitor
 * @param generation increases with every reload; health tables carry the one they describe
 * @param fast the static answers of {@code zones}, encoded at load
 */
public record Snapshot(
    ZoneIndex zones,
    MeridianConfig config,
    LookupOptions lookupOptions,
    PolicyTable policies,
    GeoLocator geo,
    HealthView health,
    List<Target> healthTargets,
    long generation,
    FastAnswers fast) {

  public Snapshot {
    healthTargets = List.copyOf(healthTargets);
  }

  /**
   * The same snapshot with other zones (the same generation: endpoints are unchanged); the answers
   * of zones that did not change are kept as they are.
   */
  public Snapshot withZones(ZoneIndex z) {
    FastAnswers f =
        FastAnswers.build(z, lookupOptions, policies.managed(), fast)
            .withServices(z, lookupOptions, policies, health);
    return new Snapshot(
        z, config, lookupOptions, policies, geo, health, healthTargets, generation, f);
  }

  /** The same snapshot with another health view. */
  public Snapshot withHealth(HealthView h) {
    FastAnswers f = fast.withServices(zones, lookupOptions, policies, h);
    return new Snapshot(
        zones, config, lookupOptions, policies, geo, h, healthTargets, generation, f);
  }

  /** A snapshot of {@code zones} under {@code config}, without a geo database. */
  public static Snapshot of(ZoneIndex zones, MeridianConfig config, long generation)
      throws dev.meridian.config.ConfigException {
    return new SnapshotBuilder().build(config, zones.zones(), GeoLocator.NONE, generation);
  }
}
