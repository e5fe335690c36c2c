package dev.meridian.cli;

import dev.meridian.config.Cidr;
import dev.meridian.config.ConfigException;
import dev.meridian.config.ConfigLoader;
import dev.meridian.config.MeridianConfig;
import dev.meridian.config.RateLimitSpec;
import dev.meridian.config.TcpSpec;
import dev.meridian.engine.QueryEngine;
import dev.meridian.engine.Snapshot;
import dev.meridian.engine.SnapshotBuilder;
import dev.meridian.engine.SnapshotHolder;
import dev.meridian.engine.ZoneSet;
import dev.meridian.geo.CountryTable;
import dev.meridian.geo.GeoLocator;
import dev.meridian.geo.MaxMindLocator;
import dev.meridian.health.HealthMonitor;
import dev.meridian.server.DnsServer;
import dev.meridian.server.Notifier;
import dev.meridian.server.RateLimitOptions;
import dev.meridian.server.ServerOptions;
import dev.meridian.server.TcpLimits;
import dev.meridian.zone.Journal;
import dev.meridian.zone.Zone;
import dev.meridian.zone.ZoneFileLoader;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A running server: configuration, zones, snapshot, engine and listeners wired together. The
 * composition root used by {@code meridian serve} and by the integration tests. Thread-safe.
 */
public final class MeridianServer implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger("meridian");

  private final SnapshotHolder holder;
  private final DnsServer dns;
  private HealthMonitor health; // replaced by reload(), which is synchronized
  private MeridianConfig config;
  private List<String> problems = List.of();
  private FileWatcher watcher;
  private final Notifier notifier;

  private MeridianServer(
      SnapshotHolder holder,
      DnsServer dns,
      HealthMonitor health,
      MeridianConfig config,
      Notifier notifier) {
    this.notifier = notifier;
    this.holder = holder;
    this.dns = dns;
    this.health = health;
    this.config = config;
  }

  /** Thrown when the input (zone directory) makes serving impossible; exit code 2. */
  public static final class StartupException extends Exception {
    private static final long serialVersionUID = 1L;

    StartupException(String message) {
      super(message);
    }
  }

  /** Loads the zones named by {@code config}, binds its addresses and starts answering. */
  public static MeridianServer start(MeridianConfig config) throws StartupException, IOException {
    Snapshot snapshot = loadSnapshot(config, 1);
    SnapshotHolder holder = new SnapshotHolder(snapshot);
    ServerOptions options =
        new ServerOptions(
            config.listen(),
            config.udpWorkers(),
            config.ednsPayloadSize(),
            tcpLimits(config.tcp()),
            rateLimit(config.rateLimit()));
    Notifier notifier = new Notifier();
    DnsServer dns =
        DnsServer.start(
            options, new QueryEngine(holder, zone -> notifyZone(holder, notifier, zone)));
    for (InetSocketAddress a : dns.addresses()) {
      LOG.log(
          Level.INFO,
          "listening on "
              + a.getAddress().getHostAddress()
              + " port "
              + a.getPort()
              + " (udp+tcp)");
    }
    HealthMonitor monitor =
        new HealthMonitor(
            snapshot.generation(),
            snapshot.healthTargets(),
            config.traffic().health().publishInterval(),
            holder::publishHealth);
    try {
      monitor.start();
    } catch (IOException e) {
      dns.close();
      throw e;
    }
    monitor.watch(config.traffic().health().stateFile());
    MeridianServer server = new MeridianServer(holder, dns, monitor, config, notifier);
    server.notifyChanged(null, snapshot);
    return server;
  }

  private static TcpLimits tcpLimits(TcpSpec t) {
    return new TcpLimits(
        t.maxConnections(),
        t.maxPerClient(),
        t.idleTimeout(),
        t.busyIdleTimeout(),
        t.messageTimeout());
  }

  private static RateLimitOptions rateLimit(RateLimitSpec r) {
    if (!r.isEnabled()) {
      return RateLimitOptions.OFF;
    }
    List<RateLimitOptions.Prefix> exempt = new ArrayList<>();
    for (Cidr c : r.exempt()) {
      exempt.add(new RateLimitOptions.Prefix(c.network(), c.prefix()));
    }
    return new RateLimitOptions(
        r.responsesPerSecond(), r.window(), r.slip(), r.ipv4Prefix(), r.ipv6Prefix(), exempt);
  }

  /**
   * Reads the configuration and the zone files again and swaps in a new snapshot without dropping a
   * query: zones whose serial went up replace the old ones, broken files and a broken configuration
   * leave the last good version serving (and are logged, and kept in {@link #problems()} until
   * fixed), endpoint health carries over. Off the query path; one reload at a time.
   */
  public synchronized List<String> reload() {
    Snapshot old = holder.current();
    List<String> issues = new ArrayList<>();
    MeridianConfig next = config;
    try {
      next = ConfigLoader.load(config.file());
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
    } catch (ConfigException e) {
      issues.addAll(e.problems());
      issues.add(config.file() + ": configuration rejected; the last good one keeps serving");
      next = config;
    }
    ZoneSet.Outcome zones = ZoneSet.reload(next.zoneDir(), old.zones().zones());
    issues.addAll(zones.problems());
    zones.warnings().forEach(w -> LOG.log(Level.WARNING, "reload: " + w));
    Snapshot built;
    try {
      GeoLocator geo = old.geo();
      if (!java.util.Objects.equals(
          next.traffic().geo().database(), config.traffic().geo().database())) {
        geo = openGeo(next);
      }
      built = new SnapshotBuilder().build(next, zones.zones(), geo, old.generation() + 1);
    } catch (ConfigException | StartupException e) {
      issues.add(e.getMessage());
      issues.add("reload abandoned: generation " + old.generation() + " keeps serving");
      finish(issues, List.of());
      return problems;
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
      monitor.start();
      monitor.watch(next.traffic().health().stateFile());
      built = built.withHealth(monitor.tableNow());
    } catch (Exception e) {
      if (monitor != null) {
        monitor.close();
      }
      issues.add("reload abandoned: health checks could not start (" + e + ")");
      finish(issues, List.of());
      return problems;
    }
    holder.publish(built);
    closeReplaced(old.geo(), built.geo());
    notifyChanged(old, built);
    health.close();
    health = monitor;
    config = next;
    finish(issues, zones.changed());
    return problems;
  }

  private void finish(List<String> issues, List<String> changed) {
    for (String c : changed) {
      LOG.log(Level.INFO, "reload: " + c);
    }
    for (String p : issues) {
      LOG.log(Level.ERROR, "reload: " + p);
    }
    LOG.log(
        Level.INFO,
        "reload done: serving generation "
            + holder.current().generation()
            + (issues.isEmpty() ? "" : " (" + issues.size() + " problems, see above)"));
    problems = List.copyOf(issues);
  }

  /** Reloads whenever a zone file or the configuration changes (settled for {@code debounce}). */
  public synchronized void watchFiles(Duration debounce) throws IOException {
    if (watcher == null) {
      watcher = new FileWatcher(config.zoneDir(), config.file(), debounce, this::reload);
    }
  }

  /** The secondaries configured for {@code zone} (empty when none). */
  private static List<InetSocketAddress> secondaries(MeridianConfig config, Zone zone) {
    return config
        .secondaries()
        .getOrDefault(zone.origin().toString().toLowerCase(java.util.Locale.ROOT), List.of());
  }

  /** NOTIFY the secondaries of a zone a dynamic update changed. */
  private static void notifyZone(SnapshotHolder holder, Notifier notifier, Zone zone) {
    List<InetSocketAddress> to = secondaries(holder.current().config(), zone);
    if (!to.isEmpty()) {
      notifier.notify(zone.origin(), zone.soa(), to);
    }
  }

  /** NOTIFY (RFC 1996) the secondaries of every zone that is new or has a new serial. */
  private void notifyChanged(Snapshot before, Snapshot after) {
    for (Zone z : after.zones().zones()) {
      List<InetSocketAddress> to = secondaries(after.config(), z);
      Zone was = before == null ? null : before.zones().zone(z.origin());
      if (!to.isEmpty() && (was == null || was.serial() != z.serial())) {
        notifier.notify(z.origin(), z.soa(), to);
      }
    }
  }

  /** Problems of the last reload (empty when everything loaded). */
  public synchronized List<String> problems() {
    return problems;
  }

  /**
   * Closes a geo database that a reload replaced. Queries route by the snapshot's route maps, not
   * the database, so none is reading it; an explanation that still holds the old snapshot gets an
   * error instead of stale data.
   */
  private static void closeReplaced(GeoLocator old, GeoLocator now) {
    if (old != now && old instanceof java.io.Closeable c) {
      try {
        c.close();
      } catch (IOException e) {
        LOG.log(Level.WARNING, "closing the replaced geo database: " + e);
      }
    }
  }

  private static GeoLocator openGeo(MeridianConfig config) throws StartupException {
    Path db = config.traffic().geo().database();
    if (db == null) {
      return GeoLocator.NONE;
    }
    try {
      MaxMindLocator m = MaxMindLocator.open(db, CountryTable.bundled());
      LOG.log(Level.INFO, "geo database " + db + " (" + m.description() + ")");
      return m;
    } catch (IOException e) {
      throw new StartupException(
          config.file()
              + ": geo.database: cannot read "
              + db
              + ": "
              + e.getMessage()
              + "; allowed: a MaxMind-format (.mmdb) file, such as"
              + " geo-data/meridian-country.mmdb or GeoLite2-Country.mmdb");
    }
  }

  /** Loads every zone file; bad files are logged with file and line and left out. */
  static Snapshot loadSnapshot(MeridianConfig config, long generation) throws StartupException {
    if (!Files.isDirectory(config.zoneDir())) {
      throw new StartupException(
          config.file()
              + ": zone_dir: "
              + config.zoneDir()
              + " is not a directory; allowed: a folder of *.zone files, relative to the config file");
    }
    ZoneFileLoader.DirectoryResult result = ZoneFileLoader.loadDirectory(config.zoneDir());
    for (String error : result.errors()) {
      LOG.log(Level.ERROR, "zone rejected: " + error + " (other zones still load)");
    }
    List<Zone> zones = new ArrayList<>();
    for (ZoneFileLoader.Loaded l : result.zones()) {
      for (String w : l.warnings()) {
        LOG.log(Level.WARNING, w);
      }
      Zone z = l.zone();
      try {
        Zone replayed = Journal.replay(z, Path.of(z.source()));
        if (replayed.serial() != z.serial()) {
          LOG.log(
              Level.INFO,
              "zone "
                  + z.origin()
                  + ": journal replayed, serial "
                  + z.serial()
                  + " -> "
                  + replayed.serial()
                  + " (updates acknowledged before a crash)");
          Journal.fold(replayed, Path.of(z.source()));
        }
        z = replayed;
      } catch (IOException | dev.meridian.zone.ZoneException e) {
        throw new StartupException(
            z.source() + ".jnl: cannot replay the journal: " + e.getMessage());
      }
      zones.add(z);
      LOG.log(
          Level.INFO,
          "zone "
              + z.origin()
              + " serial "
              + z.serial()
              + ", "
              + z.recordCount()
              + " records, from "
              + z.source());
    }
    if (zones.isEmpty()) {
      LOG.log(
          Level.WARNING, "no zone loaded from " + config.zoneDir() + ": every query gets REFUSED");
    }
    GeoLocator geo = openGeo(config);
    SnapshotBuilder builder = new SnapshotBuilder();
    try {
      Snapshot s = builder.build(config, zones, geo, generation);
      for (String w : builder.warnings()) {
        LOG.log(Level.WARNING, w);
      }
      if (!s.policies().isEmpty()) {
        LOG.log(Level.INFO, s.policies().size() + " managed names");
      }
      return s;
    } catch (ConfigException e) {
      throw new StartupException(e.getMessage());
    }
  }

  /** The DNS addresses actually bound (UDP and TCP share each). */
  public List<InetSocketAddress> addresses() {
    return dns.addresses();
  }

  /** The port of the first address; handy for tests that bind port 0. */
  public int dnsPort() {
    return dns.addresses().get(0).getPort();
  }

  public Snapshot snapshot() {
    return holder.current();
  }

  public dev.meridian.server.ServerStats stats() {
    return dns.stats();
  }

  public dev.meridian.metrics.Metrics metrics() {
    return dns.metrics();
  }

  /** The health monitor (tests apply overrides and read probe lag through it). */
  public HealthMonitor health() {
    return health;
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
    notifier.close();
    health.close();
    dns.close();
  }
}
