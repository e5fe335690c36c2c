package dev.meridian.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.config.ConfigLoader;
import dev.meridian.zone.Zone;
import dev.meridian.zone.ZoneFileLoader;
import dev.meridian.zone.ZoneIndex;
import java.io.StringReader;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

class QueryEngineTest {
  @TempDir Path dir;
  private QueryEngine engine;
  private SnapshotHolder holder;

  @BeforeEach
  void setUp() throws Exception {
    Files.writeString(
        dir.resolve("example.org.zone"),
        "$TTL 300\n@ IN SOA ns1 h 1 2 3 4 5\n@ IN NS ns1\nns1 IN A 192.0.2.1\n"
            + "sub IN NS ns1.sub\nns1.sub IN A 192.0.2.2\nwww IN A 192.0.2.3\n");
    Files.writeString(
        dir.resolve("sub.example.org.zone"),
        "$TTL 300\n@ IN SOA ns1 h 9 2 3 4 5\n@ IN NS ns1\nns1 IN A 192.0.2.2\nwww IN A 192.0.2.9\n");
    List<Zone> zones =
        ZoneFileLoader.loadDirectory(dir).zones().stream().map(l -> l.zone()).toList();
    var config = ConfigLoader.parse(new StringReader(""), dir.resolve("meridian.yaml"));
    holder = new SnapshotHolder(Snapshot.of(new ZoneIndex(zones), config, 1));
    engine = new QueryEngine(holder);
  }

  private Message ask(String name, int type, int dclass) throws Exception {
    Message q = Message.newQuery(Record.newRecord(Name.fromString(name), type, dclass));
    Message r = new Message(q.getHeader().getID());
    engine.answer(q, r, ClientInfo.of(InetAddress.getLoopbackAddress(), false));
    return r;
  }

  @Test
  void theClosestEnclosingZoneAnswers() throws Exception {
    Message child = ask("www.sub.example.org.", Type.A, DClass.IN);
    assertTrue(child.getHeader().getFlag(Flags.AA), "the child zone is ours: no referral");
    assertEquals("192.0.2.9", child.getSection(Section.ANSWER).get(0).rdataToString());
    Message parent = ask("www.example.org.", Type.A, DClass.IN);
    assertEquals("192.0.2.3", parent.getSection(Section.ANSWER).get(0).rdataToString());
    assertEquals(Rcode.REFUSED, ask("example.com.", Type.A, DClass.IN).getRcode());
    assertEquals(Rcode.REFUSED, ask("org.", Type.SOA, DClass.IN).getRcode());
  }

  @Test
  void otherClassesAreRefusedButChaosTxtExplainsToAdmins() throws Exception {
    assertEquals(Rcode.REFUSED, ask("www.example.org.", Type.A, DClass.CH).getRcode());
    assertEquals(Rcode.REFUSED, ask("www.example.org.", Type.A, DClass.HS).getRcode());
    Message explained = ask("www.example.org.", Type.TXT, DClass.CH);
    assertEquals(Rcode.NOERROR, explained.getRcode());
    assertTrue(
        explained.getSection(Section.ANSWER).toString().contains("not a managed name"),
        explained.toString());
    Message q =
        Message.newQuery(
            Record.newRecord(Name.fromString("www.example.org."), Type.TXT, DClass.CH));
    Message r = new Message();
    engine.answer(q, r, ClientInfo.of(InetAddress.getByName("192.0.2.9"), false));
    assertEquals(Rcode.REFUSED, r.getRcode(), "only admin.allow may ask");
  }

  @Test
  void transfersFollowTheAllowListAndSerialArithmetic() throws Exception {
    Message q =
        Message.newQuery(Record.newRecord(Name.fromString("example.org."), Type.AXFR, DClass.IN));
    assertEquals(
        Rcode.NOERROR, engine.transfer(q, q.toWire(), InetAddress.getLoopbackAddress()).rcode());
    assertEquals(
        Rcode.REFUSED, engine.transfer(q, q.toWire(), InetAddress.getByName("192.0.2.7")).rcode());
    Message notApex =
        Message.newQuery(
            Record.newRecord(Name.fromString("www.example.org."), Type.AXFR, DClass.IN));
    assertEquals(
        Rcode.NOTAUTH,
        engine.transfer(notApex, notApex.toWire(), InetAddress.getLoopbackAddress()).rcode());
    assertTrue(Zone.serialBefore(1, 2));
    assertTrue(Zone.serialBefore(0xFFFFFFFFL, 0), "wraps (RFC 1982)");
    assertFalse(Zone.serialBefore(5, 5));
    assertFalse(Zone.serialBefore(2, 1));
  }

  @Test
  void aPublishedSnapshotAnswersTheNextQuery() throws Exception {
    Snapshot empty = Snapshot.of(new ZoneIndex(List.of()), holder.current().config(), 2);
    holder.publish(empty);
    assertEquals(Rcode.REFUSED, ask("www.example.org.", Type.A, DClass.IN).getRcode());
  }
}
