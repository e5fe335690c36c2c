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
    Endpoint[] live = new Endpoint[pool.length];
    int n = 0;
    for (Endpoint e : pool) {
      if (e.isV6() == v6 && health.isUp(e.healthIndex())) {
        live[n++] = e;
      }
    }
    if (n == 0) {
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
}
