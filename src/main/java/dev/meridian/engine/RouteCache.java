package dev.meridian.engine;

import dev.meridian.config.GeoSpec;
import dev.meridian.geo.GeoLocator;
import dev.meridian.policy.GeoPolicy;
import dev.meridian.policy.GeoRules;
import dev.meridian.policy.Region;
import dev.meridian.policy.RouteMap;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Route maps by geo locator and rules: walking a database takes about a second, so a reload with
 * the same database and rules, or a second service with the same rules, reuses the map. Entries go
 * when their locator is collected, and only the last few rule sets of a locator are kept (a map of
 * the shipped database is a few megabytes). Thread-safe (used only while loading).
 */
final class RouteCache {
  /** Maps of one locator, the least recently used dropped past four (rules and nearest, twice). */
  private static final class Recent extends LinkedHashMap<List<Object>, RouteMap> {
    private static final long serialVersionUID = 1L;

    Recent() {
      super(8, 0.75f, true);
    }

    @Override
    protected boolean removeEldestEntry(Map.Entry<List<Object>, RouteMap> eldest) {
      return size() > 4;
    }
  }

  private static final System.Logger LOG = System.getLogger(RouteCache.class.getName());
  private static final Map<GeoLocator, Map<List<Object>, RouteMap>> MAPS = new WeakHashMap<>();

  private RouteCache() {}

  /**
   * The route map of {@code geo} under {@code rules} (null: nearest) over {@code regions}; {@code
   * spec} is what the rules were built from (the cache key, with the regions' positions).
   */
  static RouteMap get(GeoLocator geo, List<Region> regions, GeoRules rules, GeoSpec spec) {
    List<Object> key = new ArrayList<>();
    key.add(
        rules == null ? "nearest" : List.of(spec.countries(), spec.continents(), spec.fallback()));
    for (Region r : regions) {
      key.add(List.of(r.name(), r.latitude(), r.longitude()));
    }
    synchronized (MAPS) {
      Map<List<Object>, RouteMap> byRules = MAPS.computeIfAbsent(geo, g -> new Recent());
      RouteMap map = byRules.get(key);
      if (map == null) {
        long start = System.nanoTime();
        map = GeoPolicy.routes(geo, regions, rules);
        byRules.put(key, map);
        if (geo != GeoLocator.NONE) {
          LOG.log(
              Level.INFO,
              "geo routes ("
                  + (rules == null ? "nearest" : "rules")
                  + "): "
                  + map.ranges()
                  + " merged ranges, "
                  + map.routeCount()
                  + " distinct region orders, decided in "
                  + (System.nanoTime() - start) / 1_000_000
                  + " ms");
        }
      }
      return map;
    }
  }
}
