package dev.meridian.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The small commands: health validation, --version, the status table, JSON logs. */
class CommandsTest {
  @TempDir Path dir;

  private record Run(int code, String out) {}

  private Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
    int code = Main.run(args, ps, ps);
    return new Run(code, out.toString(StandardCharsets.UTF_8));
  }

  private Path example() throws Exception {
    Path config = dir.resolve("meridian.yaml");
    Files.writeString(
        config,
        Files.readString(Path.of("meridian.yaml"))
            .replace(
                "geo-data/meridian-country.mmdb",
                Path.of("geo-data/meridian-country.mmdb").toAbsolutePath().toString()));
    Files.createDirectories(dir.resolve("zones"));
    Files.copy(Path.of("zones/example.com.zone"), dir.resolve("zones/example.com.zone"));
    return config;
  }

  @Test
  void healthRejectsWhatIsNotConfiguredAndNamesWhatIs() throws Exception {
    Path config = example();
    Run notThere = run("health", "drain", "192.0.2.99", "--config", config.toString());
    assertEquals(Main.EXIT_USAGE, notThere.code(), notThere.out());
    assertTrue(notThere.out().contains("no endpoint 192.0.2.99"), notThere.out());
    assertTrue(notThere.out().contains("198.51.100.10"), "lists the known ones: " + notThere.out());
    Run notIp = run("health", "drain", "www", "--config", config.toString());
    assertEquals(Main.EXIT_USAGE, notIp.code());
    assertTrue(notIp.out().contains("'www' is not an IP address"), notIp.out());
    Run region = run("health", "drain", "--region", "mars", "--config", config.toString());
    assertEquals(Main.EXIT_USAGE, region.code());
    assertTrue(region.out().contains("known: ap-south, eu-west, us-east"), region.out());
    Run ok = run("health", "drain", "2001:db8:2::20", "--config", config.toString());
    assertEquals(0, ok.code(), ok.out());
    assertTrue(ok.out().contains("2001:db8:2:0:0:0:0:20"), "stored as the table names it");
    assertEquals(0, run("health", "clear", "2001:db8:2::20", "--config", config.toString()).code());
  }

  @Test
  void versionPrintsOneLine() {
    Run v = run("--version");
    assertEquals(0, v.code());
    assertTrue(v.out().matches("meridian \\S+\\R"), v.out());
  }

  @Test
  void statusPrintsTablesFromTheReport() throws Exception {
    String report =
        """
        {"version":"1.0","generation":4,"uptime_seconds":75,
         "listeners":[{"address":"127.0.0.1:1053"}],
         "zones":[{"name":"example.com.","serial":7,"records":40,"source":"/z/example.com.zone"}],
         "regions":[{"name":"eu-west","state":"drained","answers_last_minute":3,
           "share_last_minute":0.25,"endpoints":[{"address":"198.51.100.10","tier":"l4",
           "up":false,"state":"drained","since":null,"check":"tcp 198.51.100.10:80",
           "last_result":"ok","latency_ms":1.25}]}],
         "overrides":{"endpoints":{},"regions":{"eu-west":"drain"}},
         "last_reload":{"at":"2026-12-02T22:00:00Z","generation":4,"problems":["f:1: bad"]}}
        """;
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    StatusCommand.print(
        new ObjectMapper().readTree(report), new PrintStream(b, true, StandardCharsets.UTF_8));
    String out = b.toString(StandardCharsets.UTF_8);
    assertTrue(out.contains("meridian 1.0, generation 4, up 1m15s, DNS on 127.0.0.1:1053"), out);
    assertTrue(out.contains("example.com.  7       40"), out);
    assertTrue(out.contains("eu-west  drained  3            25%    0/1"), out);
    assertTrue(out.contains("198.51.100.10  eu-west  l4    drained  -      tcp"), out);
    assertTrue(out.contains("1.3 ms") || out.contains("1.2 ms"), out);
    assertTrue(out.contains("  f:1: bad"), out);
  }

  @Test
  void jsonLogLinesCarryTheTimeWithItsOffset() throws Exception {
    LogRecord r = new LogRecord(Level.INFO, "reload done: serving generation 3");
    r.setLoggerName("meridian");
    String line = new JsonLogFormatter().format(r);
    var json = new ObjectMapper().readTree(line);
    assertEquals("INFO", json.get("level").asText());
    assertEquals("reload done: serving generation 3", json.get("message").asText());
    assertTrue(json.get("time").asText().matches(".*T.*(Z|[+-]\\d\\d:\\d\\d)$"), line);
  }
}
