package dev.meridian.engine;

import dev.meridian.config.MeridianConfig;
import dev.meridian.geo.GeoLocator;
import dev.meridian.health.HealthView;
import dev.meridian.zone.LookupOptions;
import dev.meridian.zone.ZoneIndex;

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
 * @param generation increases by one with every publication
 */
public record Snapshot(
    ZoneIndex zones,
    MeridianConfig config,
    LookupOptions lookupOptions,
    PolicyTable policies,
    GeoLocator geo,
    HealthView health,
    long generation) {

  /** A snapshot of {@code zones} under {@code config}, without a geo database. */
  public static Snapshot of(ZoneIndex zones, MeridianConfig config, long generation)
      throws dev.meridian.config.ConfigException {
    return new SnapshotBuilder().build(config, zones.zones(), GeoLocator.NONE, generation);
  }
}
