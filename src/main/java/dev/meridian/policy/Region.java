package dev.meridian.policy;

import java.util.List;

/**
 * One region's tier as a policy sees it: name, location, endpoints, and the fraction of them that
 * must be up for the tier to count as up. Immutable.
 */
public record Region(
    String name, double latitude, double longitude, List<Endpoint> endpoints, double minUp) {
  public Region {
    endpoints = List.copyOf(endpoints);
  }

  /** A region whose tier counts as up while any endpoint is. */
  public Region(String name, double latitude, double longitude, List<Endpoint> endpoints) {
    this(name, latitude, longitude, endpoints, 0.0);
  }
}
