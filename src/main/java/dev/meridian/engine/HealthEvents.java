package dev.meridian.engine;

import dev.meridian.health.Forced;
import dev.meridian.health.HealthMonitor;
import dev.meridian.health.OverrideFile;
import dev.meridian.health.Target;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns health transitions and override changes into {@link EventLog} events (a drain is an event
 * naming what was drained), and passes every check on to {@code checks} (metrics). Thread-safe:
 * called on the monitor thread.
 */
public final class HealthEvents implements HealthMonitor.Listener {
  private final EventLog events;
  private final HealthMonitor.Listener checks;
  private volatile OverrideFile.Overrides seen = OverrideFile.Overrides.NONE;

  public HealthEvents(EventLog events, HealthMonitor.Listener checks) {
    this.events = events;
    this.checks = checks;
  }

  @Override
  public void checked(Target target, boolean ok, long nanos) {
    checks.checked(target, ok, nanos);
  }

  @Override
  public void changed(Target target, boolean up, String cause) {
    checks.changed(target, up, cause);
    events.add(
        "health",
        target.address() + " " + (up ? "up" : "down") + ": " + cause,
        Map.of(
            "endpoint",
            target.address(),
            "regions",
            List.copyOf(target.regions()),
            "state",
            up ? "up" : "down",
            "cause",
            cause));
  }

  /**
   * Reports what changed between the overrides seen last and {@code now}. Each generation's monitor
   * reads the state file afresh, so an unchanged file after a reload reports nothing.
   */
  @Override
  public synchronized void overridesChanged(OverrideFile.Overrides now) {
    checks.overridesChanged(now);
    diff("endpoint", seen.endpoints(), now.endpoints());
    diff("region", seen.regions(), now.regions());
    seen = now;
  }

  private void diff(String what, Map<String, Forced> before, Map<String, Forced> after) {
    Map<String, Forced> all = new HashMap<>(before);
    all.putAll(after);
    for (String key : all.keySet()) {
      Forced was = before.get(key);
      Forced is = after.get(key);
      if (was == is) {
        continue;
      }
      String action = is == null ? "clear" : is.name().toLowerCase(java.util.Locale.ROOT);
      events.add(
          "override",
          what + " " + key + ": " + action + (is == null ? "ed" : "") + " by operator",
          Map.of(what, key, "action", action));
    }
  }
}
