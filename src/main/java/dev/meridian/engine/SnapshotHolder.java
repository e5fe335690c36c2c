package dev.meridian.engine;

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
}
