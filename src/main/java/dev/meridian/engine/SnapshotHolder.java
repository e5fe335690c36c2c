package dev.meridian.engine;

import dev.meridian.health.HealthTable;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The current {@link Snapshot}. Thread-safe: reload publishes with a single reference write;
 * queries call {@link #current()} once each, so one answer always comes from one generation.
 */
public final class SnapshotHolder {
  private final AtomicReference<Snapshot> ref;

  public SnapshotHolder(Snapshot first) {
    ref = new AtomicReference<>(first);
  }

  public Snapshot current() {
    return ref.get();
  }

  /** Makes {@code built} the snapshot every later query reads. */
  public void publish(Snapshot built) {
    ref.set(built);
  }

  /**
   * Replaces one zone (after a dynamic update), keeping everything else of the current snapshot.
   */
  public void publishZone(dev.meridian.zone.Zone zone) {
    ref.updateAndGet(s -> s.withZones(s.zones().with(zone)));
  }

  /**
   * Swaps in new endpoint health without a lock; a table built for an older generation (whose
   * endpoints were numbered differently) is dropped.
   */
  public void publishHealth(HealthTable table) {
    ref.updateAndGet(s -> table.generation() != s.generation() ? s : s.withHealth(table));
  }
}
