package dev.meridian.config;

import java.util.List;

/**
 * Where a geo rule sends clients: regions in order of preference, or {@code nearest} (regions by
 * great-circle distance from the client). Immutable.
 */
public record RouteSpec(boolean nearest, List<String> regions) {
  public RouteSpec {
    regions = List.copyOf(regions);
  }

  public static final RouteSpec NEAREST = new RouteSpec(true, List.of());

  @Override
  public String toString() {
    return nearest ? "nearest" : String.join(", ", regions);
  }
}
