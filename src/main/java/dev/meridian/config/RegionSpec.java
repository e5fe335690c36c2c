package dev.meridian.config;

import java.util.Map;

/**
 * A region: where it is and its load-balancer tiers. Immutable.
 *
 * @param name as written under {@code regions}
 * @param latitude degrees, for {@code nearest}
 * @param longitude degrees
 * @param tiers {@code l4} and/or {@code l7}
 */
public record RegionSpec(
    String name, double latitude, double longitude, Map<String, TierSpec> tiers) {
  public RegionSpec {
    tiers = Map.copyOf(tiers);
  }
}
