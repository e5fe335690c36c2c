package dev.meridian.policy;

import java.util.List;

/**
 * Every answer a policy can give under one health state, decided ahead of queries so that they can
 * be encoded: groups of selections (one per rotation of a group's live endpoints), and which group
 * each route of the {@link RouteMap} gets. A query then only finds its route and picks a rotation.
 * Immutable.
 *
 * @param map the routes by client address, or null when every client gets group 0 with scope 0
 * @param groupOfRoute by route id, the group that answers, or -1 when the general path must decide
 *     (nothing live, or NODATA)
 * @param groups by group, the selection for each rotation (rotation k starts k endpoints along)
 */
@SuppressWarnings("ArrayRecordComponent") // groupOfRoute is built once and never written after
public record Plan(RouteMap map, int[] groupOfRoute, List<List<Selection>> groups) {
  public Plan {
    groups = List.copyOf(groups);
  }

  /**
   * A plan without routes: every client gets the rotations of {@code rotations}, or the general
   * path when it is empty.
   */
  static Plan single(List<Selection> rotations) {
    return new Plan(null, new int[] {rotations.isEmpty() ? -1 : 0}, List.of(rotations));
  }

  /** The selections of every rotation of the live endpoints of {@code pool}. */
  static List<Selection> rotations(
      Endpoint[] pool, boolean v6, dev.meridian.health.HealthView health, int max, double minUp) {
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
    List<Selection> out = new java.util.ArrayList<>();
    for (int k = 0; k < live; k++) {
      out.add(Rotation.rotated(pool, v6, health, k, max, minUp));
    }
    return out;
  }
}
