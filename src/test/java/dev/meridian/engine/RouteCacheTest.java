package dev.meridian.engine;

import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.meridian.config.GeoSpec;
import dev.meridian.config.RouteSpec;
import dev.meridian.geo.CountryTable;
import dev.meridian.geo.MaxMindLocator;
import dev.meridian.policy.GeoRules;
import dev.meridian.policy.Region;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A reload with the same database and rules reuses the route map instead of walking again. */
class RouteCacheTest {
  @Test
  void theSameLocatorAndRulesShareOneMapAndOtherRulesGetTheirOwn() throws Exception {
    List<Region> regions =
        List.of(new Region("us", 39, -77, List.of()), new Region("eu", 53, -6, List.of()));
    GeoSpec euFirst =
        new GeoSpec(
            null,
            Map.of(),
            Map.of("EU", new RouteSpec(false, List.of("eu", "us"))),
            new RouteSpec(false, List.of("us", "eu")));
    GeoRules rules = new GeoRules(Map.of(), Map.of("EU", new int[] {1, 0}), new int[] {0, 1});
    try (MaxMindLocator db =
        MaxMindLocator.open(Path.of("geo-data/meridian-country.mmdb"), CountryTable.bundled())) {
      var first = RouteCache.get(db, regions, rules, euFirst);
      assertSame(first, RouteCache.get(db, regions, rules, euFirst), "no second walk");
      assertNotSame(first, RouteCache.get(db, regions, null, euFirst), "nearest is another map");
      GeoSpec usFirst =
          new GeoSpec(
              null,
              Map.of(),
              Map.of("EU", new RouteSpec(false, List.of("us", "eu"))),
              new RouteSpec(false, List.of("us", "eu")));
      GeoRules other = new GeoRules(Map.of(), Map.of("EU", new int[] {0, 1}), new int[] {0, 1});
      assertNotSame(first, RouteCache.get(db, regions, other, usFirst), "other rules");
    }
  }
}
