package dev.meridian.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real probes against real loopback backends, started and stopped inside the tests. */
class HealthMonitorTest {
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  private static final InetAddress SECOND = address(127, 0, 0, 2);

  private static InetAddress address(int... b) {
    try {
      return InetAddress.getByAddress(
          new byte[] {(byte) b[0], (byte) b[1], (byte) b[2], (byte) b[3]});
    } catch (java.net.UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  @TempDir Path dir;

  private final LinkedBlockingQueue<HealthTable> published = new LinkedBlockingQueue<>();

  private static Check check(Check.Kind kind, int port, String path, String body, long timeout) {
    return check(LOOPBACK, kind, port, path, body, timeout);
  }

  private static Check check(
      InetAddress at, Check.Kind kind, int port, String path, String body, long timeout) {
    return new Check(
        kind,
        new InetSocketAddress(at, port),
        path,
        Set.of(200),
        body,
        null,
        null,
        true,
        100,
        timeout,
        2,
        3,
        true);
  }

  /** Waits (bounded) for a published table that satisfies {@code p}. */
  private HealthTable await(Predicate<HealthTable> p) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < end) {
      HealthTable t = published.poll(100, TimeUnit.MILLISECONDS);
      if (t != null && p.test(t)) {
        return t;
      }
    }
    throw new AssertionError("no table as expected within 10 s");
  }

  private static HttpServer http(int status, String body) throws Exception {
    HttpServer s = HttpServer.create(new InetSocketAddress(LOOPBACK, 0), 16);
    s.createContext(
        "/",
        ex -> {
          byte[] b = body.getBytes(StandardCharsets.UTF_8);
          ex.sendResponseHeaders(status, b.length);
          try (OutputStream o = ex.getResponseBody()) {
            o.write(b);
          }
        });
    s.start();
    return s;
  }

  /**
   * A listening socket on {@code 127.0.0.2:port} that accepts and closes; {@code port} is held on
   * 127.0.0.1 by the caller's reservation, so no other process can take it (a wildcard bind
   * conflicts) while this one is stopped and started again.
   */
  private static ServerSocket acceptor(int port) throws Exception {
    ServerSocket s = new ServerSocket();
    s.setReuseAddress(true);
    s.bind(new InetSocketAddress(SECOND, port), 50);
    Thread th =
        new Thread(
            () -> {
              while (!s.isClosed()) {
                try {
                  s.accept().close();
                } catch (java.io.IOException e) {
                  return; // closed by the test
                }
              }
            });
    th.setDaemon(true);
    th.start();
    return s;
  }

  private static Target tcpTarget(int port) {
    return new Target(
        0, "127.0.0.2", Set.of(), check(SECOND, Check.Kind.TCP, port, "/", null, 200));
  }

  @Test
  void tcpCheckGoesDownWhenTheListenerStopsAndBackUpAfterRiseSuccesses() throws Exception {
    try (ServerSocket reservation = new ServerSocket(0, 1, LOOPBACK)) {
      int port = reservation.getLocalPort();
      ServerSocket listener = acceptor(port);
      Target t = tcpTarget(port);
      try (HealthMonitor m = new HealthMonitor(1, List.of(t), Duration.ZERO, published::add)) {
        m.start();
        listener.close();
        HealthTable down = await(x -> !x.isUp(0));
        assertTrue(down.describe(0).contains("connection refused"), down.describe(0));
        ServerSocket again = acceptor(port);
        try {
          HealthTable up = await(x -> x.isUp(0));
          assertTrue(up.describe(0).startsWith("up since"), up.describe(0));
        } finally {
          again.close();
        }
      }
    }
  }

  @Test
  void stateChangesAreStampedByTheInjectedClock() throws Exception {
    Instant t0 = Instant.parse("2030-01-01T00:00:00Z");
    try (ServerSocket reservation = new ServerSocket(0, 1, LOOPBACK)) {
      // nothing listens on 127.0.0.2:port, and the reservation keeps it so: connection refused
      Target t = tcpTarget(reservation.getLocalPort());
      CompletableFuture<String> change = new CompletableFuture<>();
      try (HealthMonitor m =
          new HealthMonitor(
              1,
              List.of(t),
              Duration.ZERO,
              published::add,
              Map.of(),
              Clock.fixed(t0, ZoneOffset.UTC))) {
        m.listen(
            new HealthMonitor.Listener() {
              @Override
              public void changed(Target target, boolean up, String cause) {
                change.complete((up ? "up: " : "down: ") + cause);
              }
            });
        m.start();
        String cause = change.get(10, TimeUnit.SECONDS);
        assertTrue(cause.startsWith("down: ") && cause.endsWith("(2 in a row)"), cause);
        HealthMonitor.State s = m.states().get(HealthMonitor.key(t));
        assertEquals(t0.toEpochMilli(), s.since(), "the change is stamped by the injected clock");
      }
    }
  }

  @Test
  void httpChecksReportStatusBodyAndTimeoutCauses() throws Exception {
    HttpServer ok = http(200, "all good");
    HttpServer sick = http(503, "overloaded");
    HttpServer wrongBody = http(200, "not it");
    ServerSocket silent = new ServerSocket(0, 50, LOOPBACK); // accepts, never answers
    // answering backends get a generous timeout: a loaded 2-core CI machine must not fail them
    List<Target> targets =
        List.of(
            new Target(
                0,
                "a",
                Set.of(),
                check(Check.Kind.HTTP, ok.getAddress().getPort(), "/health", "good", 3000)),
            new Target(
                1,
                "b",
                Set.of(),
                check(Check.Kind.HTTP, sick.getAddress().getPort(), "/health", null, 3000)),
            new Target(
                2,
                "c",
                Set.of(),
                check(Check.Kind.HTTP, wrongBody.getAddress().getPort(), "/health", "good", 3000)),
            new Target(
                3,
                "d",
                Set.of(),
                check(Check.Kind.HTTP, silent.getLocalPort(), "/health", null, 500)),
            new Target(4, "e", Set.of(), null));
    try (HealthMonitor m = new HealthMonitor(1, targets, Duration.ZERO, published::add)) {
      m.start();
      // the answering backend is awaited up too: on a loaded machine one of its checks may time
      // out on the way, and the table this test wants comes later
      HealthTable t = await(x -> x.isUp(0) && !x.isUp(1) && !x.isUp(2) && !x.isUp(3));
      assertTrue(t.describe(1).contains("HTTP 503"), t.describe(1));
      assertTrue(t.describe(2).contains("body mismatch"), t.describe(2));
      assertTrue(t.describe(3).contains("timeout"), t.describe(3));
      assertTrue(t.isUp(4));
      assertTrue(t.describe(4).contains("no check"));
    } finally {
      ok.stop(0);
      sick.stop(0);
      wrongBody.stop(0);
      silent.close();
    }
  }

  @Test
  void overridesBeatChecksAndComeFromTheStateFile() throws Exception {
    List<Target> targets =
        List.of(
            new Target(0, "192.0.2.1", Set.of("eu"), null),
            new Target(1, "192.0.2.2", Set.of("us"), null),
            new Target(2, "192.0.2.3", Set.of("us"), null));
    Path file = dir.resolve("meridian.state");
    OverrideFile.write(
        file,
        new OverrideFile.Overrides(Map.of("192.0.2.1", Forced.DRAIN), Map.of("us", Forced.DOWN)));
    try (HealthMonitor m = new HealthMonitor(1, targets, Duration.ZERO, published::add)) {
      m.start();
      m.watch(file);
      HealthTable t = await(x -> !x.isUp(0));
      assertFalse(t.isUp(1));
      assertFalse(t.isUp(2));
      assertTrue(t.describe(0).startsWith("drain by operator"), t.describe(0));
      OverrideFile.write(
          file,
          new OverrideFile.Overrides(Map.of("192.0.2.3", Forced.UP), Map.of("us", Forced.DOWN)));
      HealthTable t2 = await(x -> x.isUp(0) && x.isUp(2));
      assertFalse(t2.isUp(1), "the region is down; the endpoint's own override wins for .3");
    }
    assertNotNull(OverrideFile.read(file).endpoints().get("192.0.2.3"));
  }
}
