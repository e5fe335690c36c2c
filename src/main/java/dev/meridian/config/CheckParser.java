package dev.meridian.config;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads a {@code check} value: {@code none}, or a mapping whose unset keys come from the enclosing
 * level's check (endpoint from service or tier, tier from the tier kind's default).
 */
final class CheckParser {
  /** Kinds of probe, as {@code check.type} writes them. */
  enum Type {
    NONE,
    TCP,
    HTTP,
    HTTPS
  }

  /** The state before the first checks, as {@code check.start} writes it. */
  enum Start {
    UP,
    DOWN
  }

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
          key, "must be none or a mapping such as {type: http, port: 8080, path: /health}");
      return inherited;
    }
    ConfigReader c = parent.child(key);
    c.allowOnly(
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
        "start");
    CheckSpec base = inherited.isNone() ? CheckSpec.httpDefault() : inherited;
    Type type = c.choice("type", Type.class, Type.valueOf(base.type().toUpperCase(Locale.ROOT)));
    if (type == Type.NONE) {
      return CheckSpec.NONE;
    }
    int defaultPort = type == Type.HTTPS && base.port() == 80 ? 443 : base.port();
    int port = c.intIn("port", 1, 65535, defaultPort);
    String path = c.string("path", base.path());
    if (!path.startsWith("/")) {
      c.problem("path", "must start with /, got '" + path + "'");
    }
    Set<Integer> status = base.expectStatus().isEmpty() ? Set.of(200) : base.expectStatus();
    if (c.has("expect_status")) {
      status =
          new HashSet<>(
              c.each(
                  "expect_status",
                  List.of(),
                  text -> {
                    Integer code = ConfigReader.wholeIn(text, 100, 599);
                    if (code == null) {
                      throw new ConfigException("'" + text + "' is not an HTTP status code");
                    }
                    return code;
                  },
                  "100..599"));
    }
    Duration interval =
        c.duration("interval", Duration.ofMillis(100), Duration.ofHours(1), base.interval());
    Duration timeout =
        c.duration("timeout", Duration.ofMillis(10), Duration.ofMinutes(1), base.timeout());
    if (timeout.compareTo(interval) > 0) {
      c.problem("timeout", "must not exceed interval (" + interval.toMillis() + "ms)");
    }
    Start start = c.choice("start", Start.class, base.startUp() ? Start.UP : Start.DOWN);
    return new CheckSpec(
        ConfigReader.yamlName(type),
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
        start == Start.UP);
  }
}
