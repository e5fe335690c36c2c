package dev.meridian.policy;

import dev.meridian.geo.GeoLocator;
import dev.meridian.geo.Location;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The route (regions in order of preference) of every address, decided at load by walking the geo
 * database once: each network's location goes through the routing function, routes are interned to
 * small ints, and neighbouring ranges with the same route are merged, so that the ECS scope of an
 * answer can be the shortest prefix around the client that routes the same (gdnsd does the same).
 * Space the database does not know gets the route of an unknown location. Addresses that the
 * database aliases to IPv4 (IPv4-mapped, 6to4) route, and are scoped, as their IPv4 address.
 * Immutable; lookups allocate nothing but the address's byte array.
 */
public final class RouteMap {
  private final long[] hi; // range starts, ascending (unsigned 128-bit: hi, lo)
  private final long[] lo;
  private final int[] route; // >= 0: route id; < 0: -depth of an IPv4 alias
  private final int[][] routes;
  private final int unknown;

  /**
   * For each IPv4 /16 {@code k}, the range holding its first address ({@code k << 16} at {@code
   * ::/96}); entry 65536 holds {@code ::1:0:0}, just past IPv4. An IPv4 lookup searches only
   * between entries {@code k} and {@code k + 1}: a few ranges instead of a binary search over all
   * of them (18 steps, each a cache miss into two arrays of megabytes, a third of a geo query's
   * time on the fast path in JFR). 256 KiB, decided at load.
   */
  private final int[] v4Index;

  private RouteMap(long[] hi, long[] lo, int[] route, int[][] routes, int unknown) {
    this.hi = hi;
    this.lo = lo;
    this.route = route;
    this.routes = routes;
    this.unknown = unknown;
    this.v4Index = new int[(1 << 16) + 1];
    for (int k = 0; k < v4Index.length; k++) {
      v4Index[k] = index(0, (long) k << 16);
    }
  }

  /**
   * Walks {@code geo} and merges its networks by {@code routeOf} (region indexes in order; called
   * once per distinct database record).
   */
  public static RouteMap build(GeoLocator geo, Function<Location, int[]> routeOf) {
    Builder b = new Builder(routeOf);
    geo.walk(b);
    return b.finish();
  }

  /** Number of merged ranges, for the load log and tests. */
  public int ranges() {
    return route.length;
  }

  /** Number of distinct routes. */
  public int routeCount() {
    return routes.length;
  }

  /** Region indexes of route {@code id}, in order of preference. Do not modify. */
  int[] order(int id) {
    return routes[id];
  }

  /**
   * The route of {@code address} and the ECS scope that holds for it, packed: route id in the high
   * bits, scope prefix (in the address's own family) in the low 8. See {@link #routeOf(long)} and
   * {@link #scopeOf(long)}.
   */
  public long find(InetAddress address) {
    byte[] b = address.getAddress();
    if (b.length == 4) {
      return findIpv4(ipv4Value(b, 0));
    }
    long h = 0;
    long l = 0;
    for (int i = 0; i < 8; i++) {
      h = h << 8 | (b[i] & 0xFF);
      l = l << 8 | (b[8 + i] & 0xFF);
    }
    return findIpv6(h, l);
  }

  /** As {@link #find}, for the IPv4 address {@code v4} (its 32 bits); allocates nothing. */
  public long findIpv4(long v4) {
    return ipv4(v4, 0);
  }

  /** As {@link #find}, for the IPv6 address {@code h:l} (high and low 64 bits). */
  public long findIpv6(long h, long l) {
    int i = index(h, l);
    int r = route[i];
    if (r >= 0) {
      return pack(r, scope(i, h, l));
    }
    int depth = -r; // an alias: the 32 bits after the alias prefix are the IPv4 address
    if (depth > 96) {
      return pack(unknown, 128); // no room for an IPv4 address: a broken database, this host only
    }
    long top = depth < 64 ? h << depth | l >>> (64 - depth) : l << (depth - 64);
    return ipv4(top >>> 32, depth);
  }

  public static int routeOf(long found) {
    return (int) (found >>> 8);
  }

  public static int scopeOf(long found) {
    return (int) (found & 0xFF);
  }

  /** Route and scope of IPv4 {@code v4} (at {@code ::/96}), scope expressed after {@code base}. */
  private long ipv4(long v4, int base) {
    int k = (int) (v4 >>> 16);
    int i = search(v4Index[k], v4Index[k + 1], 0, v4);
    int r = route[i] >= 0 ? route[i] : unknown;
    return pack(r, base + Math.max(0, scope(i, 0, v4) - 96));
  }

  private static long ipv4Value(byte[] b, int at) {
    return (b[at] & 0xFFL) << 24
        | (b[at + 1] & 0xFF) << 16
        | (b[at + 2] & 0xFF) << 8
        | (b[at + 3] & 0xFF);
  }

  private static long pack(int route, int scope) {
    return (long) route << 8 | scope;
  }

  /** The last range whose start is at or below the address. */
  private int index(long h, long l) {
    return search(0, route.length - 1, h, l);
  }

  /** As {@link #index}, knowing that the answer lies in {@code [low, high]}. */
  private int search(int low, int high, long h, long l) {
    while (low < high) {
      int mid = (low + high + 1) >>> 1;
      if (compare(hi[mid], lo[mid], h, l) <= 0) {
        low = mid;
      } else {
        high = mid - 1;
      }
    }
    return low;
  }

  /**
   * The shortest prefix whose aligned block around the address lies inside range {@code i}: past
   * the first bit where the address leaves the range's start - 1, and past the first bit where it
   * leaves the next range's start.
   */
  private int scope(int i, long h, long l) {
    int p = 0;
    if (hi[i] != 0 || lo[i] != 0) {
      long sl = lo[i] - 1;
      long sh = lo[i] == 0 ? hi[i] - 1 : hi[i];
      p = firstDifference(h ^ sh, l ^ sl) + 1;
    }
    if (i + 1 < route.length) {
      p = Math.max(p, firstDifference(h ^ hi[i + 1], l ^ lo[i + 1]) + 1);
    }
    return p;
  }

  private static int firstDifference(long xh, long xl) {
    return xh != 0 ? Long.numberOfLeadingZeros(xh) : 64 + Long.numberOfLeadingZeros(xl);
  }

  private static int compare(long h1, long l1, long h2, long l2) {
    int c = Long.compareUnsigned(h1, h2);
    return c != 0 ? c : Long.compareUnsigned(l1, l2);
  }

  /** The block {@code address/scope} as text, for explanations. */
  public static String block(InetAddress address, int scope) {
    byte[] b = address.getAddress();
    for (int bit = scope; bit < b.length * 8; bit++) {
      b[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
    }
    try {
      InetAddress a =
          b.length == 16
              ? java.net.Inet6Address.getByAddress(null, b, -1)
              : InetAddress.getByAddress(b);
      return a.getHostAddress() + "/" + scope;
    } catch (java.net.UnknownHostException e) {
      throw new AssertionError("a 4- or 16-byte address", e);
    }
  }

  /** Collects the walk into merged ranges. Confined to the loading thread. */
  private static final class Builder implements GeoLocator.NetworkVisitor {
    private final Function<Location, int[]> routeOf;
    private final IdentityHashMap<Location, Integer> byPlace = new IdentityHashMap<>();
    private final Map<List<Integer>, Integer> byOrder = new HashMap<>();
    private final List<int[]> orders = new ArrayList<>();
    private final int unknown;
    private long[] hi = new long[1024];
    private long[] lo = new long[1024];
    private int[] route = new int[1024];
    private int n;
    private long nextHi; // where the next network should start; covered up to here
    private long nextLo;
    private boolean full; // the walk reached the end of the space

    Builder(Function<Location, int[]> routeOf) {
      this.routeOf = routeOf;
      this.unknown = intern(routeOf.apply(Location.unknown(0, "::/0")));
    }

    private int intern(int[] order) {
      List<Integer> key = new ArrayList<>(order.length);
      for (int r : order) {
        key.add(r);
      }
      Integer id = byOrder.get(key);
      if (id == null) {
        id = orders.size();
        byOrder.put(key, id);
        orders.add(order.clone());
      }
      return id;
    }

    @Override
    public void network(long h, long l, int prefix, Location place) {
      Integer id = byPlace.get(place);
      if (id == null) {
        id = intern(routeOf.apply(place));
        byPlace.put(place, id);
      }
      add(h, l, prefix, id);
    }

    @Override
    public void alias(long h, long l, int prefix) {
      add(h, l, prefix, -prefix);
    }

    private void add(long h, long l, int prefix, int r) {
      if (full || compare(h, l, nextHi, nextLo) < 0) {
        throw new IllegalStateException("the geo database walk went backwards");
      }
      if (h != nextHi || l != nextLo) {
        append(nextHi, nextLo, unknown); // a gap the database does not know
      }
      append(h, l, r);
      // the next start: (h, l) + 2^(128 - prefix)
      if (prefix == 0) {
        full = true;
      } else if (prefix <= 64) {
        nextLo = 0;
        nextHi = h + (1L << (64 - prefix));
        full = nextHi == 0;
      } else {
        nextLo = l + (prefix == 128 ? 1 : 1L << (128 - prefix));
        nextHi = nextLo == 0 ? h + 1 : h;
        full = nextLo == 0 && nextHi == 0;
      }
    }

    private void append(long h, long l, int r) {
      if (n > 0 && r >= 0 && route[n - 1] == r) {
        return; // the same route as the range before: one range
      }
      if (n == route.length) {
        hi = Arrays.copyOf(hi, n * 2);
        lo = Arrays.copyOf(lo, n * 2);
        route = Arrays.copyOf(route, n * 2);
      }
      hi[n] = h;
      lo[n] = l;
      route[n] = r;
      n++;
    }

    RouteMap finish() {
      if (!full) {
        append(nextHi, nextLo, unknown);
      }
      return new RouteMap(
          Arrays.copyOf(hi, n),
          Arrays.copyOf(lo, n),
          Arrays.copyOf(route, n),
          orders.toArray(new int[0][]),
          unknown);
    }
  }
}
