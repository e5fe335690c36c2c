package dev.meridian.policy;

import dev.meridian.health.HealthView;
import java.util.List;

/**
 * Chooses the endpoints of one managed name for one query. Implementations are pure apart from
 * lock-free rotation counters: thread-safe, no locks, no I/O.
 */
public interface TrafficPolicy {
  /**
   * Chooses the endpoints for one answer.
   *
   * @param v6 true for AAAA (IPv6 endpoints), false for A
   * @param trace when not null, receives one line per decision (for explain); null on the hot path
   */
  Selection select(Client client, boolean v6, HealthView health, List<String> trace);

  /** Whether {@link Client#location()} must be filled in. */
  default boolean usesLocation() {
    return false;
  }

  /**
   * Every answer under {@code health}, for answers encoded ahead of queries; null when this policy
   * decides per query (weighted draws, sticky hashing) and the general path must answer.
   */
  default Plan plan(boolean v6, HealthView health) {
    return null;
  }

  /** Every endpoint this policy may return, for explanations and health wiring. */
  List<Endpoint> endpoints();
}
