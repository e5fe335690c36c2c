package dev.meridian.config;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads a {@code check} value: {@code none}, or a mapping whose unset keys come from the enclosing
 * level's check (endpoint from service or tier, tier from the tier kind's default).
 */
final class CheckParser {
  private static final Set<String> TYPES = Set.of("none", "tcp", "http", "https");

  private CheckParser() {}

  /** The check under {@code key} of {@code parent}, or {@code inherited} when there is none. */
  static CheckSpec parse(ConfigReader parent, String key, CheckSpec inherited) {
    YamlNode raw = parent.raw(key);
    if (raw == null) {
      return inherited;
    }
    if (raw instanceof YamlNode.Scalar s) {
      if ("none".equals(s.text())) {
        return CheckSpec.NONE;
      }
      parent.problem(
          raw.line(),
          parent.key(key),
          "must be none or a mapping such as" + " {type: http, port: 8080, path: /health}");
      return inherited;
    }
    ConfigReader c = parent.child(key);
    c.allowOnly(
        Set.of(
            "type",
            "port",
            "path",
            "expect_status",
            "body_contains",
            "host",
            "tls_server_name",
            "tls_verify",
            "interval",
            "timeout",
            "fall",
            "rise",
            "start"));
    CheckSpec base = inherited.isNone() ? CheckSpec.httpDefault() : inherited;
    String type = c.string("type", inherited.isNone() ? "http" : inherited.type());
    if (!TYPES.contains(type)) {
      c.problem(c.line("type"), c.key("type"), "'" + type + "'; allowed: none, tcp, http, https");
      type = base.type();
    }
    if (type.equals("none")) {
      return CheckSpec.NONE;
    }
    int defaultPort = type.equals("https") && base.port() == 80 ? 443 : base.port();
    int port = c.intIn("port", 1, 65535, defaultPort);
    String path = c.string("path", base.path());
    if (!path.startsWith("/")) {
      c.problem(c.line("path"), c.key("path"), "must start with /, got '" + path + "'");
    }
    Set<Integer> status =
        new HashSet<>(base.expectStatus().isEmpty() ? Set.of(200) : base.expectStatus());
    if (c.has("expect_status")) {
      status.clear();
      for (ConfigReader.Item item : c.strings("expect_status", List.of())) {
        try {
          int code = Integer.parseInt(item.text().trim());
          if (code < 100 || code > 599) {
            throw new NumberFormatException();
          }
          status.add(code);
        } catch (NumberFormatException e) {
          c.problem(item, "must be an HTTP status code 100..599, got '" + item.text() + "'");
        }
      }
    }
    Duration interval =
        c.duration("interval", Duration.ofMillis(100), Duration.ofHours(1), base.interval());
    Duration timeout =
        c.duration("timeout", Duration.ofMillis(10), Duration.ofMinutes(1), base.timeout());
    if (timeout.compareTo(interval) > 0) {
      c.problem(
          c.line("timeout"),
          c.key("timeout"),
          "must not exceed interval (" + interval.toMillis() + "ms)");
    }
    String start = c.string("start", base.startUp() ? "up" : "down");
    if (!start.equals("up") && !start.equals("down")) {
      c.problem(c.line("start"), c.key("start"), "'" + start + "'; allowed: up, down");
    }
    return new CheckSpec(
        type,
        port,
        path,
        status,
        c.string("body_contains", base.bodyContains()),
        c.string("host", base.host()),
        c.string("tls_server_name", base.tlsServerName()),
        c.bool("tls_verify", base.tlsVerify()),
        interval,
        timeout,
        c.intIn("fall", 1, 100, base.fall()),
        c.intIn("rise", 1, 100, base.rise()),
        start.equals("up"));
  }
}
