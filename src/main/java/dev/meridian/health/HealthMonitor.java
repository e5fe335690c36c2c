package dev.meridian.health;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs every target's check on its own jittered schedule, feeds results through each endpoint's
 * {@link StateMachine}, applies operator overrides, and publishes a new {@link HealthTable} when
 * anything changes (bursts merged over the publish interval). Probes are non-blocking (one NIO
 * thread for TCP, the JDK HttpClient for HTTP); all state lives on one scheduler thread, so no
 * locks. Thread-safe entry points: {@link #start}, {@link #close}, {@link #watch}.
 */
public final class HealthMonitor implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger("meridian.health");

  private final long generation;
  private final Target[] targets;
  private final StateMachine[] states;
  private final long[] nextDue;
  private final long publishIntervalMillis;
  private final Consumer<HealthTable> publish;
  private final ScheduledThreadPoolExecutor exec;
  private final Clock clock; // stamps state changes ("down since"); tests inject their own
  private TcpProber tcp;
  private HttpProber http;
  private OverrideFile.Overrides overrides = OverrideFile.Overrides.NONE;
  private boolean publishPending;
  private long fileStamp = Long.MIN_VALUE;
  private final long[] latencyNanos;
  private volatile Listener listener = new Listener() {};
  private long[] lags = new long[1024];
  private int lagCount;

  public HealthMonitor(
      long generation,
      List<Target> targets,
      Duration publishInterval,
      Consumer<HealthTable> publish) {
    this(generation, targets, publishInterval, publish, Map.of());
  }

  /**
   * A monitor that continues from {@code carried} states (by {@link #key}) where a previous
   * generation's monitor left them, so a reload forgets nothing about endpoints that stay.
   */
  public HealthMonitor(
      long generation,
      List<Target> targets,
      Duration publishInterval,
      Consumer<HealthTable> publish,
      Map<String, State> carried) {
    this(generation, targets, publishInterval, publish, carried, Clock.systemUTC());
  }

  /** As above, with the clock that stamps state changes. */
  public HealthMonitor(
      long generation,
      List<Target> targets,
      Duration publishInterval,
      Consumer<HealthTable> publish,
      Map<String, State> carried,
      Clock clock) {
    this.clock = clock;
    this.generation = generation;
    this.targets = targets.toArray(new Target[0]);
    this.states = new StateMachine[this.targets.length];
    this.nextDue = new long[this.targets.length];
    this.latencyNanos = new long[this.targets.length];
    Arrays.fill(latencyNanos, -1);
    long now = clock.millis();
    for (Target t : this.targets) {
      if (t.check() != null) {
        State c = carried.get(key(t));
        states[t.index()] =
            c == null
                ? new StateMachine(t.check().fall(), t.check().rise(), t.check().startUp(), now)
                : new StateMachine(t.check().fall(), t.check().rise(), c.up(), c.since(), c.last());
      }
    }
    this.publishIntervalMillis = publishInterval.toMillis();
    this.publish = publish;
    this.exec =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread th = new Thread(r, "health");
              th.setDaemon(true);
              return th;
            });
    exec.setRemoveOnCancelPolicy(true);
  }

  /**
   * Told about every check, state change and overrides change, on the monitor thread; must not
   * block (metrics, events). Implementations are thread-safe.
   */
  public interface Listener {
    /** One probe finished: {@code ok} or not, after {@code nanos}. */
    default void checked(Target target, boolean ok, long nanos) {}

    /** The checks moved an endpoint up or down ({@code cause}: why). */
    default void changed(Target target, boolean up, String cause) {}

    /** The overrides (drains, forced states) changed to {@code now}. */
    default void overridesChanged(OverrideFile.Overrides now) {}
  }

  /** Sets who hears about checks and changes; call before {@link #start()}. */
  public void listen(Listener l) {
    listener = l;
  }

  /**
   * One endpoint as operators see it. Immutable.
   *
   * @param address the endpoint
   * @param regions the regions holding it
   * @param check the check, described, or null when unchecked
   * @param up whether answers include it (checks and overrides together)
   * @param checkedUp what the checks alone say
   * @param since when the checks last changed their verdict (epoch ms), or 0 when unchecked
   * @param lastResult the last check's result ("ok", or the cause of failure), or null
   * @param latencyMillis the last check's duration, or -1 before any
   * @param override the operator's override, or null
   */
  public record EndpointStatus(
      String address,
      Set<String> regions,
      String check,
      boolean up,
      boolean checkedUp,
      long since,
      String lastResult,
      double latencyMillis,
      Forced override) {}

  /** Every endpoint's status now (read on the monitor thread). */
  public List<EndpointStatus> status() throws Exception {
    return exec.submit(
            () -> {
              List<EndpointStatus> out = new java.util.ArrayList<>();
              for (Target t : targets) {
                StateMachine s = states[t.index()];
                Forced o = overrides.of(t.address(), t.regions());
                boolean checked = s == null || s.isUp();
                out.add(
                    new EndpointStatus(
                        t.address(),
                        t.regions(),
                        t.check() == null ? null : t.check().describe(),
                        o == null ? checked : o == Forced.UP,
                        checked,
                        s == null ? 0 : s.since(),
                        s == null ? null : s.last(),
                        latencyNanos[t.index()] < 0 ? -1 : latencyNanos[t.index()] / 1e6,
                        o));
              }
              return out;
            })
        .get(5, TimeUnit.SECONDS);
  }

  /** What a reload carries over for one endpoint. Immutable. */
  public record State(boolean up, long since, String last) {}

  /** The identity of a health entry across reloads: address and check. */
  public static String key(Target t) {
    return t.address() + "|" + t.check();
  }

  /** Every checked endpoint's state now, by {@link #key}, for the next generation's monitor. */
  public Map<String, State> states() throws Exception {
    return exec.submit(
            () -> {
              Map<String, State> out = new java.util.HashMap<>();
              for (Target t : targets) {
                StateMachine s = states[t.index()];
                if (s != null) {
                  out.put(key(t), new State(s.isUp(), s.since(), s.last()));
                }
              }
              return out;
            })
        .get();
  }

  /** The current table, built on the monitor thread (the first publication after a reload). */
  public HealthTable tableNow() throws Exception {
    return exec.submit(this::table).get();
  }

  /** Starts probing: each check's first run lands at a random point of its first interval. */
  public void start() throws IOException {
    tcp = new TcpProber();
    http = new HttpProber();
    int checked = 0;
    for (Target t : targets) {
      Check c = t.check();
      if (c == null) {
        continue;
      }
      checked++;
      long jitter = ThreadLocalRandom.current().nextLong(c.intervalMillis());
      nextDue[t.index()] = System.nanoTime() + jitter * 1_000_000; // the executor counts from here
      Future<?> unused =
          exec.scheduleAtFixedRate(
              () -> guarded(() -> run(t)), jitter, c.intervalMillis(), TimeUnit.MILLISECONDS);
    }
    if (checked > 0) {
      LOG.log(Level.INFO, "health: checking " + checked + " endpoints");
    }
  }

  /** Polls the overrides file every second and applies what it says. */
  public void watch(Path stateFile) {
    Future<?> unused =
        exec.scheduleWithFixedDelay(() -> guarded(() -> reload(stateFile)), 0, 1, TimeUnit.SECONDS);
  }

  private void reload(Path file) {
    long stamp;
    try {
      stamp = Files.exists(file) ? Files.getLastModifiedTime(file).toMillis() : -1;
    } catch (IOException e) {
      stamp = -1;
    }
    if (stamp == fileStamp) {
      return;
    }
    fileStamp = stamp;
    try {
      OverrideFile.Overrides o = OverrideFile.read(file);
      if (!o.equals(overrides)) {
        overrides = o;
        LOG.log(Level.INFO, "health: overrides from " + file + ": " + o);
        listener.overridesChanged(o);
        schedulePublish();
      }
    } catch (IOException e) {
      LOG.log(
          Level.WARNING,
          "health: "
              + file
              + " not applied ("
              + e.getMessage()
              + "); keeping the previous overrides");
    }
  }

  /**
   * A periodic task that throws is never run again: every task body goes through here (thread
   * root), so one bad probe never stops the checks.
   */
  private static void guarded(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      LOG.log(Level.ERROR, "health: unexpected error, checks continue: " + e, e);
    }
  }

  private void run(Target t) {
    long now = System.nanoTime();
    int i = t.index();
    record(now - nextDue[i]);
    nextDue[i] += t.check().intervalMillis() * 1_000_000;
    CompletableFuture<String> f =
        t.check().kind() == Check.Kind.TCP
            ? tcp.probe(t.check().target(), t.check().timeoutMillis())
            : http.probe(t.check());
    CompletableFuture<?> unused =
        f.whenComplete(
            (err, ex) -> {
              long took = System.nanoTime() - now;
              exec.execute(
                  () -> guarded(() -> result(t, ex != null ? HttpProber.cause(ex) : err, took)));
            });
  }

  private void result(Target t, String error, long nanos) {
    latencyNanos[t.index()] = nanos;
    listener.checked(t, error == null, nanos);
    StateMachine s = states[t.index()];
    if (s.record(error, clock.millis())) {
      Check c = t.check();
      LOG.log(
          Level.INFO,
          "health: "
              + t.address()
              + " ("
              + c.describe()
              + ") "
              + (s.isUp()
                  ? "up: " + c.rise() + " checks ok in a row"
                  : "down: " + error + " (" + c.fall() + " failures in a row)"));
      listener.changed(
          t,
          s.isUp(),
          s.isUp() ? c.rise() + " checks ok in a row" : error + " (" + c.fall() + " in a row)");
      schedulePublish();
    }
  }

  private void schedulePublish() {
    if (publishIntervalMillis == 0) {
      publish.accept(table());
    } else if (!publishPending) {
      publishPending = true;
      Future<?> unused =
          exec.schedule(
              () ->
                  guarded(
                      () -> {
                        publishPending = false;
                        publish.accept(table());
                      }),
              publishIntervalMillis,
              TimeUnit.MILLISECONDS);
    }
  }

  /** The table as of now. Call on the monitor thread. */
  private HealthTable table() {
    boolean[] up = new boolean[targets.length];
    String[] detail = new String[targets.length];
    for (Target t : targets) {
      int i = t.index();
      StateMachine s = states[i];
      boolean checked = s == null || s.isUp();
      String state =
          s == null
              ? "up (no check)"
              : (s.isUp() ? "up" : "down")
                  + " since "
                  + HealthTable.since(s.since())
                  + ", last check "
                  + s.last();
      Forced o = overrides.of(t.address(), t.regions());
      up[i] = o == null ? checked : o == Forced.UP;
      detail[i] =
          o == null
              ? state
              : o.name().toLowerCase(java.util.Locale.ROOT)
                  + " by operator (checks: "
                  + state
                  + ")";
    }
    return new HealthTable(generation, up, detail);
  }

  /** Publishes the current table now (after overrides change, and in tests). */
  public void publishNow() {
    exec.execute(() -> publish.accept(table()));
  }

  private void record(long lagNanos) {
    if (lagCount == lags.length) {
      lags = Arrays.copyOf(lags, lags.length * 2);
    }
    lags[lagCount++] = lagNanos;
  }

  /** Scheduling lag of every probe started so far, in nanoseconds (for the benchmark). */
  public long[] lags() throws Exception {
    return exec.submit(() -> Arrays.copyOf(lags, lagCount)).get();
  }

  /** Applies overrides at once (the admin API, tests); the state file is read within a second. */
  public void setOverrides(Map<String, Forced> endpoints, Map<String, Forced> regions) {
    exec.execute(
        () -> {
          overrides = new OverrideFile.Overrides(endpoints, regions);
          listener.overridesChanged(overrides);
          schedulePublish();
        });
  }

  @Override
  public void close() {
    exec.shutdownNow();
    if (tcp != null) {
      try {
        tcp.close();
      } catch (IOException e) {
        LOG.log(Level.DEBUG, "closing the tcp prober: " + e);
      }
    }
  }
}
