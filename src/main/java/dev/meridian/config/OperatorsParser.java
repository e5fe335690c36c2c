package dev.meridian.config;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

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
          admin.line("listen"),
          "admin.listen",
          listen.getAddress().getHostAddress()
              + " is not a loopback address; set admin.token or admin.token_file (a bearer token"
              + " every request must carry), or listen on 127.0.0.1 or ::1");
    }

    ConfigReader events = root.child("events");
    events.allowOnly(Set.of("keep", "webhooks", "timeout"));
    int keep = events.intIn("keep", 1, 10_000, 200);
    List<URI> hooks = new ArrayList<>();
    for (ConfigReader.Item item : events.strings("webhooks", List.of())) {
      try {
        URI u = new URI(item.text().trim());
        if (!Set.of("http", "https").contains(u.getScheme()) || u.getHost() == null) {
          throw new URISyntaxException(item.text(), "not an absolute http(s) URL");
        }
        hooks.add(u);
      } catch (URISyntaxException e) {
        events.problem(
            item, "'" + item.text() + "'; allowed: an http:// or https:// URL with a host");
      }
    }
    Duration timeout =
        events.duration(
            "timeout", Duration.ofMillis(100), Duration.ofMinutes(1), Duration.ofSeconds(5));

    AdminSpec.QueryLogSpec queryLog = null;
    if (root.has("query_log")) {
      ConfigReader q = root.child("query_log");
      q.allowOnly(Set.of("file", "sample", "queue"));
      String file = q.string("file", "");
      if (file.isBlank()) {
        q.problem(q.line("file"), "query_log.file", "required: where the JSON lines go");
      }
      queryLog =
          new AdminSpec.QueryLogSpec(
              base.resolve(file).normalize(),
              q.intIn("sample", 1, 1_000_000, 1),
              q.intIn("queue", 1, 1_000_000, 10_000));
    }

    ConfigReader logging = root.child("logging");
    logging.allowOnly(Set.of("format"));
    boolean json = logging.choice("format", LogFormat.class, LogFormat.TEXT) == LogFormat.JSON;

    ConfigReader metrics = root.child("metrics");
    metrics.allowOnly(Set.of("enabled"));
    boolean counting = metrics.bool("enabled", true);
    return new AdminSpec(listen, token, keep, hooks, timeout, queryLog, json, counting);
  }

  private static String token(ConfigReader admin, Path base) {
    if (admin.has("token") && admin.has("token_file")) {
      admin.problem(
          admin.line("token_file"), "admin.token_file", "give token or token_file, not both");
      return null;
    }
    if (admin.has("token")) {
      String t = admin.string("token", "").trim();
      if (t.length() < 16) {
        admin.problem(admin.line("token"), "admin.token", "must be at least 16 characters");
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
              admin.line("token_file"),
              "admin.token_file",
              f + ": the first line must be a token of at least 16 characters");
          return null;
        }
        return t;
      } catch (IOException e) {
        admin.problem(admin.line("token_file"), "admin.token_file", "cannot read " + f + ": " + e);
        return null;
      }
    }
    return null;
  }
}
