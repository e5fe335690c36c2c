package dev.meridian.policy;

import dev.meridian.health.HealthView;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Every answer a policy can give under one health state, decided ahead of queries so that they can
 * be encoded: groups of selections (a region's tier, a weighted first pick, a sticky ring
 * position), each with one selection per rotation of its live endpoints, and a rule that picks the
 * group for a client. A query then only picks a group and a rotation, without allocation.
 * Immutable.
 */
public abstract class Plan {
  private final List<List<Selection>> groups;

  Plan(List<List<Selection>> groups) {
    this.groups = List.copyOf(groups);
  }

  /** By group, the selection for each rotation (rotation k starts k endpoints along). */
  public List<List<Selection>> groups() {
    return groups;
  }

  /** Whether {@link #choose} needs the client's address. */
  public abstract boolean usesAddress();

  /**
   * The group that answers a client at an address (an IPv4 address in the low 32 bits of {@code
   * lo}, or IPv6 {@code hi:lo}), packed with its ECS scope as {@code group << 8 | scope}; -1 when
   * the general path must decide (nothing live, NODATA).
   */
  public abstract long choose(boolean v6, long hi, long lo);

  /** Every client gets the rotations of {@code rotations}, or the general path when empty. */
  static Plan single(List<Selection> rotations) {
    return new Plan(List.of(rotations)) {
      @Override
      public boolean usesAddress() {
        return false;
      }

      @Override
      public long choose(boolean v6, long hi, long lo) {
        return rotations.isEmpty() ? -1 : 0;
      }
    };
  }

  /** The group of each route of {@code map} (-1: the general path), with the map's scope. */
  static Plan routed(RouteMap map, int[] groupOfRoute, List<List<Selection>> groups) {
    return new Plan(groups) {
      @Override
      public boolean usesAddress() {
        return true;
      }

      @Override
      public long choose(boolean v6, long hi, long lo) {
        long found = v6 ? map.findIpv6(hi, lo) : map.findIpv4(lo);
        int group = groupOfRoute[RouteMap.routeOf(found)];
        return group < 0 ? -1 : (long) group << 8 | RouteMap.scopeOf(found);
      }
    };
  }

  /** One group per live endpoint drawn first, in proportion to {@code weights} (scope 0). */
  static Plan weighted(long[] weights, List<List<Selection>> groups) {
    long[] cumulative = new long[weights.length];
    long total = 0;
    for (int i = 0; i < weights.length; i++) {
      total += weights[i];
      cumulative[i] = total;
    }
    long sum = total;
    return new Plan(groups) {
      @Override
      public boolean usesAddress() {
        return false;
      }

      @Override
      public long choose(boolean v6, long hi, long lo) {
        if (sum == 0) {
          return -1;
        }
        long r = ThreadLocalRandom.current().nextLong(sum);
        for (int g = 0; g < cumulative.length; g++) {
          if (r < cumulative[g]) {
            return (long) g << 8;
          }
        }
        return -1; // unreachable: r < sum
      }
    };
  }

  /** The selections of every rotation of the live endpoints of {@code pool}. */
  static List<Selection> rotations(
      Endpoint[] pool, boolean v6, HealthView health, int max, double minUp) {
    Selection first = Rotation.rotated(pool, v6, health, 0, max, minUp);
    if (first.count() == 0) {
      return List.of();
    }
    int live = 0;
    for (Endpoint e : pool) {
      if (e.isV6() == v6 && health.isUp(e.healthIndex())) {
        live++;
      }
    }
    List<Selection> out = new ArrayList<>();
    for (int k = 0; k < live; k++) {
      out.add(Rotation.rotated(pool, v6, health, k, max, minUp));
    }
    return out;
  }
}
