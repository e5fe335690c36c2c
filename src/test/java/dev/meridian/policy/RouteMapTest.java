package dev.meridian.policy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.geo.CountryTable;
import dev.meridian.geo.GeoLocator;
import dev.meridian.geo.Location;
import dev.meridian.geo.MaxMindLocator;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The route map on the shipped database with meridian.yaml's continent rules: the scope never
 * covers an address that routes differently, and it is as wide as gdnsd's.
 */
class RouteMapTest {
  static final Path SHIPPED = Path.of("geo-data/meridian-country.mmdb");
  static final List<Region> REGIONS =
      List.of(
          new Region("us-east", 39.04, -77.49, List.of()),
          new Region("eu-west", 53.35, -6.26, List.of()),
          new Region("ap-south", 19.08, 72.88, List.of()));
  static final GeoRules RULES =
      new GeoRules(
          Map.of(),
          Map.of(
              "EU", new int[] {1, 0, 2},
              "AF", new int[] {1, 2, 0},
              "NA", new int[] {0, 1, 2},
              "SA", new int[] {0, 1, 2},
              "AS", new int[] {2, 1, 0},
              "OC", new int[] {2, 0, 1}),
          new int[] {0, 1, 2});
  private static MaxMindLocator db;
  private static RouteMap map;

  @BeforeAll
  static void load() throws Exception {
    db = MaxMindLocator.open(SHIPPED, CountryTable.bundled());
    map = GeoPolicy.routes(db, REGIONS, RULES);
  }

  @AfterAll
  static void close() throws Exception {
    db.close();
  }

  /** What the database and rules say for one address, without the map. */
  static int[] oracle(InetAddress a) {
    int[] r = RULES.match(db.locate(a)).regions();
    return r;
  }

  static InetAddress v6(byte[] b) throws Exception {
    return Inet6Address.getByAddress(null, b, -1);
  }

  /** A random address inside {@code a/prefix}. */
  static InetAddress inside(InetAddress a, int prefix, SplittableRandom rnd) throws Exception {
    byte[] b = a.getAddress();
    for (int bit = prefix; bit < b.length * 8; bit++) {
      if (rnd.nextBoolean()) {
        b[bit / 8] ^= (byte) (0x80 >>> (bit % 8));
      }
    }
    return b.length == 16 ? v6(b) : InetAddress.getByAddress(b);
  }

  /** The first or last address of {@code a/prefix}. */
  static InetAddress edge(InetAddress a, int prefix, boolean last) throws Exception {
    byte[] b = a.getAddress();
    for (int bit = prefix; bit < b.length * 8; bit++) {
      int m = 0x80 >>> (bit % 8);
      b[bit / 8] = (byte) (last ? b[bit / 8] | m : b[bit / 8] & ~m);
    }
    return b.length == 16 ? v6(b) : InetAddress.getByAddress(b);
  }

  @Test
  void everyAddressInTheScopeRoutesTheSame() throws Exception {
    long seed = new SplittableRandom().nextLong();
    SplittableRandom rnd = new SplittableRandom(seed);
    for (int i = 0; i < 2000; i++) {
      InetAddress a;
      if (i % 3 == 0) {
        byte[] b = new byte[16];
        b[0] = (byte) (0x20 + rnd.nextInt(2)); // 2000::/7, where the IPv6 data is
        for (int k = 1; k < 8; k++) {
          b[k] = (byte) rnd.nextInt(256);
        }
        a = v6(b);
      } else {
        byte[] b = new byte[4];
        rnd.nextBytes(b);
        a = InetAddress.getByAddress(b);
      }
      long found = map.find(a);
      int scope = RouteMap.scopeOf(found);
      int[] order = map.order(RouteMap.routeOf(found));
      String why = "seed " + seed + ": " + a.getHostAddress() + " scope /" + scope;
      assertArrayEquals(oracle(a), order, why);
      Location loc = db.locate(a);
      // an aliased address (6to4 here) is located by its IPv4 network: prefix 16 + the IPv4 one
      int offset = a.getAddress().length == 16 && loc.network().indexOf(':') < 0 ? 16 : 0;
      assertTrue(scope <= offset + loc.prefix(), why + " is narrower than " + loc.network());
      for (int k = 0; k < 20; k++) {
        InetAddress b =
            k == 0 ? edge(a, scope, false) : k == 1 ? edge(a, scope, true) : inside(a, scope, rnd);
        assertArrayEquals(order, oracle(b), why + " covers " + b.getHostAddress());
        assertArrayEquals(order, map.order(RouteMap.routeOf(map.find(b))), why);
      }
    }
  }

  static int scope(String address) throws Exception {
    byte[] b = InetAddress.getByName(address).getAddress();
    return RouteMap.scopeOf(map.find(b.length == 16 ? v6(b) : InetAddress.getByAddress(b)));
  }

  @Test
  void spaceTheDatabaseDoesNotKnowMergesWithItsNeighbours() throws Exception {
    // the same as gdnsd 3.8 on this database and rules (scripts/compare-gdnsd-ecs.sh)
    assertEquals(7, scope("10.1.2.0"), "10/8 is unknown, 11/8 is US: both the default order");
    assertEquals(15, scope("192.0.2.0"));
    assertEquals(32, scope("2001:db8::"));
    assertEquals(17, scope("81.2.69.0"), "GB's /18 and its European neighbours");
  }

  @Test
  void ipv4InIpv6AnswersAsIpv4WithTheScopeInItsOwnFamily() throws Exception {
    long v4 = map.find(InetAddress.getByName("81.2.69.160"));
    byte[] mapped = new byte[16];
    mapped[10] = (byte) 0xff;
    mapped[11] = (byte) 0xff;
    System.arraycopy(InetAddress.getByName("81.2.69.160").getAddress(), 0, mapped, 12, 4);
    long m = map.find(v6(mapped));
    assertEquals(RouteMap.routeOf(v4), RouteMap.routeOf(m));
    assertEquals(96 + RouteMap.scopeOf(v4), RouteMap.scopeOf(m), "::ffff:0:0/96 + the IPv4 scope");
    mapped[10] = 0;
    mapped[11] = 0;
    long compat = map.find(v6(mapped));
    assertEquals(RouteMap.routeOf(v4), RouteMap.routeOf(compat), "::/96 is the IPv4 tree");
    assertEquals(96 + RouteMap.scopeOf(v4), RouteMap.scopeOf(compat));
    long sixToFour = map.find(InetAddress.getByName("2002:5102:45a0::"));
    assertEquals(RouteMap.routeOf(v4), RouteMap.routeOf(sixToFour));
    assertEquals(16 + RouteMap.scopeOf(v4), RouteMap.scopeOf(sixToFour));
    assertEquals(32, scope("2001:db8::"), "2001:db8::/32 stops short of 2002::/16");
  }

  @Test
  void ipv4LookupsThroughTheSlash16IndexAgreeWithTheSearchOverEveryRange() {
    long seed = new SplittableRandom().nextLong();
    SplittableRandom rnd = new SplittableRandom(seed);
    for (long k = 0; k < 1L << 16; k++) {
      long[] probes = {k << 16, k << 16 | 0xFFFF, k << 16 | rnd.nextInt(1 << 16)};
      for (long v4 : probes) {
        long indexed = map.findIpv4(v4);
        long full = map.findIpv6(0, v4); // ::/96 is the IPv4 tree, searched over every range
        String why = "seed " + seed + ": IPv4 " + v4;
        assertEquals(RouteMap.routeOf(full), RouteMap.routeOf(indexed), why);
        assertEquals(Math.max(0, RouteMap.scopeOf(full) - 96), RouteMap.scopeOf(indexed), why);
      }
    }
  }

  @Test
  void aDatabaseThatKnowsNothingIsOneRange() throws Exception {
    RouteMap none = GeoPolicy.routes(GeoLocator.NONE, REGIONS, RULES);
    assertEquals(1, none.ranges());
    assertEquals(0, RouteMap.scopeOf(none.find(InetAddress.getByName("192.0.2.1"))));
    assertEquals(0, RouteMap.scopeOf(none.find(InetAddress.getByName("2001:db8::1"))));
  }

  @Test
  void maxMindsTestDatabasesAliasIpv4AsTheyLocate() throws Exception {
    // MaxMind's published test database, copied into the tests with its licence: always there
    Path p = Path.of("src/test/resources/geoip-test/GeoIP2-Country-Test.mmdb");
    try (MaxMindLocator mm = MaxMindLocator.open(p, CountryTable.bundled())) {
      RouteMap m = GeoPolicy.routes(mm, REGIONS, RULES);
      long v4 = m.find(InetAddress.getByName("81.2.69.142"));
      assertArrayEquals(new int[] {1, 0, 2}, m.order(RouteMap.routeOf(v4)), "GB: Europe");
      for (String alias : new String[] {"2002:5102:458e::", "2001:0:5102:458e::"}) {
        long a = m.find(InetAddress.getByName(alias));
        assertEquals(RouteMap.routeOf(v4), RouteMap.routeOf(a), alias);
        assertEquals("GB", mm.locate(InetAddress.getByName(alias)).country(), alias);
      }
    }
  }
}
