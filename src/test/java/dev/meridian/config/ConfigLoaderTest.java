package dev.meridian.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {
  private static final Path FILE = Path.of("/etc/meridian/meridian.yaml");

  private static MeridianConfig parse(String yaml) throws ConfigException {
    return ConfigLoader.parse(new StringReader(yaml), FILE);
  }

  private static String error(String yaml) {
    return assertThrows(ConfigException.class, () -> parse(yaml)).getMessage();
  }

  @Test
  void emptyFileGivesLaptopDefaults() throws Exception {
    MeridianConfig c = parse("");
    assertEquals("127.0.0.1", c.listen().get(0).getAddress().getHostAddress());
    assertEquals(1053, c.listen().get(0).getPort());
    assertEquals(Path.of("/etc/meridian/zones"), c.zoneDir());
    assertEquals(1232, c.ednsPayloadSize());
    assertEquals(
        new TcpSpec(
            1000, 100, Duration.ofSeconds(10), Duration.ofSeconds(1), Duration.ofSeconds(2)),
        c.tcp());
    assertFalse(c.rateLimit().isEnabled());
    assertEquals(AnyMode.MINIMAL, c.anyMode());
    assertFalse(c.minimalResponses());
    assertTrue(c.mayTransfer(InetAddress.getByName("127.0.0.2")));
    assertTrue(c.mayTransfer(InetAddress.getByName("::1")));
    assertFalse(c.mayTransfer(InetAddress.getByName("192.0.2.1")));
  }

  @Test
  void readsEveryKey() throws Exception {
    MeridianConfig c =
        parse(
            """
            listen: ["[::1]:5353", 127.0.0.2:53]
            zone_dir: /srv/zones
            udp_workers: 3
            edns: {payload_size: 4096}
            tcp: {max_connections: 5, idle_timeout: 500ms}
            any_queries: full
            minimal_responses: true
            transfer: {allow: [192.0.2.0/24]}
            """);
    assertEquals(2, c.listen().size());
    assertEquals(5353, c.listen().get(0).getPort());
    assertEquals(Path.of("/srv/zones"), c.zoneDir());
    assertEquals(3, c.udpWorkers());
    assertEquals(4096, c.ednsPayloadSize());
    assertEquals(Duration.ofMillis(500), c.tcp().idleTimeout());
    assertEquals(5, c.tcp().maxConnections());
    assertEquals(AnyMode.FULL, c.anyMode());
    assertTrue(c.minimalResponses());
    assertTrue(c.mayTransfer(InetAddress.getByName("192.0.2.77")));
    assertFalse(c.mayTransfer(InetAddress.getByName("127.0.0.1")));
  }

  @Test
  void unknownKeyNamesLineKeyAndWhatIsAllowed() {
    String e = error("listen: [127.0.0.1:53]\ntcp:\n  max_conections: 5\n");
    assertTrue(
        e.startsWith(
            FILE
                + ":3: tcp.max_conections: unknown key, allowed here: busy_idle_timeout, idle_timeout,"
                + " max_connections, max_per_client, message_timeout"),
        e);
  }

  @Test
  void badValuesAreAllReportedWithRanges() {
    String e =
        error(
            """
            edns:
              payload_size: 100
            tcp:
              idle_timeout: forever
            any_queries: some
            listen: [localhost:53, 127.0.0.1]
            transfer: {allow: [10.0.0.0/33]}
            """);
    assertTrue(
        e.contains(FILE + ":2: edns.payload_size: must be a whole number 512..4096, got '100'"), e);
    assertTrue(e.contains(FILE + ":4: tcp.idle_timeout: must be a duration from 100ms to 10m"), e);
    assertTrue(e.contains(FILE + ":5: any_queries: must be one of full, minimal, got 'some'"), e);
    assertTrue(e.contains(FILE + ":6: listen[0]: 'localhost' is not an IPv4 or IPv6 address"), e);
    assertTrue(e.contains(FILE + ":6: listen[1]: '127.0.0.1' has no port"), e);
    assertTrue(e.contains(FILE + ":7: transfer.allow[0]: bad prefix length"), e);
  }

  @Test
  void yamlSyntaxErrorNamesLine() {
    String e = error("listen: [127.0.0.1:53\nzone_dir: x\n");
    assertTrue(e.startsWith(FILE + ":"), e);
    assertTrue(e.contains("not valid YAML"), e);
  }

  @Test
  void wrongShapeIsReported() {
    assertTrue(error("- a\n- b\n").contains("must be a mapping"));
    assertTrue(error("tcp: 5\n").contains(FILE + ":1: tcp: must be a mapping"));
    assertTrue(error("zone_dir: [a, b]\n").contains("zone_dir: must be a single value"));
  }

  @Test
  void readsTcpLimitsAndRateLimit() throws Exception {
    MeridianConfig c =
        parse(
            """
            tcp:
              max_connections: 20000
              max_per_client: 16
              idle_timeout: 30s
              busy_idle_timeout: 200ms
              message_timeout: 500ms
            rate_limit:
              responses_per_second: 10
              window: 5s
              slip: 3
              ipv4_prefix: 32
              ipv6_prefix: 64
              exempt: [192.0.2.0/24, "2001:db8::/32"]
            """);
    assertEquals(
        new TcpSpec(
            20000, 16, Duration.ofSeconds(30), Duration.ofMillis(200), Duration.ofMillis(500)),
        c.tcp());
    RateLimitSpec r = c.rateLimit();
    assertTrue(r.isEnabled());
    assertEquals(10, r.responsesPerSecond());
    assertEquals(Duration.ofSeconds(5), r.window());
    assertEquals(3, r.slip());
    assertEquals(32, r.ipv4Prefix());
    assertEquals(64, r.ipv6Prefix());
    assertEquals(List.of(Cidr.parse("192.0.2.0/24"), Cidr.parse("2001:db8::/32")), r.exempt());
  }

  @Test
  void rateLimitDefaultsWhenOnlyTheRateIsGiven() throws Exception {
    RateLimitSpec r = parse("rate_limit: {responses_per_second: 5}\n").rateLimit();
    assertEquals(
        new RateLimitSpec(5, Duration.ofSeconds(15), 2, 24, 56, List.of()), r, r::toString);
  }

  @Test
  void tcpAndRateLimitValuesAreCheckedWithTheirRanges() {
    String e =
        error(
            """
            tcp:
              max_connections: 0
              max_per_client: 100001
              busy_idle_timeout: 50ms
              message_timeout: 2m
            rate_limit:
              responses_per_second: 0
              window: 1500ms
              slip: 11
              ipv4_prefix: 33
              ipv6_prefix: -1
              exempt: [10.0.0.0/40, nowhere]
              burst: 5
            """);
    String[] expected = {
      ":2: tcp.max_connections: must be a whole number 1..100000, got '0'",
      ":3: tcp.max_per_client: must be a whole number 1..100000, got '100001'",
      ":4: tcp.busy_idle_timeout: must be a duration from 100ms to 10m",
      ":5: tcp.message_timeout: must be a duration from 100ms to 1m",
      ":7: rate_limit.responses_per_second: must be a whole number 1..100000, got '0'",
      ":8: rate_limit.window: must be whole seconds from 1s to 1h, got '1500ms'",
      ":9: rate_limit.slip: must be a whole number 0..10, got '11'",
      ":10: rate_limit.ipv4_prefix: must be a whole number 0..32, got '33'",
      ":11: rate_limit.ipv6_prefix: must be a whole number 0..128, got '-1'",
      ":12: rate_limit.exempt[0]: bad prefix length in '10.0.0.0/40'",
      ":12: rate_limit.exempt[1]: 'nowhere' is not an IPv4 or IPv6 address",
      ":13: rate_limit.burst: unknown key, allowed here: exempt, ipv4_prefix, ipv6_prefix,"
          + " responses_per_second, slip, window",
    };
    for (String x : expected) {
      assertTrue(e.contains(FILE + x), x + " not in:\n" + e);
    }
  }

  @Test
  void choicesListTheirAllowedValuesFromTheEnum() {
    String e =
        error(
            """
            tsig_keys:
              k1.example.com: {algorithm: md5, secret: c2VjcmV0c2VjcmV0c2VjcmV0}
            logging: {format: xml}
            services:
              a.example.com: {policy: round-robin, when_all_down: panic, check: {start: sideways}}
            """);
    String[] expected = {
      ":2: tsig_keys.\"k1.example.com\".algorithm: must be one of hmac-sha256, hmac-sha384,"
          + " hmac-sha512, hmac-sha224, hmac-sha1, got 'md5'",
      ":3: logging.format: must be one of text, json, got 'xml'",
      ":5: services.\"a.example.com\".when_all_down: must be one of fail-open, static, nodata,"
          + " got 'panic'",
      ":5: services.\"a.example.com\".check.start: must be one of up, down, got 'sideways'",
    };
    for (String x : expected) {
      assertTrue(e.contains(FILE + x), x + " not in:\n" + e);
    }
  }

  @Test
  void recordReaderRejectsAFieldThatIsNotItsComponent() {
    ConfigReader r =
        ConfigReader.root("f.yaml", new YamlNode.Mapping(java.util.Map.of(), 1), new ArrayList<>());
    assertThrows(
        IllegalArgumentException.class,
        () ->
            r.record(
                HealthSpec.class,
                ConfigReader.Field.whole("state_file", 0, 1, 0),
                ConfigReader.Field.whole("publish_interval", 0, 1, 0)));
  }

  @Test
  void rateLimitNeedsItsRate() {
    String e = error("rate_limit:\n  window: 10s\n");
    assertTrue(
        e.contains(
            FILE
                + ":2: rate_limit.responses_per_second: required: a whole number 1..100000 when"
                + " rate_limit is present"),
        e);
  }

  @Test
  void cidrContainsOnlyItsFamilyAndPrefix() throws Exception {
    Cidr c = Cidr.parse("198.51.100.0/22");
    assertTrue(c.contains(InetAddress.getByName("198.51.103.255")));
    assertFalse(c.contains(InetAddress.getByName("198.51.104.0")));
    assertFalse(c.contains(InetAddress.getByName("::1")));
    assertEquals("198.51.100.0/22", Cidr.parse("198.51.101.7/22").toString());
    assertThrows(ConfigException.class, () -> Cidr.parse("example.com"));
  }

  @Test
  void hugeDurationsAreOutOfRangeNotACrash() {
    // found by ConfigFuzzTest: Long.parseLong overflowed and NumberFormatException escaped
    String e = error("tcp:\n  idle_timeout: " + "1".repeat(40) + "ms\n");
    assertTrue(e.startsWith(FILE + ":2: tcp.idle_timeout: must be a duration"), e);
    e = error("tcp: {idle_timeout: 9999999999999999h}\n");
    assertTrue(e.startsWith(FILE + ":1: tcp.idle_timeout: must be a duration"), e);
  }
}
