package dev.meridian.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.meridian.engine.Reloader;
import dev.meridian.geo.MmdbWriter;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.ClientSubnetOption;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * What refreshes and records itself: a geo database replaced in place while serving (and a broken
 * replacement refused), and the sampled query log, over real sockets.
 */
class OperatorsIT {
  @TempDir Path dir;

  private static final String CONFIG =
      """
      regions:
        eu: {location: {lat: 50, lon: 8}, l7: {endpoints: [192.0.2.1], check: none}}
        as: {location: {lat: 35, lon: 139}, l7: {endpoints: [192.0.2.2], check: none}}
      geo:
        database: %s
        continents: {EU: [eu], AS: [as]}
        default: [eu]
      services:
        www.example.com: {policy: geo, tier: l7, ttl: 30}
      """;

  private void writeDb(Path to, String cc, String continent) throws Exception {
    MmdbWriter w = new MmdbWriter();
    w.insert(
        InetAddress.getByName("81.2.69.0"),
        24,
        Map.of("country", Map.of("iso_code", cc), "continent", Map.of("code", continent)));
    Path tmp = dir.resolve("next.mmdb");
    try (OutputStream out = Files.newOutputStream(tmp)) {
      w.write(out, "Test-Country", "test", 1_700_000_000L);
    }
    // as geoipupdate does: a new file renamed over the old one
    Files.move(tmp, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static String www(TestServer s) throws Exception {
    Message q =
        Message.newQuery(Record.newRecord(Name.fromString("www.example.com."), Type.A, DClass.IN));
    q.addRecord(
        new OPTRecord(
            1232, 0, 0, 0, List.of(new ClientSubnetOption(24, InetAddress.getByName("81.2.69.0")))),
        Section.ADDITIONAL);
    return s.resolver(false).send(q).getSection(Section.ANSWER).get(0).rdataToString();
  }

  private static String awaitAnswer(TestServer s, String wanted) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    String got = www(s);
    while (!got.equals(wanted) && System.nanoTime() < deadline) {
      Thread.onSpinWait();
      got = www(s);
    }
    return got;
  }

  @Test
  void aGeoDatabaseReplacedInPlaceIsPickedUpAndABrokenOneRefused() throws Exception {
    Path db = dir.resolve("geo.mmdb");
    writeDb(db, "GB", "EU");
    try (TestServer s = TestServer.start(String.format(CONFIG, db), "zones/example.com.zone")) {
      s.server().watchFiles(Duration.ofMillis(50));
      assertEquals("192.0.2.1", www(s), "GB is in Europe");
      long gen = s.server().snapshot().generation();
      writeDb(db, "JP", "AS");
      assertEquals("192.0.2.2", awaitAnswer(s, "192.0.2.2"), "the new database routes to Asia");
      assertTrue(s.server().snapshot().generation() > gen);
      Reloader.Outcome swapped = s.server().reloader().last();
      assertTrue(swapped.changed().toString().contains("geo database"), swapped.toString());

      Path broken = dir.resolve("broken.mmdb");
      Files.write(broken, Files.readAllBytes(db), java.nio.file.StandardOpenOption.CREATE);
      byte[] half = java.util.Arrays.copyOf(Files.readAllBytes(db), 100); // truncated
      Files.write(broken, half);
      Files.move(broken, db, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      Reloader.Outcome refused = s.server().reloader().requestReload().get(15, TimeUnit.SECONDS);
      assertFalse(refused.published(), refused.toString());
      assertTrue(refused.problems().toString().contains("geo.database"), refused.toString());
      assertEquals("192.0.2.2", www(s), "the last good database keeps serving");
    }
  }

  @Test
  void theQueryLogWritesSampledJsonLinesOffThePath() throws Exception {
    Path db = dir.resolve("geo.mmdb");
    writeDb(db, "GB", "EU");
    Path log = dir.resolve("queries.log");
    String yaml = String.format(CONFIG, db) + "query_log: {file: " + log + ", sample: 1}\n";
    try (TestServer s = TestServer.start(yaml, "zones/example.com.zone")) {
      www(s);
      s.query("nosuch.example.com.", Type.A, true);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      List<String> lines = Files.readAllLines(log);
      while (lines.size() < 2 && System.nanoTime() < deadline) {
        Thread.onSpinWait(); // the writer flushes once its queue is empty
        lines = Files.readAllLines(log);
      }
      assertEquals(0, s.server().queryLog().dropped());
      assertEquals(2, lines.size(), lines.toString());
      ObjectMapper json = new ObjectMapper();
      JsonNode geo = json.readTree(lines.get(0));
      assertEquals("www.example.com.", geo.get("qname").asText());
      assertEquals("A", geo.get("qtype").asText());
      assertEquals("NOERROR", geo.get("rcode").asText());
      assertTrue(geo.get("ecs").asText().startsWith("81.2.69.0/24/"), geo.toString());
      assertEquals("www.example.com.", geo.get("service").asText());
      assertEquals("eu", geo.get("region").asText());
      assertEquals("192.0.2.1", geo.get("answers").get(0).asText());
      assertEquals("udp", geo.get("transport").asText());
      assertTrue(geo.get("time").asText().matches(".*T.*(Z|[+-]\\d\\d:\\d\\d)$"), geo.toString());
      JsonNode nx = json.readTree(lines.get(1));
      assertEquals("NXDOMAIN", nx.get("rcode").asText());
      assertEquals("tcp", nx.get("transport").asText());
    }
  }
}
