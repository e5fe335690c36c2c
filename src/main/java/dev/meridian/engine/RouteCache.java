package dev.meridian.engine;

import dev.meridian.config.GeoSpec;
import dev.meridian.geo.GeoLocator;
import dev.meridian.policy.GeoPolicy;
import dev.meridian.policy.GeoRules;
import dev.meridian.policy.Region;
import dev.meridian.policy.RouteMap;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Route maps by geo locator and rules: walking a database takes about a second, so a reload with
 * the same database and rules, or a second service with the same rules, reuses the map. Entries go
 * when their locator is collected. Thread-safe (used only while loading).
 */
final class RouteCache {
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
      Map<List<Object>, RouteMap> byRules = MAPS.computeIfAbsent(geo, g -> new HashMap<>());
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
