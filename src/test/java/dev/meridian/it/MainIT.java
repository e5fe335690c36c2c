package dev.meridian.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/** The packaged jar, started as an operator would, stopped with SIGTERM. */
class MainIT {
  static final Path JAR = Path.of("target/meridian.jar");
  @TempDir Path dir;
  private final java.util.List<Process> started = new java.util.ArrayList<>();

  private Process start(Path config) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p =
        new ProcessBuilder(
                java,
                "-jar",
                JAR.toAbsolutePath().toString(),
                "serve",
                "--config",
                config.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("out.log").toFile())
            .start();
    started.add(p);
    return p;
  }

  /** Every server a test started is stopped, whether the test passed or not. */
  @org.junit.jupiter.api.AfterEach
  void stopEverything() throws Exception {
    for (Process p : started) {
      if (p.isAlive()) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  private String output() throws Exception {
    return Files.readString(dir.resolve("out.log"));
  }

  /**
   * Starts a server on a port found free; the child process binds it itself, so another process may
   * take the port in between: then the child exits 1 (cannot bind) and we try another port. Returns
   * once it logged " ready"; {@code port[0]} is the port it serves.
   */
  private Process startOnFreePort(int[] port) throws Exception {
    Path config = dir.resolve("meridian.yaml");
    for (int attempt = 1; ; attempt++) {
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        port[0] = s.getLocalPort();
      }
      Files.writeString(
          config, "listen: [127.0.0.1:" + port[0] + "]\nadmin: {listen: 127.0.0.1:0}\n");
      Process p = start(config);
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      // a bounded wait on the process doubles as the pause between looks at its log
      while (!output().contains(" ready")
          && !p.waitFor(50, TimeUnit.MILLISECONDS)
          && System.nanoTime() < deadline) {
        // waiting for the log line
      }
      if (p.isAlive() || attempt == 3 || p.exitValue() != 1) {
        return p;
      }
    }
  }

  @Test
  void servesTheExampleLogsASummaryAndStopsCleanlyOnSigterm() throws Exception {
    Files.createDirectories(dir.resolve("zones"));
    Files.copy(Path.of("zones/example.com.zone"), dir.resolve("zones/example.com.zone"));
    int[] bound = new int[1];
    Process p = startOnFreePort(bound);
    int port = bound[0];
    String log = output();
    var shipped = dev.meridian.zone.ZoneFileLoader.load(Path.of("zones/example.com.zone")).zone();
    String expected =
        "zone example.com. serial " + shipped.serial() + ", " + shipped.recordCount() + " records";
    assertTrue(log.contains(expected), log);
    assertTrue(log.contains("listening on 127.0.0.1 port " + port + " (udp+tcp)"), log);
    SimpleResolver r = new SimpleResolver(InetAddress.getLoopbackAddress());
    r.setPort(port);
    r.setTimeout(Duration.ofSeconds(3));
    Message m =
        r.send(
            Message.newQuery(
                Record.newRecord(Name.fromString("www.example.com."), Type.A, DClass.IN)));
    assertEquals(Rcode.NOERROR, m.getRcode());
    p.destroy(); // SIGTERM
    assertTrue(p.waitFor(10, TimeUnit.SECONDS), "stops within 10 s");
    assertTrue(output().contains("INFO stopped"), output());
    assertEquals(0, p.exitValue(), "SIGTERM is a normal stop: " + output());
  }

  @Test
  void badConfigurationExitsTwoNamingFileLineAndKey() throws Exception {
    Path config = dir.resolve("meridian.yaml");
    Files.writeString(config, "listen: [127.0.0.1:1]\nedns:\n  payload: 1232\n");
    Process p = start(config);
    assertTrue(p.waitFor(20, TimeUnit.SECONDS));
    String out = output();
    assertEquals(2, p.exitValue(), out);
    assertTrue(
        out.contains(config + ":3: edns.payload: unknown key, allowed here: payload_size"), out);
  }

  @Test
  void missingZoneDirectoryExitsTwo() throws Exception {
    Path config = dir.resolve("meridian.yaml");
    Files.writeString(config, "listen: [127.0.0.1:1]\nzone_dir: nowhere\n");
    Process p = start(config);
    assertTrue(p.waitFor(20, TimeUnit.SECONDS));
    String out = output();
    assertEquals(2, p.exitValue(), out);
    assertTrue(out.contains("zone_dir: " + dir.resolve("nowhere") + " is not a directory"), out);
  }
}
