package dev.meridian.cli;

import dev.meridian.config.ConfigException;
import dev.meridian.config.ConfigLoader;
import dev.meridian.config.MeridianConfig;
import dev.meridian.geo.GeoDataBuilder;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * The {@code meridian} command: {@code serve [--config FILE]}. Exit codes: 0 done, 1 cannot bind or
 * run, 2 bad usage, configuration or zone directory.
 */
public final class Main {
  static final int EXIT_RUNTIME = 1;
  static final int EXIT_USAGE = 2;
  private static final String USAGE =
      """
      usage: meridian serve [--config FILE]
             meridian status [--config FILE]
             meridian check [--config FILE]
             meridian explain NAME [--type A|AAAA] [--client IP | --subnet CIDR] [--config FILE]
             meridian health drain|up|down|clear ADDRESS [--config FILE]
             meridian health drain|up|down|clear --region NAME [--config FILE]
             meridian health list [--config FILE]
             meridian backends ADDRESS:PORT...
             meridian geo-build [--zone-tab FILE] [--ipv4 FILE] [--ipv6 FILE] [--out DIR]
             meridian --version

      commands:
        serve      answer DNS queries for the zones of the configuration
                   (FILE defaults to ./meridian.yaml; paths inside it are relative to it)
        status     the running server's state from its admin API (admin.listen): zones,
                   regions, every endpoint's health, overrides and the last reload
        check      validate the configuration, every zone, the geo database and the services
                   without serving; each problem with file:line; exit 1 on any error
        explain    why NAME answers as it does for a client (default 127.0.0.1): the
                   service, the client's location, the rule, the regions in order, the
                   endpoints chosen and the ECS scope, computed by the server's own code
        health     drain an endpoint or region, force it up or down, or clear that; kept in
                   health.state_file (default meridian.state beside the configuration), which a
                   running server applies within a second, across reloads and restarts
        backends   small local HTTP backends for the health demo: GET /health answers 200
        geo-build  rebuild geo-data/ from tzdata's zone.tab and the IPFire ranges in
                   Debian's tor-geoipdb (defaults: /usr/share/zoneinfo/zone.tab,
                   /usr/share/tor/geoip, /usr/share/tor/geoip6, geo-data)
      """;

  private Main() {}

  public static void main(String[] args) {
    configureLogging();
    int code = run(args, System.out, System.err);
    if (code != 0) {
      System.exit(code);
    }
  }

  /** One line per event on stderr: time with its UTC offset, level, message. */
  static void configureLogging() {
    if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
      System.setProperty(
          "java.util.logging.SimpleFormatter.format", "%1$tF %1$tT.%1$tL%1$tz %4$s %5$s%6$s%n");
    }
  }

  /** {@code logging.format: json}: every handler of the root logger writes JSON lines. */
  static void logJson() {
    for (java.util.logging.Handler h : java.util.logging.Logger.getLogger("").getHandlers()) {
      h.setFormatter(new JsonLogFormatter());
    }
  }

  private static String stamp() {
    return ZonedDateTime.now(java.time.ZoneId.systemDefault())
        .format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSZ"));
  }

  /**
   * Runs one command; output to {@code out}, messages and logs to {@code err}. Returns the exit
   * code.
   */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length == 1 && args[0].equals("--version")) {
      out.println("meridian " + MeridianServer.version());
      return 0;
    }
    if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
      err.print(USAGE);
      return args.length == 0 ? EXIT_USAGE : 0;
    }
    String command = args[0];
    Map<String, String> options = new HashMap<>();
    List<String> positional = new ArrayList<>();
    for (int i = 1; i < args.length; i++) {
      if (args[i].startsWith("--") && i + 1 < args.length) {
        options.put(args[i].substring(2), args[++i]);
      } else if (args[i].startsWith("--")) {
        err.println("meridian: " + args[i] + " needs a value");
        return EXIT_USAGE;
      } else {
        positional.add(args[i]);
      }
    }
    Set<String> allowed =
        switch (command) {
          case "serve" -> Set.of("config");
          case "geo-build" -> Set.of("zone-tab", "ipv4", "ipv6", "out");
          case "explain" -> Set.of("config", "type", "client", "subnet");
          case "health" -> Set.of("config", "region");
          case "check", "status" -> Set.of("config");
          case "backends" -> Set.of();
          default -> null;
        };
    if (allowed == null) {
      err.println("meridian: unknown command '" + command + "'");
      err.print(USAGE);
      return EXIT_USAGE;
    }
    for (String k : options.keySet()) {
      if (!allowed.contains(k)) {
        err.println("meridian " + command + ": unknown option --" + k);
        err.print(USAGE);
        return EXIT_USAGE;
      }
    }
    boolean argsOk =
        switch (command) {
          case "explain" -> positional.size() == 1;
          case "health" -> !positional.isEmpty() && positional.size() <= 2;
          case "backends" -> !positional.isEmpty();
          default -> positional.isEmpty();
        };
    if (!argsOk) {
      err.println("meridian " + command + ": wrong arguments " + positional);
      err.print(USAGE);
      return EXIT_USAGE;
    }
    Path config = Path.of(options.getOrDefault("config", "meridian.yaml"));
    return switch (command) {
      case "serve" -> serve(config, err);
      case "check" -> CheckCommand.run(config, out);
      case "status" -> StatusCommand.run(config, out, err);
      case "explain" -> Explain.run(config, positional.get(0), options, out, err);
      case "health" -> HealthCommand.run(config, positional, options.get("region"), out, err);
      case "backends" -> Backends.run(positional, err);
      default -> geoBuild(options, err);
    };
  }

  /** The configuration in {@code file}, or null after printing why it was rejected. */
  static MeridianConfig config(Path file, PrintStream err) {
    try {
      return ConfigLoader.load(file);
    } catch (ConfigException e) {
      err.println(e.getMessage());
      return null;
    }
  }

  /**
   * What {@code serve} would load from {@code config}, without folding journals or listening
   * (explain, health); null after printing why nothing could be served. Zone errors are printed.
   */
  static dev.meridian.engine.Snapshot offline(MeridianConfig config, PrintStream err) {
    dev.meridian.engine.SnapshotLoader.Result r =
        dev.meridian.engine.SnapshotLoader.load(
            config, 1, dev.meridian.engine.SnapshotLoader.Journals.READ_ONLY);
    r.errors().forEach(err::println);
    return r.snapshot();
  }

  private static int geoBuild(Map<String, String> o, PrintStream err) {
    Path zoneTab = Path.of(o.getOrDefault("zone-tab", "/usr/share/zoneinfo/zone.tab"));
    Path v4 = Path.of(o.getOrDefault("ipv4", "/usr/share/tor/geoip"));
    Path v6 = Path.of(o.getOrDefault("ipv6", "/usr/share/tor/geoip6"));
    Path out = Path.of(o.getOrDefault("out", "geo-data"));
    try {
      long epoch = java.nio.file.Files.getLastModifiedTime(v4).toMillis() / 1000;
      GeoDataBuilder.Report r = GeoDataBuilder.build(zoneTab, v4, v6, out, epoch);
      err.println(
          "geo-build: "
              + r.countries()
              + " countries, "
              + r.ranges()
              + " ranges as "
              + r.networks()
              + " networks, "
              + r.verified()
              + " ranges read back with the official"
              + " reader, "
              + r.bytes()
              + " bytes in "
              + out.resolve("meridian-country.mmdb"));
      return 0;
    } catch (IOException | RuntimeException e) {
      err.println(
          "geo-build: "
              + e.getMessage()
              + " (the sources come from: apt-get install tor-geoipdb tzdata)");
      return EXIT_RUNTIME;
    }
  }

  private static int serve(Path configFile, PrintStream err) {
    System.Logger log = System.getLogger("meridian");
    MeridianConfig config;
    try {
      // absolute, as every reload reads it: the same file names the same lines
      config = ConfigLoader.load(configFile.toAbsolutePath());
    } catch (ConfigException e) {
      err.println(e.getMessage());
      err.println("meridian: configuration rejected, not starting");
      return EXIT_USAGE;
    }
    if (config.admin().jsonLog()) {
      logJson();
    }
    MeridianServer server;
    try {
      server = MeridianServer.start(config);
    } catch (MeridianServer.StartupException e) {
      err.println(e.getMessage());
      return EXIT_USAGE;
    } catch (IOException e) {
      err.println(
          "meridian: cannot listen: "
              + e.getMessage()
              + " (is another server on that port? change listen in "
              + configFile
              + ")");
      return EXIT_RUNTIME;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    java.util.concurrent.atomic.AtomicBoolean closed =
        new java.util.concurrent.atomic.AtomicBoolean();
    Runnable stop =
        () -> {
          if (closed.compareAndSet(false, true)) {
            // java.util.logging resets itself in its own shutdown hook: write directly
            err.println(stamp() + " INFO stopping (signal received)");
            server.close();
            err.println(stamp() + " INFO stopped");
            err.flush();
          }
          stopped.countDown();
        };
    // SIGTERM and SIGINT stop the server and end with status 0; the hook covers the rest
    Signals.on("TERM", stop);
    Signals.on("INT", stop);
    Runtime.getRuntime().addShutdownHook(new Thread(stop, "shutdown"));
    Signals.onHangup(() -> server.reloader().requestReload().join());
    try {
      server.watchFiles(Duration.ofMillis(500));
    } catch (IOException e) {
      log.log(
          Level.WARNING,
          "cannot watch files for changes (" + e.getMessage() + "); reload with SIGHUP");
    }
    log.log(Level.INFO, "ready");
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }
}
