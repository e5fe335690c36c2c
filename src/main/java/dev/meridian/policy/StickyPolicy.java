package dev.meridian.policy;

import dev.meridian.health.HealthView;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;

/**
 * Consistent hashing of the client's subnet (/24 for IPv4, /56 for IPv6) on a ring with virtual
 * nodes (weight times {@code virtualNodes} points per endpoint): the answer is the next distinct
 * live endpoints clockwise. Removing one of K endpoints moves only the clients it had, about 1/K.
 * The ring is built once; immutable and thread-safe.
 */
public final class StickyPolicy implements TrafficPolicy {
  static final int V4_PREFIX = 24;
  static final int V6_PREFIX = 56;

  private final Endpoint[] endpoints;
  private final long[] points; // sorted ring positions
  private final int[] owners; // endpoint index of each point
  private final int max;

  public StickyPolicy(List<Endpoint> endpoints, int maxAnswers, int virtualNodes) {
    this.endpoints = endpoints.toArray(new Endpoint[0]);
    this.max = maxAnswers;
    int total = 0;
    for (Endpoint e : this.endpoints) {
      total += e.weight() * virtualNodes;
    }
    long[] pos = new long[total];
    int[] ownerOf = new int[total];
    int n = 0;
    for (int i = 0; i < this.endpoints.length; i++) {
      byte[] a = this.endpoints[i].address().getAddress();
      for (int v = 0; v < this.endpoints[i].weight() * virtualNodes; v++) {
        pos[n] = hash(a, a.length, v);
        ownerOf[n++] = i;
      }
    }
    Integer[] order = new Integer[total]; // built once: boxing is fine here
    for (int k = 0; k < total; k++) {
      order[k] = k;
    }
    Arrays.sort(order, (x, y) -> Long.compareUnsigned(pos[x], pos[y]));
    this.points = new long[total];
    this.owners = new int[total];
    for (int j = 0; j < total; j++) {
      points[j] = pos[order[j]];
      owners[j] = ownerOf[order[j]];
    }
  }

  /** The subnet the client is hashed by: its address with the host bits cleared. */
  static int prefixFor(InetAddress a) {
    return a instanceof Inet4Address ? V4_PREFIX : V6_PREFIX;
  }

  /** The ring position of a client. */
  static long clientKey(InetAddress client) {
    byte[] a = client.getAddress();
    int bytes = prefixFor(client) / 8;
    return hash(a, bytes, -1);
  }

  @Override
  public Selection select(Client client, boolean v6, HealthView health, List<String> trace) {
    int prefix = prefixFor(client.address());
    if (points.length == 0) {
      return Selection.empty(prefix);
    }
    long key = clientKey(client.address());
    if (trace != null) {
      trace.add(
          "sticky: client subnet "
              + subnet(client.address())
              + "/"
              + prefix
              + " hashes to ring position "
              + Long.toUnsignedString(key)
              + "; next endpoints clockwise");
    }
    return fromPoint(firstAtOrAfter(key), v6, health, prefix);
  }

  /** The next distinct live endpoints of the family clockwise from ring point {@code at}. */
  private Selection fromPoint(int at, boolean v6, HealthView health, int prefix) {
    Endpoint[] out = new Endpoint[Math.min(max, endpoints.length)];
    boolean[] seen = new boolean[endpoints.length];
    int n = 0;
    for (int step = 0; step < points.length && n < out.length; step++) {
      int owner = owners[(at + step) % points.length];
      Endpoint e = endpoints[owner];
      if (!seen[owner] && e.isV6() == v6 && health.isUp(e.healthIndex())) {
        out[n++] = e;
      }
      seen[owner] = true;
    }
    return new Selection(out, n, prefix);
  }

  /**
   * One group per distinct answer around the ring; a client's group is that of the first point at
   * or after the hash of its subnet, as {@link #select} finds it.
   */
  @Override
  public Plan plan(boolean v6, HealthView health) {
    if (points.length == 0) {
      return null;
    }
    java.util.Map<String, Integer> seen = new java.util.HashMap<>();
    List<List<Selection>> groups = new java.util.ArrayList<>();
    int[] groupOfPoint = new int[points.length];
    for (int at = 0; at < points.length; at++) {
      Selection s = fromPoint(at, v6, health, 0);
      if (s.count() == 0) {
        groupOfPoint[at] = -1;
        continue;
      }
      groupOfPoint[at] =
          seen.computeIfAbsent(
              s.toString(),
              k -> {
                groups.add(List.of(s));
                return groups.size() - 1;
              });
    }
    return new Plan(groups) {
      @Override
      public boolean usesAddress() {
        return true;
      }

      @Override
      public long choose(boolean clientV6, long hi, long lo) {
        int group = groupOfPoint[firstAtOrAfter(prefixKey(clientV6, hi, lo))];
        return group < 0 ? -1 : (long) group << 8 | (clientV6 ? V6_PREFIX : V4_PREFIX);
      }
    };
  }

  /**
   * {@link #clientKey} from an address held in two longs (IPv4 in the low 32 bits of {@code lo}):
   * the same hash over the same prefix octets, without an array.
   */
  static long prefixKey(boolean v6, long hi, long lo) {
    long h = 0xcbf29ce484222325L;
    if (v6) {
      for (int i = 0; i < V6_PREFIX / 8; i++) {
        h = (h ^ ((hi >>> (56 - 8 * i)) & 0xff)) * 0x100000001b3L;
      }
    } else {
      for (int i = 0; i < V4_PREFIX / 8; i++) {
        h = (h ^ ((lo >>> (24 - 8 * i)) & 0xff)) * 0x100000001b3L;
      }
    }
    return mix(h, -1);
  }

  private static String subnet(InetAddress a) {
    byte[] b = a.getAddress();
    for (int i = prefixFor(a) / 8; i < b.length; i++) {
      b[i] = 0;
    }
    try {
      return InetAddress.getByAddress(b).getHostAddress();
    } catch (java.net.UnknownHostException e) {
      return a.getHostAddress(); // cannot happen: the length is that of a real address
    }
  }

  private int firstAtOrAfter(long key) {
    int lo = 0;
    int hi = points.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (Long.compareUnsigned(points[mid], key) < 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo == points.length ? 0 : lo;
  }

  /** FNV-1a over the bytes and a salt, finished with MurmurHash3's 64-bit mixer. */
  static long hash(byte[] a, int length, int salt) {
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < length; i++) {
      h = (h ^ (a[i] & 0xff)) * 0x100000001b3L;
    }
    return mix(h, salt);
  }

  private static long mix(long fnv, int salt) {
    long h = (fnv ^ salt) * 0x100000001b3L;
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }

  @Override
  public List<Endpoint> endpoints() {
    return List.of(endpoints);
  }
}
