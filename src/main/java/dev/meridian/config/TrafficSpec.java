package dev.meridian.config;

import java.util.List;
import java.util.Map;

/**
 * Everything about traffic policy: regions, geo rules, services and zone-data rotation. Immutable.
 *
 * @param regions by name, in file order
 * @param geo routing rules and database
 * @param services managed names
 * @param rotate whether zone-file A/AAAA RRsets rotate per response by default
 * @param rotateZones per-zone exceptions to {@code rotate}, by absolute zone name
 * @param health health-check publication and the overrides file
 */
public record TrafficSpec(
    Map<String, RegionSpec> regions,
    GeoSpec geo,
    List<ServiceSpec> services,
    boolean rotate,
    Map<String, Boolean> rotateZones,
    HealthSpec health) {
  public TrafficSpec {
    regions = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(regions));
    services = List.copyOf(services);
    rotateZones = Map.copyOf(rotateZones);
  }

  /** Whether zone-file address RRsets of {@code zone} (absolute name) rotate. */
  public boolean rotates(String zone) {
    return rotateZones.getOrDefault(zone.toLowerCase(java.util.Locale.ROOT), rotate);
  }
}
