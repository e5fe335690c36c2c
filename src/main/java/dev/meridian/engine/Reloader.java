package dev.meridian.engine;

import dev.meridian.config.ConfigException;
import dev.meridian.config.ConfigLoader;
import dev.meridian.config.MeridianConfig;
import dev.meridian.geo.GeoLocator;
import dev.meridian.health.HealthMonitor;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;

/**
 * Owns what a reload replaces: the configuration, the published snapshot and the health monitor of
 * its endpoints. A reload reads the configuration, the zone files and (when its file changed) the
 * geo database again, builds a whole new snapshot off the query path and publishes it in one
 * reference swap; any error keeps the last good data serving and is reported in the {@link
 * Outcome}. SIGHUP, the file watcher and the admin API all come through {@link #reload()}, one at a
 * time. Thread-safe.
 */
public final class Reloader implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger("meridian");

  /**
   * One reload's result.
   *
   * @param at when it finished
   * @param generation the generation serving afterwards
   * @param published whether a new snapshot was published (false: the old one keeps serving)
   * @param changed what changed, one line each (zones added, removed, with a new serial; geo)
   * @param problems what was refused, with file:line or key path
   */
  public record Outcome(
      Instant at, long generation, boolean published, List<String> changed, List<String> problems) {
    public Outcome {
      changed = List.copyOf(changed);
      problems = List.copyOf(problems);
    }

    public boolean isClean() {
      return problems.isEmpty();
    }
  }

  /**
   * When a zone file last loaded, and the error of the last attempt that failed since (null when
   * the last attempt loaded). Immutable.
   */
  public record ZoneLoad(Instant at, String lastError) {}

  private final java.util.Map<String, ZoneLoad> zoneLoads =
      new java.util.concurrent.ConcurrentHashMap<>();
  private final SnapshotHolder holder;
  private final BiConsumer<Snapshot, Snapshot> onPublish;
  private final HealthMonitor.Listener healthListener;
  private final EventLog events;
  private final AnswerCounts answerCounts;
  private MeridianConfig config;
  private HealthMonitor health;
  private Object geoStamp;
  private Outcome last;
  private FileWatcher watcher;
  private final AtomicReference<CompletableFuture<Outcome>> queued = new AtomicReference<>();
  private final ExecutorService reloads =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "reload");
            t.setDaemon(true);
            return t;
          });

  private Reloader(
      MeridianConfig config,
      SnapshotHolder holder,
      HealthMonitor health,
      BiConsumer<Snapshot, Snapshot> onPublish,
      HealthMonitor.Listener healthListener,
      EventLog events,
      AnswerCounts answerCounts) {
    this.answerCounts = answerCounts;
    this.healthListener = healthListener;
    this.events = events;
    this.config = config;
    this.holder = holder;
    this.health = health;
    this.onPublish = onPublish;
    this.geoStamp = geoStamp(config);
    Snapshot s = holder.current();
    this.last = new Outcome(Instant.now(), s.generation(), true, List.of(), List.of());
    for (dev.meridian.zone.Zone z : s.zones().zones()) {
      zoneLoads.put(z.source(), new ZoneLoad(last.at(), null));
    }
  }

  /**
   * Starts the health checks of {@code first} and returns the reloader that owns them. {@code
   * onPublish} is called with the old and the new snapshot after every publication (and once with
   * null and {@code first}), off the query path.
   */
  public static Reloader start(
      MeridianConfig config, Snapshot first, BiConsumer<Snapshot, Snapshot> onPublish)
      throws IOException {
    return start(
        config,
        first,
        onPublish,
        new HealthMonitor.Listener() {},
        new EventLog(1),
        new AnswerCounts());
  }

  /**
   * As {@link #start(MeridianConfig, Snapshot, BiConsumer)}, telling {@code healthListener} about
   * every check of this and later generations, and {@code events} about every reload; later
   * generations count their answers in {@code answerCounts} (which {@code first} should use too).
   */
  public static Reloader start(
      MeridianConfig config,
      Snapshot first,
      BiConsumer<Snapshot, Snapshot> onPublish,
      HealthMonitor.Listener healthListener,
      EventLog events,
      AnswerCounts answerCounts)
      throws IOException {
    SnapshotHolder holder = new SnapshotHolder(first);
    HealthMonitor monitor =
        new HealthMonitor(
            first.generation(),
            first.healthTargets(),
            config.traffic().health().publishInterval(),
            holder::publishHealth);
    monitor.listen(healthListener);
    monitor.start();
    monitor.watch(config.traffic().health().stateFile());
    Reloader r =
        new Reloader(config, holder, monitor, onPublish, healthListener, events, answerCounts);
    onPublish.accept(null, first);
    return r;
  }

  public SnapshotHolder holder() {
    return holder;
  }

  public synchronized MeridianConfig config() {
    return config;
  }

  /** The health monitor of the serving generation. */
  public synchronized HealthMonitor health() {
    return health;
  }

  /** When the zone from {@code source} last loaded and its last error, or null if unknown. */
  public ZoneLoad zoneLoad(String source) {
    return zoneLoads.get(source);
  }

  private void recordZoneLoads(Snapshot before, Snapshot after, List<String> problems) {
    Instant now = Instant.now();
    for (dev.meridian.zone.Zone z : after.zones().zones()) {
      dev.meridian.zone.Zone was = before.zones().zone(z.origin());
      String error = null;
      for (String p : problems) {
        if (p.startsWith(z.source() + ":")) {
          error = p;
          break;
        }
      }
      ZoneLoad prior = zoneLoads.get(z.source());
      Instant at = was == z && prior != null ? prior.at() : now;
      zoneLoads.put(z.source(), new ZoneLoad(at, error));
    }
  }

  /** The last reload's outcome (at start: a clean one for the first generation). */
  public synchronized Outcome last() {
    return last;
  }

  /**
   * Reads the configuration and the zone files again and swaps in a new snapshot without dropping a
   * query: zones whose serial went up replace the old ones; broken files and a broken configuration
   * leave the last good version serving; endpoint health carries over; a geo database changed in
   * place is opened again, validated, and the replaced one closed.
   */
  public synchronized Outcome reload() {
    return reloadNow();
  }

  /**
   * Asks for a reload on the reload thread. Requests that arrive before it starts (a SIGHUP and a
   * file change together, say) share it and its outcome, so it runs and reports once.
   */
  public CompletableFuture<Outcome> requestReload() {
    CompletableFuture<Outcome> mine = new CompletableFuture<>();
    CompletableFuture<Outcome> waiting = queued.compareAndExchange(null, mine);
    if (waiting != null) {
      return waiting;
    }
    reloads.execute(
        () -> {
          queued.compareAndSet(mine, null); // later requests see the files as they are now
          try {
            mine.complete(reload());
          } catch (RuntimeException e) { // thread root: report it to whoever asked
            LOG.log(Level.ERROR, "reload failed: " + e, e);
            mine.completeExceptionally(e);
          }
        });
    return mine;
  }

  private Outcome reloadNow() {
    Snapshot old = holder.current();
    List<String> issues = new ArrayList<>();
    List<String> changed = new ArrayList<>();
    MeridianConfig next = loadConfig(issues);
    ZoneSet.Outcome zones = ZoneSet.reload(next.zoneDir(), old.zones().zones());
    issues.addAll(zones.problems());
    changed.addAll(zones.changed());
    zones.warnings().forEach(w -> LOG.log(Level.WARNING, "reload: " + w));
    Object stamp = geoStamp(next);
    if (issues.isEmpty()
        && changed.isEmpty()
        && sameForQueries(next, config)
        && Objects.equals(stamp, geoStamp)) {
      LOG.log(Level.INFO, "reload: nothing changed; generation " + old.generation() + " serves on");
      last = new Outcome(Instant.now(), old.generation(), false, List.of(), List.of());
      return last;
    }
    GeoLocator geo = old.geo();
    Snapshot built;
    try {
      if (!Objects.equals(next.traffic().geo().database(), config.traffic().geo().database())
          || !Objects.equals(stamp, geoStamp)) {
        geo = SnapshotLoader.openGeo(next);
        changed.add("geo database " + next.traffic().geo().database() + " opened again");
      }
      built =
          new SnapshotBuilder(answerCounts).build(next, zones.zones(), geo, old.generation() + 1);
    } catch (ConfigException e) {
      issues.addAll(e.problems());
      issues.add("reload abandoned: generation " + old.generation() + " keeps serving");
      closeReplaced(geo, old.geo());
      return finish(false, changed, issues);
    }
    HealthMonitor monitor = null;
    try {
      monitor =
          new HealthMonitor(
              built.generation(),
              built.healthTargets(),
              next.traffic().health().publishInterval(),
              holder::publishHealth,
              health.states());
      monitor.listen(healthListener);
      monitor.start();
      monitor.watch(next.traffic().health().stateFile());
      built = built.withHealth(monitor.tableNow());
    } catch (Exception e) { // a failed start of the checks is a result: keep the old generation
      if (monitor != null) {
        monitor.close();
      }
      closeReplaced(built.geo(), old.geo());
      issues.add("reload abandoned: health checks could not start (" + e + ")");
      return finish(false, changed, issues);
    }
    holder.publish(built);
    recordZoneLoads(old, built, issues);
    closeReplaced(old.geo(), built.geo());
    onPublish.accept(old, built);
    health.close();
    health = monitor;
    config = next;
    geoStamp = stamp;
    return finish(true, changed, issues);
  }

  /**
   * Whether two configurations answer alike: listen addresses (DNS and admin) take effect at a
   * restart only, so they do not count.
   */
  private static boolean sameForQueries(MeridianConfig a, MeridianConfig b) {
    return a.withListen(b.listen()).withAdminListen(b.admin().listen()).equals(b);
  }

  private MeridianConfig loadConfig(List<String> issues) {
    try {
      MeridianConfig next = ConfigLoader.load(config.file());
      if (!next.listen().equals(config.listen())
          || next.udpWorkers() != config.udpWorkers()
          || next.ednsPayloadSize() != config.ednsPayloadSize()
          || !next.tcp().equals(config.tcp())
          || !next.rateLimit().equals(config.rateLimit())) {
        LOG.log(
            Level.WARNING,
            "reload: listen, udp_workers, edns, tcp and rate_limit changes take effect at"
                + " the next restart");
      }
      return next;
    } catch (ConfigException e) {
      issues.addAll(e.problems());
      issues.add(config.file() + ": configuration rejected; the last good one keeps serving");
      return config;
    }
  }

  private Outcome finish(boolean published, List<String> changed, List<String> issues) {
    if (!published) {
      Snapshot now = holder.current();
      recordZoneLoads(now, now, issues); // the same zones serve; their errors are news
    }
    for (String c : changed) {
      LOG.log(Level.INFO, "reload: " + c);
    }
    for (String p : issues) {
      LOG.log(Level.ERROR, "reload: " + p);
    }
    long gen = holder.current().generation();
    LOG.log(
        Level.INFO,
        "reload done: serving generation "
            + gen
            + (issues.isEmpty() ? "" : " (" + issues.size() + " problems, see above)"));
    last = new Outcome(Instant.now(), gen, published, changed, issues);
    events.add(
        "reload",
        (published
                ? "reload: generation " + gen
                : "reload refused: generation " + gen + " serves on")
            + (changed.isEmpty() ? "" : "; " + String.join("; ", changed))
            + (issues.isEmpty() ? "" : "; problems: " + String.join("; ", issues)),
        java.util.Map.of(
            "generation", gen, "published", published, "changed", changed, "problems", issues));
    return last;
  }

  /**
   * What identifies the geo database file's content without reading it: file key (inode),
   * modification time and size. geoipupdate replaces the file by rename, which changes the first; a
   * rewrite in place changes the others.
   */
  private static Object geoStamp(MeridianConfig config) {
    Path db = config.traffic().geo().database();
    if (db == null) {
      return null;
    }
    try {
      BasicFileAttributes a = Files.readAttributes(db, BasicFileAttributes.class);
      return List.of(String.valueOf(a.fileKey()), a.lastModifiedTime(), a.size());
    } catch (IOException e) {
      return "unreadable"; // opening it will say why
    }
  }

  /**
   * Closes a geo database that is no longer used. Queries route by the snapshot's route maps, not
   * the database, so none is reading it; an explanation that still holds the old snapshot gets an
   * error instead of stale data.
   */
  private static void closeReplaced(GeoLocator replaced, GeoLocator kept) {
    if (replaced != kept && replaced instanceof java.io.Closeable c) {
      try {
        c.close();
      } catch (IOException e) {
        LOG.log(Level.WARNING, "closing the replaced geo database: " + e);
      }
    }
  }

  /**
   * Reloads (through {@link #requestReload()}) whenever a zone file, the configuration or the geo
   * database changes, settled for {@code debounce}. The files are those of the configuration now.
   */
  public synchronized void watchFiles(Duration debounce) throws IOException {
    if (watcher == null) {
      List<Path> files = new ArrayList<>();
      files.add(config.file());
      if (config.traffic().geo().database() != null) {
        files.add(config.traffic().geo().database());
      }
      watcher = new FileWatcher(config.zoneDir(), files, debounce, () -> requestReload().join());
    }
  }

  @Override
  public synchronized void close() {
    if (watcher != null) {
      try {
        watcher.close();
      } catch (IOException e) {
        LOG.log(Level.DEBUG, "closing the file watcher: " + e);
      }
    }
    reloads.shutdownNow();
    health.close();
  }
}
