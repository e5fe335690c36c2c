package dev.meridian.health;

/**
 * Whether each endpoint is live, by the int health index fixed when the snapshot was built.
 * Implementations are immutable, so one query sees one consistent view.
 */
@FunctionalInterface
public interface HealthView {
  boolean isUp(int healthIndex);

  /** One line on an endpoint's state, for explanations. */
  default String describe(int healthIndex) {
    return isUp(healthIndex) ? "up" : "down";
  }

  /** Every endpoint live: the view while no checks are configured. */
  HealthView ALL_UP = i -> true;
}
