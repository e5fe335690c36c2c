package dev.meridian.policy;

import dev.meridian.geo.Location;
import dev.meridian.health.HealthView;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Routes a located client to the first region, in rule order or by distance ({@code nearest}),
 * whose tier has live endpoints, and answers with them rotated. The ECS scope is the prefix of the
 * geo database network the client's address fell in: the widest prefix the decision holds for.
 * Thread-safe.
 */
public final class GeoPolicy implements TrafficPolicy {
  private final Region[] regions;
  private final Endpoint[][] tiers;
  private final GeoRules rules; // null: always nearest
  private final int max;
  private final AtomicLong turn = new AtomicLong();

  /**
   * @param rules the routing rules, or null to order regions by distance for every client
   */
  public GeoPolicy(List<Region> regions, GeoRules rules, int maxAnswers) {
    this.regions = regions.toArray(new Region[0]);
    this.tiers = new Endpoint[regions.size()][];
    for (int i = 0; i < regions.size(); i++) {
      tiers[i] = regions.get(i).endpoints().toArray(new Endpoint[0]);
    }
    this.rules = rules;
    this.max = maxAnswers;
  }

  @Override
  public boolean usesLocation() {
    return true;
  }

  @Override
  public Selection select(Client client, boolean v6, HealthView health, List<String> trace) {
    Location loc = client.location();
    int[] order;
    if (rules == null) {
      if (trace != null) {
        trace.add("rule: nearest (the service's policy)");
      }
      order = nearest(loc, trace);
    } else {
      GeoRules.Match m = rules.match(loc);
      if (trace != null) {
        trace.add("rule: " + m.rule() + " -> " + (m.nearest() ? "nearest" : names(m.regions())));
      }
      order = m.nearest() ? nearest(loc, trace) : m.regions();
    }
    if (trace != null) {
      trace.add("regions in order: " + names(order));
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
        return Selection.empty(loc.prefix());
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
        return s.withScope(loc.prefix());
      }
    }
    return Selection.empty(loc.prefix());
  }

  /** Region indexes by great-circle distance from the client; file order if it has no position. */
  private int[] nearest(Location loc, List<String> trace) {
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

  private String names(int[] order) {
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
