package dev.meridian.server;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;

/**
 * Response rate limiting (RRL) as in BIND: each (client prefix, response class) has an account
 * credited {@code rate} responses a second, holding at most one second's worth; each response
 * spends one; a response that takes the account below zero is limited, and the debt may grow to
 * {@code window} seconds' worth, so a client that keeps asking too fast stays limited until its
 * average over the window falls below the rate. A limited response is dropped, except every {@code
 * slip}-th which is sent truncated (TC=1) so that a real client retries over TCP.
 *
 * <p>Accounts live in a fixed-size table indexed by a keyed hash (no per-client objects, bounded
 * memory whatever the traffic); a key probes four neighbouring slots and, when all four hold live
 * accounts of others, shares the first (so collisions can only limit more, never reset a debt).
 * Thread-safe without locks: each slot is two atomic longs, updated by compare-and-set; a race
 * between two keys claiming one slot at the same instant may miscount one response, as BIND's own
 * approximations do. No allocation per call for IPv4 clients.
 */
final class ResponseRateLimiter {
  static final int SEND = 0;
  static final int DROP = 1;
  static final int SLIP = 2;

  private static final int SLOTS = 1 << 17; // 2 MiB of accounts; BIND's default table is 20000
  private static final int PROBES = 4;
  private static final int TS_BITS = 28; // seconds; wraps after 8.5 years, harmlessly
  private static final long TS_MASK = (1L << TS_BITS) - 1;

  private final int rate;
  private final long windowSeconds;
  private final int slip;
  private final int v4Mask;
  private final int v6Prefix;
  private final int[] exempt4Network;
  private final int[] exempt4Mask;
  private final List<RateLimitOptions.Prefix> exempt6;
  private final LongSupplier nanoTime;
  private final long origin;
  private final long seed = ThreadLocalRandom.current().nextLong();
  private final AtomicLongArray keys = new AtomicLongArray(SLOTS);
  private final AtomicLongArray accounts = new AtomicLongArray(SLOTS);

  ResponseRateLimiter(RateLimitOptions o, LongSupplier nanoTime) {
    this.rate = o.responsesPerSecond();
    this.windowSeconds = Math.max(1, o.window().toSeconds());
    this.slip = o.slip();
    this.v4Mask = mask4(o.ipv4Prefix());
    this.v6Prefix = o.ipv6Prefix();
    List<RateLimitOptions.Prefix> v4 =
        o.exempt().stream().filter(p -> p.network() instanceof Inet4Address).toList();
    this.exempt4Network = new int[v4.size()];
    this.exempt4Mask = new int[v4.size()];
    for (int i = 0; i < v4.size(); i++) {
      exempt4Mask[i] = mask4(v4.get(i).length());
      exempt4Network[i] = ipv4(v4.get(i).network()) & exempt4Mask[i];
    }
    this.exempt6 = o.exempt().stream().filter(p -> !(p.network() instanceof Inet4Address)).toList();
    this.nanoTime = nanoTime;
    this.origin = nanoTime.getAsLong();
  }

  /**
   * What to do with the response {@code r[0..len)} to {@code client}: {@link #SEND}, {@link #DROP}
   * or {@link #SLIP}.
   */
  int check(InetAddress client, byte[] r, int len) {
    long kind = ResponseClass.key(r, len, seed);
    if (kind == 0) {
      return SEND;
    }
    long prefix;
    if (client instanceof Inet4Address) {
      int a = ipv4(client);
      for (int i = 0; i < exempt4Mask.length; i++) {
        if ((a & exempt4Mask[i]) == exempt4Network[i]) {
          return SEND;
        }
      }
      prefix = (a & v4Mask) & 0xFFFFFFFFL;
    } else {
      byte[] a = client.getAddress();
      for (RateLimitOptions.Prefix p : exempt6) {
        if (matches(a, p.network().getAddress(), p.length())) {
          return SEND;
        }
      }
      prefix = hash6(a);
    }
    long key = ResponseClass.mix(kind ^ ResponseClass.mix(prefix + seed));
    return spend(key == 0 ? 1 : key);
  }

  private int spend(long key) {
    long now = ((nanoTime.getAsLong() - origin) / 1_000_000_000L + 1) & TS_MASK;
    int slot = slot(key, now);
    while (true) {
      long old = accounts.get(slot);
      long ts = old >>> 36;
      int slips = (int) (old >>> 32) & 0xF;
      long balance = (int) old;
      long age = (now - ts) & TS_MASK;
      if (old == 0 || age > windowSeconds) {
        balance = rate; // a new account, or one forgotten: a second's worth of credit
        slips = 0;
      } else if (age > 0) {
        balance = Math.min(rate, balance + rate * age);
        slips = balance == rate ? 0 : slips;
      }
      if (balance > -rate * windowSeconds) {
        balance--;
      }
      int verdict = SEND;
      if (balance < 0) {
        verdict = DROP;
        if (slip > 0 && ++slips >= slip) {
          slips = 0;
          verdict = SLIP;
        }
      }
      long next = (now << 36) | ((long) slips << 32) | (balance & 0xFFFFFFFFL);
      if (accounts.compareAndSet(slot, old, next)) {
        return verdict;
      }
    }
  }

  /** The slot holding {@code key}'s account, claiming a free or forgotten one if needed. */
  private int slot(long key, long now) {
    int first = (int) key & (SLOTS - 1);
    for (int i = 0; i < PROBES; i++) {
      int s = (first + i) & (SLOTS - 1);
      if (keys.get(s) == key) {
        return s;
      }
    }
    for (int i = 0; i < PROBES; i++) {
      int s = (first + i) & (SLOTS - 1);
      long held = keys.get(s);
      long a = accounts.get(s);
      boolean forgotten = held == 0 || ((now - (a >>> 36)) & TS_MASK) > windowSeconds;
      if (forgotten && keys.compareAndSet(s, held, key)) {
        accounts.set(s, 0);
        return s;
      }
    }
    return first; // four live accounts of others: share, so a collision never resets a debt
  }

  private long hash6(byte[] a) {
    long h = seed;
    int full = v6Prefix / 8;
    for (int i = 0; i < full; i++) {
      h = (h ^ (a[i] & 0xFF)) * 0x100000001B3L;
    }
    int rest = v6Prefix % 8;
    if (rest > 0) {
      h = (h ^ (a[full] & (0xFF << (8 - rest)) & 0xFF)) * 0x100000001B3L;
    }
    return h ^ 6;
  }

  private static boolean matches(byte[] a, byte[] network, int length) {
    if (a.length != network.length) {
      return false;
    }
    int full = length / 8;
    for (int i = 0; i < full; i++) {
      if (a[i] != network[i]) {
        return false;
      }
    }
    int rest = length % 8;
    int m = (0xFF << (8 - rest)) & 0xFF;
    return rest == 0 || (a[full] & m) == (network[full] & m);
  }

  /**
   * The IPv4 address as an int. {@link Inet4Address#hashCode()} is that int in every JDK since 1.0
   * (and a test checks it), which spares the byte array {@code getAddress()} allocates per call.
   */
  static int ipv4(InetAddress a) {
    return a.hashCode();
  }

  private static int mask4(int prefix) {
    return prefix == 0 ? 0 : -1 << (32 - prefix);
  }
}
