package dev.meridian.policy;

import dev.meridian.health.HealthView;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Ordered groups (pools, or regions' tiers): the first group with live endpoints of the family
 * answers, rotated. Liveness comes from the {@link HealthView}. Thread-safe.
 */
public final class FailoverPolicy implements TrafficPolicy {
  private final Endpoint[][] groups;
  private final String[] names;
  private final double[] minUp;
  private final int max;
  private final AtomicLong turn = new AtomicLong();

  /**
   * @param minUp per group, the fraction of endpoints that must be up for it to answer
   */
  public FailoverPolicy(
      List<List<Endpoint>> groups, List<String> names, List<Double> minUp, int maxAnswers) {
    this.groups = new Endpoint[groups.size()][];
    for (int i = 0; i < groups.size(); i++) {
      this.groups[i] = groups.get(i).toArray(new Endpoint[0]);
    }
    this.names = names.toArray(new String[0]);
    this.minUp = new double[minUp.size()];
    for (int i = 0; i < this.minUp.length; i++) {
      this.minUp[i] = minUp.get(i);
    }
    this.max = maxAnswers;
  }

  @Override
  public Selection select(Client client, boolean v6, HealthView health, List<String> trace) {
    long t = turn.getAndIncrement();
    for (int g = 0; g < groups.length; g++) {
      Selection s = Rotation.rotated(groups[g], v6, health, t, max, minUp[g]);
      if (trace != null) {
        trace.add(
            Rotation.describe(
                "failover " + names[g], groups[g], v6, health, minUp[g], s.count() > 0));
      }
      if (s.count() > 0) {
        return s;
      }
    }
    return Selection.empty(0);
  }

  @Override
  public Plan plan(boolean v6, HealthView health) {
    for (int g = 0; g < groups.length; g++) {
      List<Selection> r = Plan.rotations(groups[g], v6, health, max, minUp[g]);
      if (!r.isEmpty()) {
        return Plan.single(r);
      }
    }
    return Plan.single(List.of());
  }

  @Override
  public List<Endpoint> endpoints() {
    return Rotation.flatten(groups);
  }
}
