package dev.meridian.policy;

import dev.meridian.geo.GeoLocator;
import dev.meridian.geo.Location;
import dev.meridian.health.HealthView;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Routes a client to the first region, in rule order or by distance ({@code nearest}), whose tier
 * has live endpoints, and answers with them rotated. The route and the ECS scope come from a {@link
 * RouteMap} decided at load: the scope is the widest block around the client whose addresses all
 * route the same, so every address in it gets the same answer (health is global). Thread-safe.
 */
public final class GeoPolicy implements TrafficPolicy {
  private final Region[] regions;
  private final Endpoint[][] tiers;
  private final GeoRules rules; // null: always nearest
  private final RouteMap map;
  private final boolean[] hasFamily = new boolean[2]; // [0] IPv4, [1] IPv6: in any region
  private final int max;
  private final AtomicLong turn = new AtomicLong();

  /**
   * @param rules the routing rules, or null to order regions by distance for every client
   * @param map routes by address, built by {@link #routes} for the same regions and rules
   */
  public GeoPolicy(List<Region> regions, GeoRules rules, int maxAnswers, RouteMap map) {
    this.regions = regions.toArray(new Region[0]);
    this.tiers = new Endpoint[regions.size()][];
    for (int i = 0; i < regions.size(); i++) {
      tiers[i] = regions.get(i).endpoints().toArray(new Endpoint[0]);
      hasFamily[0] |= Rotation.ofFamily(tiers[i], false) > 0;
      hasFamily[1] |= Rotation.ofFamily(tiers[i], true) > 0;
    }
    this.rules = rules;
    this.map = map;
    this.max = maxAnswers;
  }

  /**
   * Walks {@code geo} once and merges its networks by the route that {@code rules} (null: nearest)
   * give them over {@code regions}. Only the regions' names and locations matter.
   */
  public static RouteMap routes(GeoLocator geo, List<Region> regions, GeoRules rules) {
    Region[] rs = regions.toArray(new Region[0]);
    return RouteMap.build(geo, loc -> route(rs, rules, loc, null));
  }

  /** The regions in order for a client at {@code loc}. */
  private static int[] route(Region[] regions, GeoRules rules, Location loc, List<String> trace) {
    if (rules == null) {
      if (trace != null) {
        trace.add("rule: nearest (the service's policy)");
      }
      return nearest(regions, loc, trace);
    }
    GeoRules.Match m = rules.match(loc);
    if (trace != null) {
      trace.add(
          "rule: " + m.rule() + " -> " + (m.nearest() ? "nearest" : names(regions, m.regions())));
    }
    return m.nearest() ? nearest(regions, loc, trace) : m.regions();
  }

  @Override
  public boolean usesLocation() {
    return true; // for explanations: answers come from the route map
  }

  @Override
  public Selection select(Client client, boolean v6, HealthView health, List<String> trace) {
    if (!hasFamily[v6 ? 1 : 0]) {
      // no region has endpoints of this family: the same NODATA (or static answer) for everyone
      if (trace != null) {
        trace.add("no region has " + (v6 ? "IPv6" : "IPv4") + " endpoints in this tier");
      }
      return Selection.empty(0);
    }
    long found = map.find(client.address());
    int[] order = map.order(RouteMap.routeOf(found));
    int scope = RouteMap.scopeOf(found);
    if (trace != null) {
      if (client.location() != null) {
        route(regions, rules, client.location(), trace);
      }
      trace.add("regions in order: " + names(regions, order));
      trace.add(
          "scope "
              + RouteMap.block(client.address(), scope)
              + ": every address in it gets these regions in this order (neighbouring database"
              + " networks merged at load)");
    }
    long t = turn.getAndIncrement();
    for (int r : order) {
      if (Rotation.ofFamily(tiers[r], v6) == 0) {
        if (trace != null) {
          trace.add(
              "region "
                  + regions[r].name()
                  + " has no "
                  + (v6 ? "IPv6" : "IPv4")
                  + " endpoints: no answer of this type rather than one from a farther region");
        }
        return Selection.empty(scope);
      }
      Selection s = Rotation.rotated(tiers[r], v6, health, t, max, regions[r].minUp());
      if (trace != null) {
        trace.add(
            Rotation.describe(
                "region " + regions[r].name(),
                tiers[r],
                v6,
                health,
                regions[r].minUp(),
                s.count() > 0));
      }
      if (s.count() > 0) {
        return s.withScope(scope);
      }
    }
    return Selection.empty(scope);
  }

  /**
   * Each region's rotations under {@code health}, and for each route the first region of its order
   * that answers, as {@link #select} walks it; -1 where the walk meets a region without endpoints
   * of the family (NODATA or static records) or finds nothing live.
   */
  @Override
  public Plan plan(boolean v6, HealthView health) {
    List<List<Selection>> byRegion = new ArrayList<>();
    for (int r = 0; r < regions.length; r++) {
      byRegion.add(Plan.rotations(tiers[r], v6, health, max, regions[r].minUp()));
    }
    int[] groupOfRoute = new int[map.routeCount()];
    for (int id = 0; id < groupOfRoute.length; id++) {
      groupOfRoute[id] = -1;
      if (!hasFamily[v6 ? 1 : 0]) {
        continue;
      }
      for (int r : map.order(id)) {
        if (Rotation.ofFamily(tiers[r], v6) == 0) {
          break;
        }
        if (!byRegion.get(r).isEmpty()) {
          groupOfRoute[id] = r;
          break;
        }
      }
    }
    return new Plan(map, groupOfRoute, byRegion);
  }

  /** Region indexes by great-circle distance from the client; file order if it has no position. */
  private static int[] nearest(Region[] regions, Location loc, List<String> trace) {
    int n = regions.length;
    int[] order = new int[n];
    double[] km = new double[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
      km[i] =
          loc.hasCoordinates()
              ? Location.distanceKm(
                  loc.latitude(), loc.longitude(), regions[i].latitude(), regions[i].longitude())
              : 0;
    }
    for (int i = 1; i < n; i++) { // insertion sort: a handful of regions
      int cur = order[i];
      int j = i - 1;
      while (j >= 0 && km[order[j]] > km[cur]) {
        order[j + 1] = order[j];
        j--;
      }
      order[j + 1] = cur;
    }
    if (trace != null) {
      List<String> parts = new ArrayList<>();
      for (int i : order) {
        parts.add(String.format(Locale.ROOT, "%s %.0f km", regions[i].name(), km[i]));
      }
      trace.add(
          loc.hasCoordinates()
              ? "distances: " + String.join(", ", parts)
              : "client position unknown: regions in configuration order");
    }
    return order;
  }

  private static String names(Region[] regions, int[] order) {
    List<String> out = new ArrayList<>();
    for (int i : order) {
      out.add(regions[i].name());
    }
    return String.join(", ", out);
  }

  @Override
  public List<Endpoint> endpoints() {
    return Rotation.flatten(tiers);
  }
}
