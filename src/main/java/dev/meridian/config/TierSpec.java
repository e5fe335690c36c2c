package dev.meridian.config;

import java.util.List;

/**
 * A region's L4 or L7 tier. Immutable.
 *
 * @param endpoints its endpoints, each with its effective check
 * @param minUp the fraction of endpoints (of an address family) that must be up for the tier to
 *     count as up; below it, clients move on to the next region
 */
public record TierSpec(List<EndpointSpec> endpoints, double minUp) {
  public TierSpec {
    endpoints = List.copyOf(endpoints);
  }
}
