package dev.meridian.engine;

import dev.meridian.config.AnyMode;
import dev.meridian.config.MeridianConfig;
import dev.meridian.zone.LookupOptions;
import dev.meridian.zone.ZoneIndex;

/**
 * Everything one query reads: the zones and the options in force. Deeply immutable; a reload builds
 * a new one and publishes it through {@link SnapshotHolder}.
 *
 * @param zones every zone served
 * @param config the configuration these zones were loaded with
 * @param lookupOptions answer shaping, decided from {@code config} at build time
 * @param generation increases by one with every publication
 */
public record Snapshot(
    ZoneIndex zones, MeridianConfig config, LookupOptions lookupOptions, long generation) {

  /** A snapshot whose lookup options come from {@code config}. */
  public static Snapshot of(ZoneIndex zones, MeridianConfig config, long generation) {
    LookupOptions options =
        new LookupOptions(config.anyMode() == AnyMode.MINIMAL, config.minimalResponses());
    return new Snapshot(zones, config, options, generation);
  }
}
