package dev.meridian.config;

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
import java.util.List;
import java.util.Set;

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
        Set.of(
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
            "metrics"));
    Path base = file.toAbsolutePath().getParent();

    List<InetSocketAddress> listen = new ArrayList<>();
    for (ConfigReader.Item item : root.strings("listen", List.of(DEFAULT_LISTEN))) {
      InetSocketAddress a = parseHostPort(item, root);
      if (a != null) {
        listen.add(a);
      }
    }
    if (listen.isEmpty() && root.has("listen")) {
      root.problem(root.line("listen"), "listen", "must name at least one address:port");
    }
    Path zoneDir = base.resolve(root.string("zone_dir", "zones")).normalize();
    int cores = Runtime.getRuntime().availableProcessors();
    int udpWorkers = root.intIn("udp_workers", 1, 64, Math.min(cores, 64));

    ConfigReader edns = root.child("edns");
    edns.allowOnly(Set.of("payload_size"));
    int payload = edns.intIn("payload_size", 512, 4096, 1232);

    TcpSpec tcp = tcp(root.child("tcp"));
    RateLimitSpec rateLimit = rateLimit(root);

    AnyMode any = root.choice("any_queries", AnyMode.class, AnyMode.MINIMAL);
    boolean minimal = root.bool("minimal_responses", false);

    ConfigReader transferSection = root.child("transfer");
    List<Cidr> allow = allowList(transferSection, Set.of("allow", "keys"));
    List<String> transferKeys = new ArrayList<>();
    for (ConfigReader.Item item : transferSection.strings("keys", List.of())) {
      transferKeys.add(TrafficParser.absolute(item.text()));
    }
    List<Cidr> adminAllow =
        allowList(root.child("admin"), Set.of("allow", "listen", "token", "token_file"));
    AdminSpec admin = OperatorsParser.parse(root, base);
    TrafficSpec traffic = TrafficParser.parse(root, base);
    java.util.Map<String, List<InetSocketAddress>> secondaries = new java.util.HashMap<>();
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
    java.util.Map<String, TsigKeySpec> keys = new java.util.HashMap<>();
    ConfigReader tk = root.child("tsig_keys");
    for (String keyName : tk.keys()) {
      ConfigReader k = tk.childQuoted(keyName);
      k.allowOnly(Set.of("algorithm", "secret"));
      String alg = k.string("algorithm", "hmac-sha256");
      if (!Set.of("hmac-sha256", "hmac-sha384", "hmac-sha512", "hmac-sha224", "hmac-sha1")
          .contains(alg)) {
        k.problem(
            k.line("algorithm"),
            k.path() + ".algorithm",
            "'"
                + alg
                + "'; allowed: hmac-sha256, hmac-sha384, hmac-sha512, hmac-sha224, hmac-sha1");
      }
      String secret = k.string("secret", "");
      try {
        if (java.util.Base64.getDecoder().decode(secret.trim()).length < 16) {
          k.problem(k.line("secret"), k.path() + ".secret", "must be base64 of at least 16 bytes");
        }
      } catch (IllegalArgumentException e) {
        k.problem(
            k.line("secret"), k.path() + ".secret", "not base64 (generate one with tsig-keygen)");
      }
      String abs = TrafficParser.absolute(keyName);
      keys.put(abs, new TsigKeySpec(abs, alg, secret.trim()));
    }
    for (String k : transferKeys) {
      if (!keys.containsKey(k)) {
        transferSection.problem(
            transferSection.line("keys"),
            "transfer.keys",
            "no TSIG key '" + k + "'; define it under tsig_keys");
      }
    }
    java.util.Map<String, List<String>> updates = new java.util.HashMap<>();
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

  /** The {@code tcp} section (RFC 7766 sections 6.2.3 and 10); README "Configuration". */
  private static TcpSpec tcp(ConfigReader tcp) {
    tcp.allowOnly(
        Set.of(
            "max_connections",
            "max_per_client",
            "idle_timeout",
            "busy_idle_timeout",
            "message_timeout"));
    int max = tcp.intIn("max_connections", 1, 100_000, 1000);
    int perClient = tcp.intIn("max_per_client", 1, 100_000, 100);
    Duration idle =
        tcp.duration(
            "idle_timeout", Duration.ofMillis(100), Duration.ofMinutes(10), Duration.ofSeconds(10));
    Duration busyIdle =
        tcp.duration(
            "busy_idle_timeout",
            Duration.ofMillis(100),
            Duration.ofMinutes(10),
            Duration.ofSeconds(1));
    Duration message =
        tcp.duration(
            "message_timeout",
            Duration.ofMillis(100),
            Duration.ofMinutes(1),
            Duration.ofSeconds(2));
    return new TcpSpec(max, perClient, idle, busyIdle, message);
  }

  /** The {@code rate_limit} section; absent means off. README "Configuration". */
  private static RateLimitSpec rateLimit(ConfigReader root) {
    if (!root.has("rate_limit")) {
      return RateLimitSpec.OFF;
    }
    ConfigReader rl = root.child("rate_limit");
    rl.allowOnly(
        Set.of("responses_per_second", "window", "slip", "ipv4_prefix", "ipv6_prefix", "exempt"));
    int rate = 0;
    if (rl.has("responses_per_second")) {
      rate = rl.intIn("responses_per_second", 1, 100_000, 0);
    } else {
      rl.problem(
          rl.line("responses_per_second"),
          rl.key("responses_per_second"),
          "required when rate_limit is present, a whole number 1..100000");
    }
    Duration window =
        rl.duration("window", Duration.ofSeconds(1), Duration.ofHours(1), Duration.ofSeconds(15));
    if (window.toMillis() % 1000 != 0) {
      rl.problem(
          rl.line("window"),
          rl.key("window"),
          "must be whole seconds from 1s to 1h, got '" + rl.string("window", "") + "'");
    }
    int slip = rl.intIn("slip", 0, 10, 2);
    int v4 = rl.intIn("ipv4_prefix", 0, 32, 24);
    int v6 = rl.intIn("ipv6_prefix", 0, 128, 56);
    List<Cidr> exempt = new ArrayList<>();
    for (ConfigReader.Item item : rl.strings("exempt", List.of())) {
      try {
        exempt.add(Cidr.parse(item.text()));
      } catch (ConfigException e) {
        rl.problem(item, e.getMessage() + "; allowed: an address or address/prefix");
      }
    }
    return new RateLimitSpec(rate, window, slip, v4, v6, exempt);
  }

  /** A section holding one key, {@code allow}: addresses or prefixes, loopback by default. */
  private static List<Cidr> allowList(ConfigReader section, Set<String> keys) {
    section.allowOnly(keys);
    List<Cidr> out = new ArrayList<>();
    for (ConfigReader.Item item : section.strings("allow", List.of("127.0.0.0/8", "::1/128"))) {
      try {
        out.add(Cidr.parse(item.text()));
      } catch (ConfigException e) {
        section.problem(item, e.getMessage() + "; allowed: an address or address/prefix");
      }
    }
    return out;
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
