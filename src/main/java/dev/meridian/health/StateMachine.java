package dev.meridian.health;

/**
 * Anti-flap state of one endpoint: down after {@code fall} consecutive failures, up again after
 * {@code rise} consecutive successes. Confined to the monitor thread.
 */
final class StateMachine {
  private final int fall;
  private final int rise;
  private boolean up;
  private int streak; // consecutive results against the current state
  private long since;
  private String last = "no check yet";

  StateMachine(int fall, int rise, boolean startUp, long now) {
    this.fall = fall;
    this.rise = rise;
    this.up = startUp;
    this.since = now;
  }

  /** A state carried over from a previous generation. */
  StateMachine(int fall, int rise, boolean up, long since, String last) {
    this(fall, rise, up, since);
    this.last = last;
  }

  /**
   * Feeds one probe result; {@code error} is null on success.
   *
   * @return true when the state changed
   */
  boolean record(String error, long now) {
    boolean ok = error == null;
    last = ok ? "ok" : error;
    if (ok == up) {
      streak = 0;
      return false;
    }
    streak++;
    if (streak >= (up ? fall : rise)) {
      up = ok;
      streak = 0;
      since = now;
      return true;
    }
    return false;
  }

  boolean isUp() {
    return up;
  }

  long since() {
    return since;
  }

  String last() {
    return last;
  }

  /** Successes (or failures) counted towards the next change. */
  int streak() {
    return streak;
  }
}
