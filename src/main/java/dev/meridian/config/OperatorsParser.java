package dev.meridian.config;

import dev.meridian.config.ConfigReader.Field;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Reads the operators' keys ({@code admin.listen}, {@code admin.token}, {@code admin.token_file},
 * {@code events}, {@code query_log}, {@code logging}, {@code metrics}) into an {@link AdminSpec}.
 * Problems go to the reader's list, each with file, line and key. Stateless.
 */
final class OperatorsParser {
  static final String DEFAULT_ADMIN = "127.0.0.1:8053";

  private OperatorsParser() {}

  /** Log formats of {@code logging.format}. */
  enum LogFormat {
    TEXT,
    JSON
  }

  static AdminSpec parse(ConfigReader root, Path base) {
    ConfigReader admin = root.child("admin");
    InetSocketAddress listen = null;
    String where = admin.string("listen", DEFAULT_ADMIN).trim();
    if (!where.equals("off")) {
      List<ConfigReader.Item> items = admin.strings("listen", List.of(DEFAULT_ADMIN));
      listen = ConfigLoader.parseHostPort(items.get(0), admin);
    }
    String token = token(admin, base);
    if (listen != null && token == null && !listen.getAddress().isLoopbackAddress()) {
      admin.problem(
          "listen",
          listen.getAddress().getHostAddress()
              + " is not a loopback address; set admin.token or admin.token_file (a bearer token"
              + " every request must carry), or listen on 127.0.0.1 or ::1");
    }

    ConfigReader events = root.child("events");
    events.allowOnly("keep", "webhooks", "timeout");
    int keep = events.intIn("keep", 1, 10_000, 200);
    List<URI> hooks =
        events.each(
            "webhooks",
            List.of(),
            OperatorsParser::webhook,
            "an http:// or https:// URL with a host");
    Duration timeout =
        events.duration(
            "timeout", Duration.ofMillis(100), Duration.ofMinutes(1), Duration.ofSeconds(5));

    AdminSpec.QueryLogSpec queryLog = null;
    if (root.has("query_log")) {
      queryLog =
          root.child("query_log")
              .record(
                  AdminSpec.QueryLogSpec.class,
                  new Field<>(
                      "file",
                      (r, k) -> {
                        String file = r.string(k, "");
                        if (file.isBlank()) {
                          r.problem(k, "required: where the JSON lines go");
                        }
                        return base.resolve(file).normalize();
                      }),
                  Field.whole("sample", 1, 1_000_000, 1),
                  Field.whole("queue", 1, 1_000_000, 10_000));
    }

    ConfigReader logging = root.child("logging");
    logging.allowOnly("format");
    boolean json = logging.choice("format", LogFormat.class, LogFormat.TEXT) == LogFormat.JSON;

    ConfigReader metrics = root.child("metrics");
    metrics.allowOnly("enabled");
    boolean counting = metrics.bool("enabled", true);
    return new AdminSpec(listen, token, keep, hooks, timeout, queryLog, json, counting);
  }

  /** An absolute http(s) URL with a host. */
  private static URI webhook(String text) throws ConfigException {
    try {
      URI u = new URI(text.trim());
      if ((u.getScheme() != null && u.getScheme().matches("https?")) && u.getHost() != null) {
        return u;
      }
    } catch (URISyntaxException e) {
      // reported below, as for any other URL we cannot use
    }
    throw new ConfigException("'" + text + "'");
  }

  private static String token(ConfigReader admin, Path base) {
    if (admin.has("token") && admin.has("token_file")) {
      admin.problem("token_file", "give token or token_file, not both");
      return null;
    }
    if (admin.has("token")) {
      String t = admin.string("token", "").trim();
      if (t.length() < 16) {
        admin.problem("token", "must be at least 16 characters");
        return null;
      }
      return t;
    }
    if (admin.has("token_file")) {
      Path f = base.resolve(admin.string("token_file", "")).normalize();
      try {
        String t = Files.readAllLines(f).stream().findFirst().orElse("").trim();
        if (t.length() < 16) {
          admin.problem(
              "token_file", f + ": the first line must be a token of at least 16 characters");
          return null;
        }
        return t;
      } catch (IOException e) {
        admin.problem("token_file", "cannot read " + f + ": " + e);
        return null;
      }
    }
    return null;
  }
}
