package dev.meridian.policy;

import dev.meridian.health.HealthView;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * The first answer is drawn in proportion to weight among live endpoints; the others follow in
 * configured order after it. Thread-safe; no locks.
 */
public final class WeightedPolicy implements TrafficPolicy {
  private final Endpoint[] endpoints;
  private final int max;
  private final RandomGenerator fixed; // tests inject a seeded generator; null = ThreadLocalRandom

  public WeightedPolicy(List<Endpoint> endpoints, int maxAnswers) {
    this(endpoints, maxAnswers, null);
  }

  WeightedPolicy(List<Endpoint> endpoints, int maxAnswers, RandomGenerator random) {
    this.endpoints = endpoints.toArray(new Endpoint[0]);
    this.max = maxAnswers;
    this.fixed = random;
  }

  @Override
  public Selection select(Client client, boolean v6, HealthView health, List<String> trace) {
    long total = 0;
    for (Endpoint e : endpoints) {
      if (e.isV6() == v6 && health.isUp(e.healthIndex())) {
        total += e.weight();
      }
    }
    if (total == 0) {
      return Selection.empty(0);
    }
    RandomGenerator rnd = fixed != null ? fixed : ThreadLocalRandom.current();
    long r = rnd.nextLong(total);
    int first = 0;
    for (int i = 0; i < endpoints.length; i++) {
      Endpoint e = endpoints[i];
      if (e.isV6() == v6 && health.isUp(e.healthIndex()) && (r -= e.weight()) < 0) {
        first = i;
        break;
      }
    }
    Selection s = startingAt(first, v6, health);
    if (trace != null) {
      trace.add(
          "weighted: "
              + s.get(0)
              + " drawn first with weight "
              + s.get(0).weight()
              + " of "
              + total);
    }
    return s;
  }

  /** The live endpoints of the family in configured order, starting at {@code first}. */
  private Selection startingAt(int first, boolean v6, HealthView health) {
    Endpoint[] out = new Endpoint[Math.min(max, endpoints.length)];
    int n = 0;
    for (int k = 0; k < endpoints.length && n < out.length; k++) {
      Endpoint e = endpoints[(first + k) % endpoints.length];
      if (e.isV6() == v6 && health.isUp(e.healthIndex())) {
        out[n++] = e;
      }
    }
    return new Selection(out, n, 0);
  }

  /** One group per live endpoint, drawn first in proportion to its weight. */
  @Override
  public Plan plan(boolean v6, HealthView health) {
    if (fixed != null) {
      return null; // a test's seeded draws: answered per query
    }
    List<Long> weights = new java.util.ArrayList<>();
    List<List<Selection>> groups = new java.util.ArrayList<>();
    for (int i = 0; i < endpoints.length; i++) {
      Endpoint e = endpoints[i];
      if (e.isV6() == v6 && health.isUp(e.healthIndex())) {
        weights.add((long) e.weight());
        groups.add(List.of(startingAt(i, v6, health)));
      }
    }
    return Plan.weighted(weights.stream().mapToLong(Long::longValue).toArray(), groups);
  }

  @Override
  public List<Endpoint> endpoints() {
    return List.of(endpoints);
  }
}
