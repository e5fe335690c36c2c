package dev.meridian.health;

import java.time.Instant;

/**
 * Endpoint health at one moment, indexed by health index, for the snapshot of one generation.
 * Immutable: built by {@link HealthMonitor} and published whole.
 */
public final class HealthTable implements HealthView {
  private final long generation;
  private final boolean[] up;
  private final String[] detail;

  HealthTable(long generation, boolean[] up, String[] detail) {
    this.generation = generation;
    this.up = up;
    this.detail = detail;
  }

  /** Every target in its start state, before any check ran. */
  public static HealthTable initial(long generation, java.util.List<Target> targets) {
    boolean[] up = new boolean[targets.size()];
    String[] detail = new String[targets.size()];
    for (Target t : targets) {
      up[t.index()] = t.check() == null || t.check().startUp();
      detail[t.index()] =
          t.check() == null ? "up (no check)" : (up[t.index()] ? "up" : "down") + " (start state)";
    }
    return new HealthTable(generation, up, detail);
  }

  /** The snapshot generation whose endpoints this table describes. */
  public long generation() {
    return generation;
  }

  @Override
  public boolean isUp(int healthIndex) {
    return healthIndex >= up.length || up[healthIndex];
  }

  @Override
  public String describe(int healthIndex) {
    return healthIndex >= detail.length ? "up (no check)" : detail[healthIndex];
  }

  public int size() {
    return up.length;
  }

  static String since(long epochMillis) {
    return Instant.ofEpochMilli(epochMillis).toString();
  }
}
