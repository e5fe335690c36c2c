package dev.meridian.config;

import java.nio.file.Path;
import java.util.Map;

/**
 * Geographic routing rules. A client matches its subdivision ({@code US-CA}), then its country
 * ({@code US}), then its continent ({@code NA}), then {@code default}. Immutable.
 *
 * @param database a MaxMind-format database, or null when no service needs one
 * @param countries country or country-subdivision code to route
 * @param continents continent code (AF AN AS EU NA OC SA) to route
 * @param fallback the default route
 */
public record GeoSpec(
    Path database,
    Map<String, RouteSpec> countries,
    Map<String, RouteSpec> continents,
    RouteSpec fallback) {
  public GeoSpec {
    countries = Map.copyOf(countries);
    continents = Map.copyOf(continents);
  }
}
