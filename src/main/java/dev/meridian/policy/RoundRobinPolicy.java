package dev.meridian.policy;

import dev.meridian.health.HealthView;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** Every live endpoint, the list rotated by one per response. Thread-safe (one atomic counter). */
public final class RoundRobinPolicy implements TrafficPolicy {
  private final Endpoint[] endpoints;
  private final int max;
  private final AtomicLong turn = new AtomicLong();

  public RoundRobinPolicy(List<Endpoint> endpoints, int maxAnswers) {
    this.endpoints = endpoints.toArray(new Endpoint[0]);
    this.max = maxAnswers;
  }

  @Override
  public Selection select(Client client, boolean v6, HealthView health, List<String> trace) {
    Selection s = Rotation.rotated(endpoints, v6, health, turn.getAndIncrement(), max);
    if (trace != null) {
      trace.add("round-robin over " + Rotation.ofFamily(endpoints, v6) + " endpoints, rotated");
    }
    return s;
  }

  @Override
  public Plan plan(boolean v6, HealthView health) {
    return Plan.single(Plan.rotations(endpoints, v6, health, max, 0.0));
  }

  @Override
  public List<Endpoint> endpoints() {
    return List.of(endpoints);
  }
}
