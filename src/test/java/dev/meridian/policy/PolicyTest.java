package dev.meridian.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.geo.GeoLocator;
import dev.meridian.geo.Location;
import dev.meridian.health.HealthView;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PolicyTest {
  private static final Client NOBODY = client("192.0.2.1");

  static Client client(String ip) {
    try {
      return new Client(InetAddress.getByName(ip), null);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }

  static List<Endpoint> endpoints(String... specs) throws Exception {
    List<Endpoint> out = new ArrayList<>();
    for (String s : specs) {
      String[] p = s.split("\\*", -1);
      int w = p.length > 1 ? Integer.parseInt(p[1]) : 1;
      out.add(new Endpoint(InetAddress.getByName(p[0]), w, out.size(), out.size()));
    }
    return out;
  }

  static List<String> addresses(Selection s) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < s.count(); i++) {
      out.add(s.get(i).address().getHostAddress());
    }
    return out;
  }

  @Test
  void roundRobinRotatesByOnePerResponseAndKeepsFamilies() throws Exception {
    var p =
        new RoundRobinPolicy(endpoints("192.0.2.1", "192.0.2.2", "2001:db8::1", "192.0.2.3"), 8);
    assertEquals(
        List.of("192.0.2.1", "192.0.2.2", "192.0.2.3"),
        addresses(p.select(NOBODY, false, HealthView.ALL_UP, null)));
    assertEquals(
        List.of("192.0.2.2", "192.0.2.3", "192.0.2.1"),
        addresses(p.select(NOBODY, false, HealthView.ALL_UP, null)));
    assertEquals(
        List.of("2001:db8:0:0:0:0:0:1"),
        addresses(p.select(NOBODY, true, HealthView.ALL_UP, null)));
    var down2 = p.select(NOBODY, false, i -> i != 1, null);
    assertEquals(2, down2.count(), "a down endpoint is left out");
    assertEquals(0, down2.scope(), "everyone gets the same: scope 0");
    var capped = new RoundRobinPolicy(endpoints("192.0.2.1", "192.0.2.2", "192.0.2.3"), 2);
    assertEquals(2, capped.select(NOBODY, false, HealthView.ALL_UP, null).count(), "max_answers");
  }

  @Test
  void weightedFirstPlaceFollowsWeightsWithinTwoPointsOver100kQueries() throws Exception {
    long seed = System.nanoTime();
    var p =
        new WeightedPolicy(
            endpoints("192.0.2.1*5", "192.0.2.2*3", "192.0.2.3*2"), 8, new SplittableRandom(seed));
    Map<String, Integer> first = new HashMap<>();
    int n = 100_000;
    for (int i = 0; i < n; i++) {
      Selection s = p.select(NOBODY, false, HealthView.ALL_UP, null);
      assertEquals(3, s.count());
      first.merge(s.get(0).address().getHostAddress(), 1, Integer::sum);
    }
    double[] want = {0.5, 0.3, 0.2};
    for (int i = 0; i < 3; i++) {
      double share = first.getOrDefault("192.0.2." + (i + 1), 0) / (double) n;
      assertTrue(
          Math.abs(share - want[i]) <= 0.02,
          "seed " + seed + ": share " + share + " vs " + want[i]);
    }
    var onlyThird = p.select(NOBODY, false, i -> i == 2, null);
    assertEquals(List.of("192.0.2.3"), addresses(onlyThird), "weights among live endpoints only");
  }

  @Test
  void stickyKeepsASubnetOnOneEndpointAndScopesToTheHashedPrefix() throws Exception {
    var p = new StickyPolicy(endpoints("192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.4"), 2, 150);
    Selection a = p.select(client("198.51.100.7"), false, HealthView.ALL_UP, null);
    Selection b = p.select(client("198.51.100.200"), false, HealthView.ALL_UP, null);
    assertEquals(addresses(a), addresses(b), "same /24, same endpoints");
    assertEquals(2, a.count());
    assertTrue(!a.get(0).equals(a.get(1)), "distinct endpoints");
    assertEquals(24, a.scope());
    assertEquals(56, p.select(client("2001:db8:1:2::1"), false, HealthView.ALL_UP, null).scope());
    Selection failed =
        p.select(client("198.51.100.7"), false, i -> i != a.get(0).healthIndex(), null);
    assertEquals(a.get(1), failed.get(0), "when the first is down, the next clockwise takes over");
  }

  /** Removing one of K endpoints moves about 1/K of clients; first-place load is even. */
  @Test
  void stickyRemapsAboutOneKthAndBalancesWithinFifteenPercent() throws Exception {
    List<Endpoint> four = endpoints("192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.4");
    var all = new StickyPolicy(four, 1, 150);
    var three = new StickyPolicy(four.subList(0, 3), 1, 150);
    long seed = System.nanoTime();
    SplittableRandom rnd = new SplittableRandom(seed);
    int n = 10_000;
    int moved = 0;
    int movedFromOthers = 0;
    Map<Endpoint, Integer> load = new HashMap<>();
    for (int i = 0; i < n; i++) {
      Client c =
          client((rnd.nextInt(223) + 1) + "." + rnd.nextInt(256) + "." + rnd.nextInt(256) + ".1");
      Endpoint before = all.select(c, false, HealthView.ALL_UP, null).get(0);
      Endpoint after = three.select(c, false, HealthView.ALL_UP, null).get(0);
      load.merge(before, 1, Integer::sum);
      if (!before.equals(after)) {
        moved++;
        if (!before.equals(four.get(3))) {
          movedFromOthers++;
        }
      }
    }
    double share = moved / (double) n;
    assertTrue(share > 0.15 && share < 0.35, "seed " + seed + ": moved " + share + ", about 1/4");
    assertEquals(0, movedFromOthers, "only the removed endpoint's clients move");
    int max = load.values().stream().mapToInt(Integer::intValue).max().orElseThrow();
    double ratio = max / (n / 4.0);
    assertTrue(ratio <= 1.15, "seed " + seed + ": max/mean " + ratio);
  }

  @Test
  void failoverAnswersFromTheFirstGroupWithLiveEndpoints() throws Exception {
    List<Endpoint> eps = endpoints("192.0.2.1", "192.0.2.2", "198.51.100.1");
    var p =
        new FailoverPolicy(
            List.of(eps.subList(0, 2), eps.subList(2, 3)), List.of("a", "b"), List.of(0.0, 0.0), 8);
    assertEquals(
        Set.of("192.0.2.1", "192.0.2.2"),
        new HashSet<>(addresses(p.select(NOBODY, false, HealthView.ALL_UP, null))));
    assertEquals(List.of("192.0.2.2"), addresses(p.select(NOBODY, false, i -> i != 0, null)));
    assertEquals(List.of("198.51.100.1"), addresses(p.select(NOBODY, false, i -> i == 2, null)));
    assertEquals(0, p.select(NOBODY, false, i -> false, null).count(), "all down: nothing");
  }

  private static Location at(String country, String continent, double lat, double lon, int prefix) {
    return new Location(country, null, continent, lat, lon, prefix, "x/" + prefix);
  }

  /**
   * A database of IPv4 networks ("a.b.c.d/p", Location pairs, in address order); the rest unknown.
   */
  static GeoLocator db(Object... networks) {
    return new GeoLocator() {
      @Override
      public Location locate(InetAddress address) {
        for (int i = 0; i < networks.length; i += 2) {
          String[] c = ((String) networks[i]).split("/", -1);
          int p = Integer.parseInt(c[1]);
          if (p == 0 || (v4(address) ^ v4(c[0])) >>> (32 - p) == 0) {
            return (Location) networks[i + 1];
          }
        }
        return Location.unknown(0, "0.0.0.0/0");
      }

      @Override
      public void walk(NetworkVisitor visitor) {
        for (int i = 0; i < networks.length; i += 2) {
          String[] c = ((String) networks[i]).split("/", -1);
          visitor.network(0, v4(c[0]), 96 + Integer.parseInt(c[1]), (Location) networks[i + 1]);
        }
      }
    };
  }

  static long v4(Object address) {
    try {
      InetAddress a =
          address instanceof InetAddress i ? i : InetAddress.getByName((String) address);
      long v = 0;
      for (byte b : a.getAddress()) {
        v = v << 8 | (b & 0xFF);
      }
      return v;
    } catch (java.net.UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }

  static GeoPolicy geo(List<Region> regions, GeoRules rules, GeoLocator db) {
    return new GeoPolicy(regions, rules, 8, GeoPolicy.routes(db, regions, rules));
  }

  static Client located(GeoLocator db, String ip) {
    Client c = client(ip);
    return new Client(c.address(), db.locate(c.address()));
  }

  @Test
  void geoMatchesCountryThenContinentThenDefaultAndScopesToTheMergedRange() throws Exception {
    List<Endpoint> eps = endpoints("192.0.2.1", "198.51.100.1", "203.0.113.1", "2001:db8::1");
    List<Region> regions =
        List.of(
            new Region("us", 39, -77, List.of(eps.get(0), eps.get(3))),
            new Region("eu", 53, -6, List.of(eps.get(1))),
            new Region("ap", 19, 73, List.of(eps.get(2))));
    GeoRules rules =
        new GeoRules(
            Map.of("FR", new int[] {0}, "US-CA", new int[] {2}),
            Map.of("EU", new int[] {1, 0}),
            new int[] {0});
    GeoLocator db =
        db(
            "81.2.64.0/18", at("GB", "EU", 51, 0, 18),
            "90.0.0.0/16", at("FR", "EU", 48, 2, 16),
            "100.0.0.0/16", new Location("US", "CA", "NA", 37, -122, 16, "x/16"));
    var p = geo(regions, rules, db);
    Selection gb = p.select(located(db, "81.2.69.1"), false, HealthView.ALL_UP, null);
    assertEquals(List.of("198.51.100.1"), addresses(gb));
    assertEquals(18, gb.scope(), "its neighbours route elsewhere: the network alone");
    Selection fr = p.select(located(db, "90.0.0.1"), false, HealthView.ALL_UP, null);
    assertEquals(List.of("192.0.2.1"), addresses(fr), "country beats continent");
    assertEquals(
        List.of("203.0.113.1"),
        addresses(p.select(located(db, "100.0.0.1"), false, HealthView.ALL_UP, null)));
    Selection unknown = p.select(located(db, "10.0.0.1"), false, HealthView.ALL_UP, null);
    assertEquals(List.of("192.0.2.1"), addresses(unknown), "default");
    assertEquals(2, unknown.scope(), "0.0.0.0/2 is unknown space: one route, one scope");
    Selection euDown = p.select(located(db, "81.2.69.1"), false, i -> i != 1, null);
    assertEquals(List.of("192.0.2.1"), addresses(euDown), "a dead region's clients go to the next");
    Selection v6 = p.select(located(db, "81.2.69.1"), true, HealthView.ALL_UP, null);
    assertEquals(0, v6.count(), "eu has no IPv6: no AAAA from a farther region");
    assertEquals(18, v6.scope(), "whether it is NODATA depends on the region");
  }

  @Test
  void nodataThatIsTheSameEverywhereHasScopeZero() throws Exception {
    List<Endpoint> eps = endpoints("192.0.2.1", "198.51.100.1");
    List<Region> regions =
        List.of(
            new Region("us", 39, -77, List.of(eps.get(0))),
            new Region("eu", 53, -6, List.of(eps.get(1))));
    GeoLocator db = db("81.2.64.0/18", at("GB", "EU", 51, 0, 18));
    var p = geo(regions, new GeoRules(Map.of(), Map.of("EU", new int[] {1, 0}), new int[] {0}), db);
    Selection aaaa = p.select(located(db, "81.2.69.1"), true, HealthView.ALL_UP, null);
    assertEquals(0, aaaa.count());
    assertEquals(0, aaaa.scope(), "no region has IPv6: NODATA for everyone");
  }

  @Test
  void aRegionBelowItsMinimumUpFractionSendsClientsOn() throws Exception {
    List<Endpoint> eps = endpoints("192.0.2.1", "192.0.2.2", "192.0.2.3", "198.51.100.1");
    List<Region> regions =
        List.of(
            new Region("us", 39, -77, eps.subList(0, 3), 0.5),
            new Region("eu", 53, -6, eps.subList(3, 4), 0.5));
    var p = geo(regions, new GeoRules(Map.of(), Map.of(), new int[] {0, 1}), GeoLocator.NONE);
    Client c = new Client(InetAddress.getByName("192.0.2.99"), Location.unknown(0, "x/0"));
    assertEquals(2, p.select(c, false, i -> i != 0, null).count(), "2 of 3 up: still us");
    assertEquals(
        List.of("198.51.100.1"),
        addresses(p.select(c, false, i -> i == 2 || i == 3, null)),
        "1 of 3 up is below half: eu, rather than crowd onto the survivor");
  }

  @Test
  void nearestOrdersRegionsByDistance() throws Exception {
    List<Endpoint> eps = endpoints("192.0.2.1", "198.51.100.1", "203.0.113.1");
    List<Region> regions =
        List.of(
            new Region("us", 39, -77, List.of(eps.get(0))),
            new Region("eu", 53, -6, List.of(eps.get(1))),
            new Region("ap", 19, 73, List.of(eps.get(2))));
    GeoLocator db =
        db(
            "1.0.16.0/20", at("JP", "AS", 35.6, 139.7, 20),
            "177.0.0.0/12", at("BR", "SA", -15.8, -47.9, 12));
    var p = geo(regions, null, db);
    List<String> trace = new ArrayList<>();
    Selection tokyo = p.select(located(db, "1.0.16.1"), false, HealthView.ALL_UP, trace);
    assertEquals(List.of("203.0.113.1"), addresses(tokyo));
    assertTrue(trace.toString().contains("regions in order: ap, eu, us"), trace.toString());
    Selection brazil = p.select(located(db, "177.0.0.1"), false, i -> i != 0, null);
    assertEquals(List.of("198.51.100.1"), addresses(brazil), "nearest live region");
    Selection lost = p.select(located(db, "192.0.2.99"), false, HealthView.ALL_UP, null);
    assertEquals(List.of("192.0.2.1"), addresses(lost), "no position: configuration order");
  }
}
