package dev.meridian.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.config.ConfigLoader;
import dev.meridian.config.MeridianConfig;
import dev.meridian.zone.Journal;
import dev.meridian.zone.Zone;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

class CheckCommandTest {
  @TempDir Path dir;

  private String run(String yaml, int expectedExit) throws Exception {
    Path config = dir.resolve("meridian.yaml");
    Files.writeString(config, yaml);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
    int code = Main.run(new String[] {"check", "--config", config.toString()}, ps, ps);
    String text = out.toString(StandardCharsets.UTF_8);
    assertEquals(expectedExit, code, text);
    return text;
  }

  /**
   * A zone whose journal holds an update acknowledged before a crash: check and explain must see
   * the replayed zone that serve loads (one loader for all three), and only serve folds it.
   */
  @Test
  void checkExplainAndServeLoadTheSameJournaledZone() throws Exception {
    Path zones = Files.createDirectories(dir.resolve("zones"));
    Path zone = zones.resolve("example.net.zone");
    String text = "$TTL 300\n@ IN SOA ns1 h 10 2 3 4 5\n@ IN NS ns1\nns1 IN A 192.0.2.1\n";
    Files.writeString(zone, text);
    Name origin = Name.fromString("example.net.");
    Record added =
        Record.fromString(
            Name.fromString("new", origin), Type.A, DClass.IN, 300, "192.0.2.77", origin);
    Record oldSoa = Record.fromString(origin, Type.SOA, DClass.IN, 300, "ns1 h 10 2 3 4 5", origin);
    Record newSoa = Record.fromString(origin, Type.SOA, DClass.IN, 300, "ns1 h 11 2 3 4 5", origin);
    Journal.append(zone, 10, 11, List.of(oldSoa), List.of(newSoa, added));
    String checked = run("zone_dir: zones\n", 0);
    assertTrue(
        checked.contains(
            "zone example.net. serial 11, 4 records, from "
                + zone
                + " (journal replayed, serial 10 -> 11)"),
        checked);
    assertEquals(text, Files.readString(zone), "check leaves the zone file alone");

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
    Path config = dir.resolve("meridian.yaml");
    assertEquals(
        0,
        Main.run(
            new String[] {"explain", "new.example.net", "--config", config.toString()}, ps, ps),
        out.toString(StandardCharsets.UTF_8));
    assertTrue(
        out.toString(StandardCharsets.UTF_8).contains("192.0.2.77"),
        out.toString(StandardCharsets.UTF_8));

    MeridianConfig cfg =
        ConfigLoader.load(config)
            .withListen(List.of(new InetSocketAddress("127.0.0.1", 0)))
            .withAdminListen(new InetSocketAddress("127.0.0.1", 0));
    try (MeridianServer server = MeridianServer.start(cfg)) {
      Zone served = server.snapshot().zones().zone(origin);
      assertEquals(11, served.serial());
      assertEquals(4, served.recordCount());
    }
    assertTrue(Files.readString(zone).contains("192.0.2.77"), "serve folds the journal");
  }

  @Test
  void theShippedExampleAndDemoAreClean() throws Exception {
    for (String f : new String[] {"meridian.yaml", "demo/meridian.yaml"}) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
      assertEquals(
          0,
          Main.run(new String[] {"check", "--config", f}, ps, ps),
          out.toString(StandardCharsets.UTF_8));
      assertTrue(out.toString(StandardCharsets.UTF_8).contains("check: 0 errors, 0 warnings"));
    }
  }

  @Test
  void everyProblemIsPrintedWithItsFileAndLine() throws Exception {
    Files.createDirectories(dir.resolve("zones"));
    Files.writeString(
        dir.resolve("zones/example.net.zone"),
        """
        $TTL 300
        @ IN SOA ns1 h 1 2 3 4 5
        @ IN NS ns1
        ns1 IN A 192.0.2.1
        www IN CNAME ns1
        www IN TXT "x"
        sub IN NS ns.sub
        """);
    Files.writeString(
        dir.resolve("zones/example.org.zone"),
        """
        $TTL 300
        @ IN SOA ns1 h 1 2 3 4 5
        @ IN NS ns1
        ns1 IN A 192.0.2.1
        www IN A 192.0.2.300
        """);
    Files.writeString(
        dir.resolve("zones/example.com.zone"),
        "$TTL 300\n@ IN SOA ns1 h 1 2 3 4 5\n@ IN NS ns1\nns1 IN A 192.0.2.1\nsub IN NS ns.sub\n");
    String text =
        run(
            """
            regions:
              a: {location: {lat: 0, lon: 0}, l4: {endpoints: [192.0.2.10], check: none}}
              b: {location: {lat: 1, lon: 1}, l4: {endpoints: [192.0.2.10], check: none}}
            services:
              nothing.example.com: {policy: weighted, endpoints: [192.0.2.1]}
            """,
            1);
    Path net = dir.resolve("zones/example.net.zone");
    Path org = dir.resolve("zones/example.org.zone");
    Path com = dir.resolve("zones/example.com.zone");
    assertTrue(text.contains("error: " + net + ":5: www.example.net.: CNAME and other data"), text);
    assertTrue(text.contains("error: " + org + ":5:"), text);
    assertTrue(text.contains("services.\"nothing.example.com.\": no A or AAAA records"), text);
    assertTrue(text.contains("regions.b.l4: endpoint 192.0.2.10 is also in region a"), text);
    assertTrue(
        text.contains(
            "warning: "
                + com
                + ":5: sub.example.com.: NS ns.sub.example.com. is below the delegation but has no A or AAAA glue"),
        text);
    assertTrue(text.contains("check: 4 errors, 1 warnings"), text);
  }

  @Test
  void aBadConfigurationIsReportedByKey() throws Exception {
    String text = run("tcp:\n  idle_timeout: never\n", 1);
    assertTrue(text.contains("meridian.yaml:2: tcp.idle_timeout: must be a duration"), text);
  }
}
