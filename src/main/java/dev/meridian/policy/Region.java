package dev.meridian.policy;

import java.util.List;

/** One region's tier as a policy sees it: name, location and endpoints. Immutable. */
public record Region(String name, double latitude, double longitude, List<Endpoint> endpoints) {
  public Region {
    endpoints = List.copyOf(endpoints);
  }
}
