package dev.meridian.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.meridian.health.Forced;
import dev.meridian.health.OverrideFile;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The real server, real checks and real loopback backends, stopped and started by the test. Timing
 * is not measured here (a loaded machine stretches it): the tests await the monitor's own events,
 * which say how many checks in a row made each change; HealthMonitorTest stamps changes with an
 * injected clock.
 */
class HealthIT {
  static final long INTERVAL = 200;
  static final long TIMEOUT = 100;
  private final Map<String, HttpServer> backends = new java.util.HashMap<>();

  /**
   * Holds the backends' port on 127.0.0.10 for the whole test, so no other process can take it (a
   * wildcard bind conflicts) while a backend on 127.0.0.2..6 is stopped and started again.
   */
  private ServerSocket reservation;

  private int port;
  private Path dir;
  private TestServer server;

  private void backend(String address) throws Exception {
    HttpServer s =
        HttpServer.create(new InetSocketAddress(InetAddress.getByName(address), port), 50);
    s.createContext(
        "/",
        ex -> {
          byte[] b = "ok".getBytes(StandardCharsets.UTF_8);
          ex.sendResponseHeaders(200, b.length);
          try (OutputStream o = ex.getResponseBody()) {
            o.write(b);
          }
        });
    s.start();
    backends.put(address, s);
  }

  private void stop(String address) {
    backends.remove(address).stop(0);
  }

  @BeforeEach
  void start() throws Exception {
    for (int attempt = 1; ; attempt++) {
      reservation = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.10"));
      port = reservation.getLocalPort();
      try {
        for (String a :
            new String[] {"127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5", "127.0.0.6"}) {
          backend(a);
        }
        break;
      } catch (java.net.BindException e) {
        // the port is free on 127.0.0.10 but some socket holds it on another loopback address
        // (a connection of an earlier test, say): take another port
        backends.values().forEach(b -> b.stop(0));
        backends.clear();
        reservation.close();
        if (attempt == 5) {
          throw e;
        }
      }
    }
    dir = Files.createTempDirectory("meridian-health");
    Path zone = dir.resolve("example.net.zone");
    Files.writeString(
        zone,
        "$TTL 300\n@ IN SOA ns1 h 1 2 3 4 5\n@ IN NS ns1\nns1 IN A 127.0.0.1\n"
            + "app IN A 127.0.0.5\nfo IN A 127.0.0.2\nnd IN A 127.0.0.9\nst IN A 127.0.0.9\nopen IN A 127.0.0.9\n");
    String check =
        "{type: http, port: "
            + port
            + ", interval: "
            + INTERVAL
            + "ms, timeout: "
            + TIMEOUT
            + "ms, fall: 2, rise: 3}";
    String tcp =
        "{type: tcp, port: "
            + port
            + ", interval: "
            + INTERVAL
            + "ms, timeout: "
            + TIMEOUT
            + "ms, fall: 2, rise: 3}";
    String yaml =
        "health: {publish_interval: 0s, state_file: "
            + dir.resolve("m.state")
            + "}\n"
            + "regions:\n"
            + "  a: {location: {lat: 0, lon: 0}, l7: {endpoints: [127.0.0.2, 127.0.0.3], check: "
            + check
            + ", min_up: 0.6}}\n"
            + "  b: {location: {lat: 9, lon: 9}, l7: {endpoints: [127.0.0.4], check: "
            + check
            + "}}\n"
            + "services:\n"
            + "  app.example.net: {policy: round-robin, ttl: 30, degraded_ttl: 3, check: "
            + tcp
            + ", endpoints: [127.0.0.5, 127.0.0.6]}\n"
            + "  fo.example.net: {policy: failover, tier: l7, regions: [a, b]}\n"
            + "  nd.example.net: {policy: round-robin, when_all_down: nodata, check: "
            + tcp
            + ", endpoints: [127.0.0.7]}\n"
            + "  st.example.net: {policy: round-robin, when_all_down: static, check: "
            + tcp
            + ", endpoints: [127.0.0.7]}\n"
            + "  open.example.net: {policy: round-robin, check: "
            + tcp
            + ", endpoints: [127.0.0.7, 127.0.0.8]}\n";
    server = TestServer.start(yaml, zone.toString());
  }

  @AfterEach
  void stopAll() throws Exception {
    if (server != null) {
      server.close();
    }
    backends.values().forEach(s -> s.stop(0));
    backends.clear();
    reservation.close();
  }

  private Message ask(String name) throws Exception {
    return server.query(name, Type.A, false);
  }

  private static Set<String> addresses(Message m) {
    Set<String> out = new HashSet<>();
    for (Record r : m.getSection(Section.ANSWER)) {
      out.add(r.rdataToString());
    }
    return out;
  }

  /** Polls the DNS answer (every 20 ms, at most 10 s) until {@code p} holds. */
  private void until(String name, Predicate<Message> p) throws Exception {
    long start = System.nanoTime();
    while (System.nanoTime() - start < 10_000_000_000L) {
      if (p.test(ask(name))) {
        return;
      }
      Thread.sleep(20); // polling DNS answers, as an operator's dig loop would
    }
    throw new AssertionError(
        name
            + ": condition not met within 10 s; last answer "
            + addresses(ask(name))
            + "; why: "
            + dev.meridian.engine.Explainer.explain(
                server.server().snapshot(),
                org.xbill.DNS.Name.fromString(name),
                Type.A,
                InetAddress.getLoopbackAddress()));
  }

  /** The next health event for {@code address} going {@code state} (up or down): its cause. */
  private CompletableFuture<String> next(String address, String state) {
    CompletableFuture<String> f = new CompletableFuture<>();
    server
        .server()
        .events()
        .subscribe(
            e -> {
              if (e.kind().equals("health")
                  && address.equals(e.fields().get("endpoint"))
                  && state.equals(e.fields().get("state"))) {
                f.complete(String.valueOf(e.fields().get("cause")));
              }
            });
    return f;
  }

  @Test
  void aStoppedBackendLeavesAnswersAfterFallChecksAndReturnsAfterRiseChecks() throws Exception {
    until("app.example.net.", m -> addresses(m).equals(Set.of("127.0.0.5", "127.0.0.6")));
    CompletableFuture<String> down = next("127.0.0.6", "down");
    stop("127.0.0.6");
    String cause = down.get(10, TimeUnit.SECONDS);
    assertTrue(cause.endsWith("(2 in a row)"), "fall: 2 failed checks, not " + cause);
    until("app.example.net.", m -> addresses(m).equals(Set.of("127.0.0.5")));
    assertEquals(
        3, ask("app.example.net.").getSection(Section.ANSWER).get(0).getTTL(), "degraded TTL");
    String why =
        String.join(
            "\n",
            dev.meridian.engine.Explainer.explain(
                server.server().snapshot(),
                org.xbill.DNS.Name.fromString("app.example.net."),
                Type.A,
                InetAddress.getLoopbackAddress()));
    assertTrue(why.contains("endpoint 127.0.0.6: down since "), why);
    assertTrue(why.contains("last check connection refused"), why);
    assertTrue(why.contains("endpoint 127.0.0.5: up since "), why);
    CompletableFuture<String> up = next("127.0.0.6", "up");
    backend("127.0.0.6");
    assertEquals("3 checks ok in a row", up.get(10, TimeUnit.SECONDS), "rise: 3");
    until("app.example.net.", m -> addresses(m).contains("127.0.0.6"));
    assertEquals(
        30, ask("app.example.net.").getSection(Section.ANSWER).get(0).getTTL(), "normal TTL again");
  }

  @Test
  void aRegionBelowItsMinimumFractionFailsOverToTheNext() throws Exception {
    assertEquals(Set.of("127.0.0.2", "127.0.0.3"), addresses(ask("fo.example.net.")));
    stop("127.0.0.2"); // 1 of 2 up: below min_up 0.6
    until("fo.example.net.", m -> addresses(m).equals(Set.of("127.0.0.4")));
    backend("127.0.0.2");
    until("fo.example.net.", m -> addresses(m).equals(Set.of("127.0.0.2", "127.0.0.3")));
  }

  @Test
  void whenEveryCandidateIsDownTheServiceFailsOpenOrFallsBackOrSaysNodata() throws Exception {
    var snapshot = server.server();
    until(
        "open.example.net.",
        m ->
            snapshot.snapshot().healthTargets().stream()
                .filter(t -> t.address().equals("127.0.0.7") || t.address().equals("127.0.0.8"))
                .noneMatch(t -> snapshot.snapshot().health().isUp(t.index())));
    assertEquals(
        Set.of("127.0.0.7", "127.0.0.8"),
        addresses(ask("open.example.net.")),
        "fail-open: every configured endpoint");
    until("st.example.net.", m -> addresses(m).equals(Set.of("127.0.0.9")));
    Message nd = ask("nd.example.net.");
    assertEquals(Rcode.NOERROR, nd.getRcode());
    assertTrue(nd.getSection(Section.ANSWER).isEmpty(), "nodata: " + nd);
    assertEquals(Type.SOA, nd.getSection(Section.AUTHORITY).get(0).getType());
  }

  @Test
  void drainingThroughTheStateFileTakesAnEndpointOut() throws Exception {
    OverrideFile.write(
        dir.resolve("m.state"),
        new OverrideFile.Overrides(Map.of("127.0.0.5", Forced.DRAIN), Map.of()));
    until("app.example.net.", m -> addresses(m).equals(Set.of("127.0.0.6")));
    OverrideFile.write(dir.resolve("m.state"), OverrideFile.Overrides.NONE);
    until("app.example.net.", m -> addresses(m).equals(Set.of("127.0.0.5", "127.0.0.6")));
  }
}
