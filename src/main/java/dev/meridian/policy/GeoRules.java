package dev.meridian.policy;

import dev.meridian.geo.Location;
import java.util.Map;

/**
 * Which regions a located client prefers: subdivision, then country, then continent, then the
 * default. A route is a list of region indexes, or null for {@code nearest}. Immutable.
 */
public final class GeoRules {
  private final Map<String, int[]> countries;
  private final Map<String, int[]> continents;
  private final int[] fallback;

  /**
   * @param countries country or {@code CC-SUB} code to region indexes (null value: nearest)
   * @param continents continent code to region indexes (null value: nearest)
   * @param fallback default region indexes, or null for nearest
   */
  public GeoRules(Map<String, int[]> countries, Map<String, int[]> continents, int[] fallback) {
    this.countries = Map.copyOf(countries);
    this.continents = Map.copyOf(continents);
    this.fallback = fallback;
  }

  /** The matched route: the rule's name and region indexes (null for nearest). Immutable. */
  public static final class Match {
    private final String rule;
    private final int[] regions;

    Match(String rule, int[] regions) {
      this.rule = rule;
      this.regions = regions;
    }

    public String rule() {
      return rule;
    }

    int[] regions() {
      return regions;
    }

    public boolean nearest() {
      return regions == null;
    }
  }

  /** Finds the route for {@code loc}. */
  public Match match(Location loc) {
    if (loc.country() != null) {
      if (loc.subdivision() != null) {
        String key = loc.country() + "-" + loc.subdivision();
        if (countries.containsKey(key)) {
          return new Match("subdivision " + key, countries.get(key));
        }
      }
      if (countries.containsKey(loc.country())) {
        return new Match("country " + loc.country(), countries.get(loc.country()));
      }
    }
    if (loc.continent() != null && continents.containsKey(loc.continent())) {
      return new Match("continent " + loc.continent(), continents.get(loc.continent()));
    }
    return new Match("default", fallback);
  }
}
