package dev.meridian.cli;

import dev.meridian.admin.AdminServer;
import dev.meridian.admin.WebhookSender;
import dev.meridian.config.AdminSpec;
import dev.meridian.config.Cidr;
import dev.meridian.config.MeridianConfig;
import dev.meridian.config.RateLimitSpec;
import dev.meridian.config.TcpSpec;
import dev.meridian.engine.AnswerCounts;
import dev.meridian.engine.EventLog;
import dev.meridian.engine.HealthEvents;
import dev.meridian.engine.QueryEngine;
import dev.meridian.engine.QueryLog;
import dev.meridian.engine.Reloader;
import dev.meridian.engine.Snapshot;
import dev.meridian.engine.SnapshotHolder;
import dev.meridian.engine.SnapshotLoader;
import dev.meridian.engine.StatusReport;
import dev.meridian.health.HealthMonitor;
import dev.meridian.metrics.Metrics;
import dev.meridian.server.DnsServer;
import dev.meridian.server.Notifier;
import dev.meridian.server.RateLimitOptions;
import dev.meridian.server.ServerOptions;
import dev.meridian.server.TcpLimits;
import dev.meridian.zone.Zone;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A running server: configuration, snapshot, reloader and listeners wired together. The composition
 * root used by {@code meridian serve} and by the integration tests. Thread-safe.
 */
public final class MeridianServer implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger("meridian");

  private final Reloader reloader;
  private final DnsServer dns;
  private final Notifier notifier;
  private final EventLog events;
  private AdminServer admin;
  private WebhookSender webhooks;
  private QueryLog queryLog;

  private MeridianServer(Reloader reloader, DnsServer dns, Notifier notifier, EventLog events) {
    this.reloader = reloader;
    this.dns = dns;
    this.notifier = notifier;
    this.events = events;
  }

  /** Thrown when the input makes serving impossible; exit code 2. */
  public static final class StartupException extends Exception {
    private static final long serialVersionUID = 1L;

    StartupException(String message) {
      super(message);
    }
  }

  /** Loads the zones named by {@code config}, binds its addresses and starts answering. */
  public static MeridianServer start(MeridianConfig config) throws StartupException, IOException {
    Instant started = Instant.now();
    AnswerCounts answers = new AnswerCounts();
    Snapshot snapshot = load(config, answers);
    Notifier notifier = new Notifier();
    EventLog events = new EventLog(config.admin().eventsKept());
    Metrics metrics = config.admin().metrics() ? Metrics.fromProperties() : Metrics.disabled();
    MetricsWiring wiring = new MetricsWiring(metrics);
    Reloader reloader =
        Reloader.start(
            config,
            snapshot,
            (before, after) -> notifyChanged(notifier, before, after),
            new HealthEvents(events, wiring),
            events,
            answers);
    SnapshotHolder holder = reloader.holder();
    ServerOptions options =
        new ServerOptions(
            config.listen(),
            config.udpWorkers(),
            config.ednsPayloadSize(),
            tcpLimits(config.tcp()),
            rateLimit(config.rateLimit()));
    DnsServer dns;
    try {
      dns =
          DnsServer.start(
              options,
              new QueryEngine(holder, zone -> notifyZone(holder, notifier, zone)),
              metrics);
    } catch (IOException | RuntimeException e) {
      reloader.close();
      notifier.close();
      throw e;
    }
    for (InetSocketAddress a : dns.addresses()) {
      LOG.log(
          Level.INFO,
          "listening on "
              + a.getAddress().getHostAddress()
              + " port "
              + a.getPort()
              + " (udp+tcp)");
    }
    wiring.export(reloader, events, answers);
    MeridianServer server = new MeridianServer(reloader, dns, notifier, events);
    try {
      server.startAdmin(config, answers, started);
    } catch (IOException | RuntimeException e) {
      server.close();
      throw new IOException("admin HTTP on " + config.admin().listen() + ": " + e.getMessage(), e);
    }
    return server;
  }

  /** The admin HTTP API and webhooks, as {@code admin} and {@code events} configure them. */
  private void startAdmin(MeridianConfig config, AnswerCounts answers, Instant started)
      throws IOException {
    AdminSpec spec = config.admin();
    if (spec.queryLog() != null) {
      AdminSpec.QueryLogSpec q = spec.queryLog();
      queryLog = new QueryLog(q.file(), q.sample(), q.queue(), reloader.holder());
      dns.logQueries(queryLog);
      LOG.log(Level.INFO, "query log: 1 in " + q.sample() + " queries to " + q.file());
    }
    if (!spec.webhooks().isEmpty()) {
      webhooks =
          new WebhookSender(events, spec.webhooks(), spec.webhookTimeout(), Duration.ofSeconds(1));
    }
    if (spec.listen() == null) {
      return;
    }
    List<String> listeners = new ArrayList<>();
    for (InetSocketAddress a : dns.addresses()) {
      listeners.add(hostPort(a));
    }
    StatusReport status =
        new StatusReport(reloader, answers, events, started, version(), listeners);
    admin =
        AdminServer.start(
            spec.listen(), spec.token(), reloader, status, events, dns.metrics()::writeText);
    LOG.log(Level.INFO, "admin HTTP on " + hostPort(admin.address()));
  }

  /** ADDRESS:PORT, with IPv6 in brackets. */
  static String hostPort(InetSocketAddress a) {
    String h = a.getAddress().getHostAddress();
    return (h.indexOf(':') >= 0 ? "[" + h + "]" : h) + ":" + a.getPort();
  }

  /** The version in the jar's manifest, or "dev" when run from classes. */
  static String version() {
    String v = MeridianServer.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  /** Where the admin HTTP API listens, or null when it is off. */
  public InetSocketAddress adminAddress() {
    return admin == null ? null : admin.address();
  }

  public EventLog events() {
    return events;
  }

  /** The query log, or null when off. */
  public QueryLog queryLog() {
    return queryLog;
  }

  /**
   * The first snapshot, as {@code check} and {@code explain} load it but folding replayed journals
   * into their zone files; problems are logged, and a zone with an error is left out.
   */
  static Snapshot load(MeridianConfig config, AnswerCounts answers) throws StartupException {
    SnapshotLoader.Result r = SnapshotLoader.load(config, 1, SnapshotLoader.Journals.FOLD, answers);
    r.notes().forEach(n -> LOG.log(Level.INFO, n));
    r.warnings().forEach(w -> LOG.log(Level.WARNING, w));
    r.serviceWarnings().forEach(w -> LOG.log(Level.WARNING, w));
    if (!r.isServable()) {
      throw new StartupException(String.join("\n", r.errors()));
    }
    r.errors().forEach(e -> LOG.log(Level.ERROR, "zone rejected: " + e + " (other zones load)"));
    Snapshot s = r.snapshot();
    if (s.zones().zones().isEmpty()) {
      LOG.log(
          Level.WARNING, "no zone loaded from " + config.zoneDir() + ": every query gets REFUSED");
    }
    if (!s.policies().isEmpty()) {
      LOG.log(Level.INFO, s.policies().size() + " managed names");
    }
    return s;
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

  /** Reloads now, on the calling thread; see {@link Reloader#reload()}. */
  public Reloader.Outcome reload() {
    return reloader.reload();
  }

  public Reloader reloader() {
    return reloader;
  }

  /** Reloads whenever a zone file, the configuration or the geo database changes. */
  public void watchFiles(Duration debounce) throws IOException {
    reloader.watchFiles(debounce);
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
  private static void notifyChanged(Notifier notifier, Snapshot before, Snapshot after) {
    for (Zone z : after.zones().zones()) {
      List<InetSocketAddress> to = secondaries(after.config(), z);
      Zone was = before == null ? null : before.zones().zone(z.origin());
      if (!to.isEmpty() && (was == null || was.serial() != z.serial())) {
        notifier.notify(z.origin(), z.soa(), to);
      }
    }
  }

  /** Problems of the last reload (empty when everything loaded). */
  public List<String> problems() {
    return reloader.last().problems();
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
    return reloader.holder().current();
  }

  public dev.meridian.server.ServerStats stats() {
    return dns.stats();
  }

  public dev.meridian.metrics.Metrics metrics() {
    return dns.metrics();
  }

  /** The health monitor (tests apply overrides and read probe lag through it). */
  public HealthMonitor health() {
    return reloader.health();
  }

  @Override
  public void close() {
    if (admin != null) {
      admin.close();
    }
    if (webhooks != null) {
      webhooks.close();
    }
    if (queryLog != null) {
      dns.logQueries(null);
      queryLog.close();
    }
    notifier.close();
    reloader.close();
    dns.close();
  }
}
