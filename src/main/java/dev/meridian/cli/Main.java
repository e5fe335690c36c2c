package dev.meridian.cli;

import dev.meridian.config.ConfigException;
import dev.meridian.config.ConfigLoader;
import dev.meridian.config.MeridianConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
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

      commands:
        serve    answer DNS queries for the zones of the configuration
                 (FILE defaults to ./meridian.yaml; paths inside it are relative to it)
      """;

  private Main() {}

  public static void main(String[] args) {
    configureLogging();
    int code = run(args, System.err);
    if (code != 0) {
      System.exit(code);
    }
  }

  /** One line per event on stderr: time, level, message. */
  static void configureLogging() {
    if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
      System.setProperty(
          "java.util.logging.SimpleFormatter.format", "%1$tF %1$tT.%1$tL %4$s %5$s%6$s%n");
    }
  }

  private static String stamp() {
    return LocalDateTime.now(java.time.ZoneId.systemDefault())
        .format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS"));
  }

  static int run(String[] args, PrintStream err) {
    if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
      err.print(USAGE);
      return args.length == 0 ? EXIT_USAGE : 0;
    }
    String command = args[0];
    Path config = Path.of("meridian.yaml");
    for (int i = 1; i < args.length; i++) {
      if (args[i].equals("--config") && i + 1 < args.length) {
        config = Path.of(args[++i]);
      } else {
        err.println("meridian: unexpected argument '" + args[i] + "'");
        err.print(USAGE);
        return EXIT_USAGE;
      }
    }
    if (command.equals("serve")) {
      return serve(config, err);
    }
    err.println("meridian: unknown command '" + command + "'");
    err.print(USAGE);
    return EXIT_USAGE;
  }

  private static int serve(Path configFile, PrintStream err) {
    System.Logger log = System.getLogger("meridian");
    MeridianConfig config;
    try {
      config = ConfigLoader.load(configFile);
    } catch (ConfigException e) {
      err.println(e.getMessage());
      err.println("meridian: configuration rejected, not starting");
      return EXIT_USAGE;
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
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  // java.util.logging resets itself in its own shutdown hook: write directly
                  err.println(stamp() + " INFO stopping (signal received)");
                  server.close();
                  err.println(stamp() + " INFO stopped");
                  err.flush();
                  stopped.countDown();
                },
                "shutdown"));
    log.log(Level.INFO, "ready");
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }
}
