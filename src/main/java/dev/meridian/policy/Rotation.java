package dev.meridian.policy;

import dev.meridian.health.HealthView;

/** Picks the live endpoints of one family from a list, rotated by a counter. Stateless. */
final class Rotation {
  private Rotation() {}

  /** Number of endpoints of the family (configured, live or not). */
  static int ofFamily(Endpoint[] pool, boolean v6) {
    int n = 0;
    for (Endpoint e : pool) {
      if (e.isV6() == v6) {
        n++;
      }
    }
    return n;
  }

  /**
   * The live endpoints of the family, starting at the {@code turn}-th of them and wrapping, at most
   * {@code max} (BIND's rrset-order cyclic).
   */
  static Selection rotated(Endpoint[] pool, boolean v6, HealthView health, long turn, int max) {
    return rotated(pool, v6, health, turn, max, 0.0);
  }

  /**
   * As {@link #rotated(Endpoint[], boolean, HealthView, long, int)}, but empty unless at least
   * {@code minUp} of the family's endpoints are live: a tier that has lost most of its endpoints
   * sends its clients on rather than crowd them onto the survivors.
   */
  static Selection rotated(
      Endpoint[] pool, boolean v6, HealthView health, long turn, int max, double minUp) {
    Endpoint[] live = new Endpoint[pool.length];
    int n = 0;
    for (Endpoint e : pool) {
      if (e.isV6() == v6 && health.isUp(e.healthIndex())) {
        live[n++] = e;
      }
    }
    if (n == 0 || n < Math.ceil(minUp * ofFamily(pool, v6) - 1e-9)) {
      return Selection.empty(0);
    }
    int start = (int) Math.floorMod(turn, (long) n);
    int count = Math.min(n, max);
    Endpoint[] out = new Endpoint[count];
    for (int k = 0; k < count; k++) {
      out[k] = live[(start + k) % n];
    }
    return new Selection(out, count, 0);
  }

  /** One explanation line: "region eu-west: 1 of 2 up (needs 50%), next" plus each endpoint. */
  static String describe(
      String what, Endpoint[] pool, boolean v6, HealthView health, double minUp, boolean answers) {
    StringBuilder b = new StringBuilder(what).append(": ");
    int live = 0;
    int all = 0;
    StringBuilder each = new StringBuilder();
    for (Endpoint e : pool) {
      if (e.isV6() != v6) {
        continue;
      }
      all++;
      if (health.isUp(e.healthIndex())) {
        live++;
      }
      each.append("; ").append(e).append(' ').append(health.describe(e.healthIndex()));
    }
    b.append(live).append(" of ").append(all).append(" up");
    if (minUp > 0) {
      b.append(" (needs ").append(Math.round(minUp * 100)).append("%)");
    }
    return b.append(answers ? ", answers" : ", next").append(each).toString();
  }

  /** Every endpoint of several groups, in order. */
  static java.util.List<Endpoint> flatten(Endpoint[][] groups) {
    java.util.List<Endpoint> all = new java.util.ArrayList<>();
    for (Endpoint[] g : groups) {
      all.addAll(java.util.List.of(g));
    }
    return all;
  }
}
