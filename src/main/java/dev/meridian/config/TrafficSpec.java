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
 */
public record TrafficSpec(
    Map<String, RegionSpec> regions,
    GeoSpec geo,
    List<ServiceSpec> services,
    boolean rotate,
    Map<String, Boolean> rotateZones) {
  public TrafficSpec {
    regions = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(regions));
    services = List.copyOf(services);
    rotateZones = Map.copyOf(rotateZones);
  }

  /** No regions, no services, rotation on. */
  public static TrafficSpec none() {
    return new TrafficSpec(
        Map.of(),
        new GeoSpec(null, Map.of(), Map.of(), RouteSpec.NEAREST),
        List.of(),
        true,
        Map.of());
  }

  /** Whether zone-file address RRsets of {@code zone} (absolute name) rotate. */
  public boolean rotates(String zone) {
    return rotateZones.getOrDefault(zone.toLowerCase(java.util.Locale.ROOT), rotate);
  }
}
