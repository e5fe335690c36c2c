package dev.meridian.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.it.Tools;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The exposition: names, labels and values of every metric, and promtool's verdict on it. */
class MetricsTest {
  private static final int A = 1;
  private static final int AAAA = 28;
  private static final int ANY = 255;
  private static final int NOERROR = 0;
  private static final int NXDOMAIN = 3;

  /** Every entry point fed once or more, as a composition root would. */
  private static Metrics fed() {
    Metrics m = Metrics.enabled();
    QueryCounter q = m.queries();
    q.count(A, NOERROR, false, false);
    q.count(A, NOERROR, false, true);
    q.count(A, NXDOMAIN, true, false);
    q.count(AAAA, NOERROR, false, false);
    q.count(ANY, 4, false, false);
    q.count(99, NOERROR, false, false); // SPF: "other"
    q.count(-1, 1, false, false); // no question, FORMERR
    q.count(A, 16, false, false); // BADVERS
    m.exportWire(new Fixed(7));
    m.checkCompleted("192.0.2.10", "http", true, 0.004);
    m.checkCompleted("192.0.2.10", "http", false, 2.0);
    m.transitioned("192.0.2.10", "down");
    m.reloadCompleted(true);
    m.endpointStates(
        () ->
            List.of(
                new EndpointState("192.0.2.10", "us-east", "l4", false),
                new EndpointState("198.51.100.10", "eu-west", "l4", true)));
    AtomicLong generation = new AtomicLong(3);
    m.snapshotGeneration(generation::get);
    m.zoneSerials(() -> List.of(new ZoneSerial("example.com.", 2024010101L)));
    m.answers(() -> List.of(new AnswerCount("www.example.com", "geo", "eu-west", 12)));
    return m;
  }

  @Test
  void exposesQueriesByQtypeRcodeAndTransport() throws IOException {
    String text = text(fed());
    assertHas(text, "# TYPE meridian_dns_queries_total counter");
    assertHas(
        text, "meridian_dns_queries_total{qtype=\"A\",rcode=\"NOERROR\",transport=\"udp\"} 2");
    assertHas(
        text, "meridian_dns_queries_total{qtype=\"A\",rcode=\"NXDOMAIN\",transport=\"tcp\"} 1");
    assertHas(
        text, "meridian_dns_queries_total{qtype=\"AAAA\",rcode=\"NOERROR\",transport=\"udp\"} 1");
    assertHas(
        text, "meridian_dns_queries_total{qtype=\"ANY\",rcode=\"NOTIMP\",transport=\"udp\"} 1");
    assertHas(
        text, "meridian_dns_queries_total{qtype=\"other\",rcode=\"NOERROR\",transport=\"udp\"} 1");
    assertHas(
        text, "meridian_dns_queries_total{qtype=\"other\",rcode=\"FORMERR\",transport=\"udp\"} 1");
    assertHas(
        text, "meridian_dns_queries_total{qtype=\"A\",rcode=\"BADVERS\",transport=\"udp\"} 1");
    assertFalse(text.contains("rcode=\"REFUSED\""), "combinations never seen are not exported");
    assertHas(text, "meridian_dns_ecs_queries_total{ecs=\"absent\"} 7");
    assertHas(text, "meridian_dns_ecs_queries_total{ecs=\"present\"} 1");
  }

  @Test
  void exposesWireCountersHealthReloadsAndTables() throws IOException {
    String text = text(fed());
    for (String name :
        List.of(
            "meridian_dns_dropped_packets_total",
            "meridian_dns_malformed_queries_total",
            "meridian_dns_internal_errors_total",
            "meridian_dns_truncated_responses_total")) {
      assertHas(text, name + " 7");
    }
    assertHas(text, "meridian_dns_rate_limited_responses_total{action=\"slipped\"} 7");
    assertHas(text, "meridian_dns_tcp_connections_closed_total{reason=\"timed_out\"} 7");
    assertHas(
        text,
        "meridian_health_checks_total{check=\"http\",endpoint=\"192.0.2.10\",result=\"fail\"} 1");
    assertHas(text, "meridian_health_check_duration_seconds_bucket{check=\"http\",le=\"0.005\"} 1");
    assertHas(text, "meridian_health_check_duration_seconds_bucket{check=\"http\",le=\"+Inf\"} 2");
    assertHas(text, "meridian_health_check_duration_seconds_count{check=\"http\"} 2");
    assertHas(text, "meridian_health_transitions_total{endpoint=\"192.0.2.10\",to=\"down\"} 1");
    assertHas(
        text,
        "meridian_health_endpoint_up{endpoint=\"198.51.100.10\",region=\"eu-west\",tier=\"l4\"} 1");
    assertHas(
        text,
        "meridian_health_endpoint_up{endpoint=\"192.0.2.10\",region=\"us-east\",tier=\"l4\"} 0");
    assertHas(text, "meridian_reloads_total{result=\"ok\"} 1");
    assertHas(text, "meridian_reloads_total{result=\"failed\"} 0");
    assertHas(text, "meridian_snapshot_generation 3");
    assertHas(text, "meridian_zone_serial{zone=\"example.com.\"} 2.024010101E9");
    assertHas(
        text,
        "meridian_answers_total{policy=\"geo\",region=\"eu-west\",service=\"www.example.com\"} 12");
  }

  @Test
  void suppliersAreReadAtEachScrape() throws IOException {
    Metrics m = Metrics.enabled();
    AtomicLong generation = new AtomicLong(1);
    m.snapshotGeneration(generation::get);
    assertHas(text(m), "meridian_snapshot_generation 1");
    generation.set(2);
    assertHas(text(m), "meridian_snapshot_generation 2");
  }

  @Test
  void disabledCountsNothingAndWritesNothing() throws IOException {
    Metrics m = Metrics.disabled();
    m.queries().count(A, NOERROR, false, false);
    m.checkCompleted("192.0.2.10", "tcp", true, 0.01);
    m.reloadCompleted(false);
    m.exportWire(new Fixed(1));
    assertFalse(m.isEnabled());
    assertFalse(m.queries().isEnabled());
    assertEquals("", text(m));
  }

  @Test
  void mapsWireQtypesToLabels() {
    assertEquals("A", QueryCounter.QTYPES[QueryCounter.qtypeIndex(1)]);
    assertEquals("HTTPS", QueryCounter.QTYPES[QueryCounter.qtypeIndex(65)]);
    assertEquals("CAA", QueryCounter.QTYPES[QueryCounter.qtypeIndex(257)]);
    assertEquals("AXFR", QueryCounter.QTYPES[QueryCounter.qtypeIndex(252)]);
    assertEquals("IXFR", QueryCounter.QTYPES[QueryCounter.qtypeIndex(251)]);
    assertEquals("other", QueryCounter.QTYPES[QueryCounter.qtypeIndex(65535)]);
    assertEquals("other", QueryCounter.QTYPES[QueryCounter.qtypeIndex(-1)]);
  }

  /** promtool (Debian's prometheus package) lints the names, types, help and units. */
  @Test
  void promtoolFindsNothingToLint(@TempDir Path dir) throws Exception {
    Path promtool = Tools.require("/usr/bin/promtool", "apt-get install prometheus");
    Path file = dir.resolve("metrics.txt");
    Files.writeString(file, text(fed()));
    Process p =
        new ProcessBuilder(promtool.toString(), "check", "metrics")
            .redirectInput(file.toFile())
            .redirectErrorStream(true)
            .start();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), "promtool did not finish");
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), out);
    assertEquals("", out.strip(), "promtool's findings");
  }

  private static void assertHas(String text, String line) {
    assertTrue(text.contains(line + "\n") || text.contains(line + ".0\n"), line + " in\n" + text);
  }

  static String text(Metrics m) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    m.writeText(out);
    return out.toString(StandardCharsets.UTF_8);
  }

  /** Every wire counter at the same value. */
  private record Fixed(long n) implements WireCounters {
    @Override
    public long dropped() {
      return n;
    }

    @Override
    public long formerr() {
      return n;
    }

    @Override
    public long servfail() {
      return n;
    }

    @Override
    public long truncated() {
      return n;
    }

    @Override
    public long tcpRejected() {
      return n;
    }

    @Override
    public long tcpEvicted() {
      return n;
    }

    @Override
    public long tcpTimedOut() {
      return n;
    }

    @Override
    public long rateLimitDropped() {
      return n;
    }

    @Override
    public long rateLimitSlipped() {
      return n;
    }
  }
}
