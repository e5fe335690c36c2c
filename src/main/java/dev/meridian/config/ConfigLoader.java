package dev.meridian.config;

import dev.meridian.config.ConfigReader.Field;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads {@code meridian.yaml} into a {@link MeridianConfig}. Every key is documented in the README
 * section "Configuration"; unknown keys and bad values are errors naming file, line and key path.
 * Stateless and thread-safe.
 */
public final class ConfigLoader {
  static final String DEFAULT_LISTEN = "127.0.0.1:1053";

  private ConfigLoader() {}

  /** Loads and validates {@code file}; relative paths inside resolve against its folder. */
  public static MeridianConfig load(Path file) throws ConfigException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new ConfigException(file + ": no such file (give one with --config FILE)");
    } catch (IOException e) {
      throw new ConfigException(file + ": cannot read: " + e.getMessage());
    }
    return parse(new StringReader(text), file);
  }

  /** Validates a document read from {@code reader} as if it were {@code file}. */
  public static MeridianConfig parse(Reader reader, Path file) throws ConfigException {
    String name = file.toString();
    List<String> problems = new ArrayList<>();
    ConfigReader root = ConfigReader.root(name, YamlNode.parse(reader, name), problems);
    root.allowOnly(
        "listen",
        "zone_dir",
        "udp_workers",
        "edns",
        "tcp",
        "rate_limit",
        "any_queries",
        "minimal_responses",
        "transfer",
        "admin",
        "regions",
        "geo",
        "services",
        "rotate",
        "rotate_zones",
        "health",
        "secondaries",
        "tsig_keys",
        "updates",
        "events",
        "query_log",
        "logging",
        "metrics");
    Path base = file.toAbsolutePath().getParent();

    List<InetSocketAddress> listen = new ArrayList<>();
    for (ConfigReader.Item item : root.strings("listen", List.of(DEFAULT_LISTEN))) {
      InetSocketAddress a = parseHostPort(item, root);
      if (a != null) {
        listen.add(a);
      }
    }
    if (listen.isEmpty() && root.has("listen")) {
      root.problem("listen", "must name at least one address:port");
    }
    Path zoneDir = base.resolve(root.string("zone_dir", "zones")).normalize();
    int cores = Runtime.getRuntime().availableProcessors();
    int udpWorkers = root.intIn("udp_workers", 1, 64, Math.min(cores, 64));

    ConfigReader edns = root.child("edns");
    edns.allowOnly("payload_size");
    int payload = edns.intIn("payload_size", 512, 4096, 1232);

    TcpSpec tcp = tcp(root.child("tcp"));
    RateLimitSpec rateLimit = rateLimit(root);

    AnyMode any = root.choice("any_queries", AnyMode.class, AnyMode.MINIMAL);
    boolean minimal = root.bool("minimal_responses", false);

    ConfigReader transferSection = root.child("transfer");
    List<Cidr> allow = allowList(transferSection, "allow", "keys");
    List<String> transferKeys = new ArrayList<>();
    for (ConfigReader.Item item : transferSection.strings("keys", List.of())) {
      transferKeys.add(TrafficParser.absolute(item.text()));
    }
    List<Cidr> adminAllow =
        allowList(root.child("admin"), "allow", "listen", "token", "token_file");
    AdminSpec admin = OperatorsParser.parse(root, base);
    TrafficSpec traffic = TrafficParser.parse(root, base);
    Map<String, List<InetSocketAddress>> secondaries = new HashMap<>();
    ConfigReader sec = root.child("secondaries");
    for (String zone : sec.keys()) {
      List<InetSocketAddress> to = new ArrayList<>();
      for (ConfigReader.Item item : sec.strings(zone, List.of())) {
        InetSocketAddress a = parseHostPort(item, sec);
        if (a != null) {
          to.add(a);
        }
      }
      secondaries.put(TrafficParser.absolute(zone), to);
    }
    Map<String, TsigKeySpec> keys = tsigKeys(root.child("tsig_keys"));
    for (String k : transferKeys) {
      if (!keys.containsKey(k)) {
        transferSection.problem("keys", "no TSIG key '" + k + "'; define it under tsig_keys");
      }
    }
    Map<String, List<String>> updates = new HashMap<>();
    ConfigReader up = root.child("updates");
    for (String zone : up.keys()) {
      List<String> names = new ArrayList<>();
      for (ConfigReader.Item item : up.strings(zone, List.of())) {
        String key = TrafficParser.absolute(item.text());
        if (!keys.containsKey(key)) {
          up.problem(item, "no TSIG key '" + item.text() + "'; define it under tsig_keys");
        }
        names.add(key);
      }
      updates.put(TrafficParser.absolute(zone), names);
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return new MeridianConfig(
        file.toAbsolutePath(),
        listen,
        zoneDir,
        udpWorkers,
        payload,
        tcp,
        rateLimit,
        any,
        minimal,
        allow,
        adminAllow,
        traffic,
        secondaries,
        keys,
        updates,
        transferKeys,
        admin);
  }

  /** TSIG algorithms (RFC 8945 section 6), written as in BIND: {@code hmac-sha256}. */
  enum TsigAlgorithm {
    HMAC_SHA256,
    HMAC_SHA384,
    HMAC_SHA512,
    HMAC_SHA224,
    HMAC_SHA1
  }

  /** The {@code tsig_keys} section: by key name, {@code {algorithm: A, secret: BASE64}}. */
  private static Map<String, TsigKeySpec> tsigKeys(ConfigReader tk) {
    Map<String, TsigKeySpec> keys = new HashMap<>();
    for (String keyName : tk.keys()) {
      ConfigReader k = tk.childQuoted(keyName);
      k.allowOnly("algorithm", "secret");
      TsigAlgorithm alg = k.choice("algorithm", TsigAlgorithm.class, TsigAlgorithm.HMAC_SHA256);
      String secret = k.string("secret", "").trim();
      try {
        if (Base64.getDecoder().decode(secret).length < 16) {
          k.problem("secret", "must be base64 of at least 16 bytes");
        }
      } catch (IllegalArgumentException e) {
        k.problem("secret", "not base64 (generate one with tsig-keygen)");
      }
      String abs = TrafficParser.absolute(keyName);
      keys.put(abs, new TsigKeySpec(abs, ConfigReader.yamlName(alg), secret));
    }
    return keys;
  }

  /** The {@code tcp} section (RFC 7766 sections 6.2.3 and 10); README "Configuration". */
  private static TcpSpec tcp(ConfigReader tcp) {
    Duration least = Duration.ofMillis(100);
    return tcp.record(
        TcpSpec.class,
        Field.whole("max_connections", 1, 100_000, 1000),
        Field.whole("max_per_client", 1, 100_000, 100),
        Field.duration("idle_timeout", least, Duration.ofMinutes(10), Duration.ofSeconds(10)),
        Field.duration("busy_idle_timeout", least, Duration.ofMinutes(10), Duration.ofSeconds(1)),
        Field.duration("message_timeout", least, Duration.ofMinutes(1), Duration.ofSeconds(2)));
  }

  /** The {@code rate_limit} section; absent means off. README "Configuration". */
  private static RateLimitSpec rateLimit(ConfigReader root) {
    if (!root.has("rate_limit")) {
      return RateLimitSpec.OFF;
    }
    return root.child("rate_limit")
        .record(
            RateLimitSpec.class,
            new Field<>(
                "responses_per_second",
                (r, k) ->
                    r.require(k, "a whole number 1..100000 when rate_limit is present")
                        ? r.intIn(k, 1, 100_000, 0)
                        : 0),
            new Field<>(
                "window",
                (r, k) -> {
                  Duration w =
                      r.duration(
                          k, Duration.ofSeconds(1), Duration.ofHours(1), Duration.ofSeconds(15));
                  if (w.toMillis() % 1000 != 0) {
                    r.problem(
                        k, "must be whole seconds from 1s to 1h, got '" + r.string(k, "") + "'");
                  }
                  return w;
                }),
            Field.whole("slip", 0, 10, 2),
            Field.whole("ipv4_prefix", 0, 32, 24),
            Field.whole("ipv6_prefix", 0, 128, 56),
            new Field<>("exempt", (r, k) -> r.each(k, List.of(), Cidr::parse, ADDRESS_OR_PREFIX)));
  }

  private static final String ADDRESS_OR_PREFIX = "an address or address/prefix";

  /** A section holding {@code allow}: addresses or prefixes, loopback by default. */
  private static List<Cidr> allowList(ConfigReader section, String... keys) {
    section.allowOnly(keys);
    return section.each("allow", List.of("127.0.0.0/8", "::1/128"), Cidr::parse, ADDRESS_OR_PREFIX);
  }

  /** The configuration used when no file exists: every key at its default. */
  public static MeridianConfig defaults(Path file) throws ConfigException {
    return parse(new StringReader(""), file);
  }

  static InetSocketAddress parseHostPort(ConfigReader.Item item, ConfigReader at) {
    String t = item.text().trim();
    int colon = t.lastIndexOf(':');
    String allowed = "; allowed: ADDRESS:PORT such as 127.0.0.1:1053 or [::1]:1053";
    if (colon <= 0) {
      at.problem(item, "'" + t + "' has no port" + allowed);
      return null;
    }
    String host = t.substring(0, colon);
    if (host.indexOf(':') >= 0 && !host.startsWith("[")) {
      at.problem(item, "'" + t + "': put an IPv6 address in brackets" + allowed);
      return null;
    }
    int port;
    try {
      port = Integer.parseInt(t.substring(colon + 1));
    } catch (NumberFormatException e) {
      port = -1;
    }
    if (port < 0 || port > 65535) {
      at.problem(item, "'" + t + "': port must be 0..65535" + allowed);
      return null;
    }
    try {
      InetAddress address = Cidr.parseLiteral(host);
      return new InetSocketAddress(address, port);
    } catch (ConfigException e) {
      at.problem(item, e.getMessage() + allowed);
      return null;
    }
  }
}
