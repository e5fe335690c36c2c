package dev.meridian.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.config.ConfigException;
import dev.meridian.config.ConfigLoader;
import dev.meridian.geo.GeoLocator;
import dev.meridian.zone.Zone;
import dev.meridian.zone.ZoneFileLoader;
import java.io.StringReader;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

class SnapshotBuilderTest {
  private static List<Zone> zones() throws Exception {
    return List.of(
        ZoneFileLoader.load(Path.of("src/test/resources/zones/example.org.zone")).zone());
  }

  private static Snapshot build(String yaml) throws Exception {
    var config = ConfigLoader.parse(new StringReader(yaml), Path.of("m.yaml"));
    return new SnapshotBuilder().build(config, zones(), GeoLocator.NONE, 1);
  }

  @Test
  void serviceOutsideTheZonesOrOnACnameIsAnError() {
    String e =
        assertThrows(
                ConfigException.class,
                () ->
                    build(
                        "services:\n  www.example.net: {policy: round-robin, endpoints: [192.0.2.1]}\n"
                            + "  c1.example.org: {policy: round-robin, endpoints: [192.0.2.1]}\n"))
            .getMessage();
    assertTrue(
        e.contains(
            "m.yaml:2: services.\"www.example.net.\": not inside any loaded zone; loaded: example.org."),
        e);
    assertTrue(
        e.contains("m.yaml:3: services.\"c1.example.org.\": the zone has a CNAME at this name"), e);
  }

  @Test
  void policyAnswersReplaceStaticRecordsAndUseTheServiceTtl() throws Exception {
    Snapshot s =
        build(
            "services:\n  www.example.org: {policy: round-robin, ttl: 7, endpoints: [198.51.100.1, 198.51.100.2]}\n");
    QueryEngine engine = new QueryEngine(new SnapshotHolder(s));
    Message q =
        Message.newQuery(Record.newRecord(Name.fromString("www.example.org."), Type.A, DClass.IN));
    Message r = new Message();
    int scope = engine.answer(q, r, ClientInfo.of(InetAddress.getLoopbackAddress(), false));
    assertEquals(0, scope);
    List<Record> answer = r.getSection(Section.ANSWER);
    assertEquals(2, answer.size());
    assertTrue(answer.get(0).rdataToString().startsWith("198.51.100."));
    assertEquals(7, answer.get(0).getTTL());
    Message txt = new Message();
    engine.answer(
        Message.newQuery(
            Record.newRecord(Name.fromString("www.example.org."), Type.TXT, DClass.IN)),
        txt,
        ClientInfo.of(InetAddress.getLoopbackAddress(), false));
    assertEquals(
        Type.TXT, txt.getSection(Section.ANSWER).get(0).getType(), "other types: zone data");
  }

  @Test
  void roundRobinWithoutEndpointsChecksTheZonesOwnRecords() throws Exception {
    Snapshot s =
        build("services:\n  www.example.org: {policy: round-robin, check: {type: tcp, port: 9}}\n");
    assertEquals(2, s.healthTargets().size(), "www's two zone addresses");
    assertTrue(
        s.healthTargets().stream()
            .allMatch(t -> t.check() != null && t.check().target().getPort() == 9));
    QueryEngine engine = new QueryEngine(new SnapshotHolder(s));
    Message r = new Message();
    engine.answer(
        Message.newQuery(Record.newRecord(Name.fromString("www.example.org."), Type.A, DClass.IN)),
        r,
        ClientInfo.of(InetAddress.getLoopbackAddress(), false));
    assertEquals(300, r.getSection(Section.ANSWER).get(0).getTTL(), "the RRset's own TTL");
    String e =
        assertThrows(
                ConfigException.class,
                () -> build("services:\n  mail2.example.org: {policy: round-robin}\n"))
            .getMessage();
    assertTrue(e.contains("round-robin without endpoints takes the zone's A/AAAA records"), e);
  }

  @Test
  void rotationIsOnByDefaultAndSwitchablePerZone() throws Exception {
    assertTrue(build("").lookupOptions().rotates(Name.fromString("example.org.")));
    Snapshot off = build("rotate_zones: {example.org: false}\n");
    assertTrue(!off.lookupOptions().rotates(Name.fromString("example.org.")));
    QueryEngine engine = new QueryEngine(new SnapshotHolder(off));
    String first = null;
    for (int i = 0; i < 4; i++) {
      Message r = new Message();
      engine.answer(
          Message.newQuery(
              Record.newRecord(Name.fromString("www.example.org."), Type.A, DClass.IN)),
          r,
          ClientInfo.of(InetAddress.getLoopbackAddress(), false));
      String now = r.getSection(Section.ANSWER).get(0).rdataToString();
      assertEquals(first == null ? now : first, now, "no rotation when switched off");
      first = now;
    }
  }
}
