package dev.meridian.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.config.ConfigLoader;
import dev.meridian.engine.ClientInfo;
import dev.meridian.engine.QueryEngine;
import dev.meridian.engine.QueryHandler;
import dev.meridian.engine.Snapshot;
import dev.meridian.engine.SnapshotHolder;
import dev.meridian.metrics.Metrics;
import dev.meridian.zone.ZoneFileLoader;
import dev.meridian.zone.ZoneIndex;
import java.io.StringReader;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.GenericEDNSOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** The wire rules, on a real engine and zone, without sockets. */
class PacketProcessorTest {
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  private static PacketProcessor processor;
  private static ServerStats stats;
  private static int recordCount;

  @BeforeAll
  static void setUp() throws Exception {
    var zone = ZoneFileLoader.load(Path.of("src/test/resources/zones/example.org.zone")).zone();
    recordCount = zone.recordCount();
    var config = ConfigLoader.parse(new StringReader(""), Path.of("meridian.yaml"));
    var holder = new SnapshotHolder(Snapshot.of(new ZoneIndex(List.of(zone)), config, 1));
    stats = new ServerStats();
    processor =
        new PacketProcessor(new QueryEngine(holder), 1232, stats, Metrics.enabled().queries());
  }

  static List<byte[]> send(PacketProcessor p, byte[] packet, boolean tcp) throws Exception {
    List<byte[]> out = new ArrayList<>();
    p.handle(packet, packet.length, LOOPBACK, tcp, out::add);
    return out;
  }

  static Message one(byte[] packet, boolean tcp) throws Exception {
    List<byte[]> out = send(processor, packet, tcp);
    assertEquals(1, out.size(), "one response");
    return new Message(out.get(0));
  }

  static Message query(String name, int type, int payload) throws Exception {
    Message q = Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN));
    if (payload > 0) {
      q.addRecord(new OPTRecord(payload, 0, 0, 0), Section.ADDITIONAL);
    }
    return q;
  }

  @Test
  void dropsPacketsTooShortForAHeader() throws Exception {
    assertTrue(send(processor, new byte[11], false).isEmpty());
  }

  @Test
  void neverAnswersResponses() throws Exception {
    Message q = query("www.example.org.", Type.A, 0);
    q.getHeader().setFlag(Flags.QR);
    assertTrue(send(processor, q.toWire(), false).isEmpty());
  }

  @Test
  void garbageAfterTheHeaderGetsFormerrWithTheQueryId() throws Exception {
    byte[] p = {0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 7, 'e', 'x'};
    Message r = one(p, false);
    assertEquals(0x1234, r.getHeader().getID());
    assertEquals(Rcode.FORMERR, r.getRcode());
    assertTrue(r.getHeader().getFlag(Flags.QR));
    assertTrue(r.getHeader().getFlag(Flags.RD), "RD copied");
  }

  @Test
  void questionCountOtherThanOneIsFormerr() throws Exception {
    Message none = new Message();
    assertEquals(Rcode.FORMERR, one(none.toWire(), false).getRcode());
    Message two = query("www.example.org.", Type.A, 0);
    two.addRecord(
        Record.newRecord(Name.fromString("x.example.org."), Type.A, DClass.IN), Section.QUESTION);
    assertEquals(Rcode.FORMERR, one(two.toWire(), false).getRcode());
  }

  @Test
  void metaTypesInTheQuestionAreNodataAsNsdAndKnotAnswer() throws Exception {
    for (int type : new int[] {Type.OPT, Type.TSIG, Type.TKEY}) {
      Message r = one(query("example.org.", type, 0).toWire(), false);
      assertEquals(Rcode.NOERROR, r.getRcode(), Type.string(type));
      assertTrue(r.getHeader().getFlag(Flags.AA), Type.string(type));
      assertTrue(r.getSection(Section.ANSWER).isEmpty(), Type.string(type));
      assertEquals(Type.SOA, r.getSection(Section.AUTHORITY).get(0).getType(), Type.string(type));
    }
  }

  @Test
  void checkingDisabledIsClearedInAuthoritativeAnswers() throws Exception {
    Message q = query("www.example.org.", Type.A, 1232);
    q.getHeader().setFlag(Flags.CD);
    Message r = one(q.toWire(), false);
    assertEquals(Rcode.NOERROR, r.getRcode());
    assertFalse(r.getHeader().getFlag(Flags.CD));
  }

  @Test
  void notifyIsRefusedByAPrimary() throws Exception {
    Message q = query("example.org.", Type.SOA, 0);
    q.getHeader().setOpcode(Opcode.NOTIFY);
    q.getHeader().setFlag(Flags.AA);
    Message r = one(q.toWire(), false);
    assertEquals(Rcode.REFUSED, r.getRcode());
    assertEquals(Opcode.NOTIFY, r.getHeader().getOpcode());
  }

  @Test
  void errorResponsesAreNeverLargerThanTheQuery() throws Exception {
    // random refusals, NOTIFYs and unknown opcodes, with and without EDNS
    SplittableRandom rnd = new SplittableRandom(7);
    for (int i = 0; i < 300; i++) {
      Message q = query("x" + i + ".example.net.", Type.A, rnd.nextBoolean() ? 1232 : 0);
      if (rnd.nextBoolean()) {
        q.getHeader().setOpcode(rnd.nextBoolean() ? Opcode.STATUS : Opcode.NOTIFY);
      }
      byte[] wire = q.toWire();
      for (byte[] r : send(processor, wire, false)) {
        int rcode = r[3] & 0xF;
        if (rcode == Rcode.REFUSED || rcode == Rcode.FORMERR || rcode == Rcode.NOTIMP) {
          assertTrue(r.length <= wire.length, "response " + r.length + " > query " + wire.length);
        }
      }
    }
    byte[] capped = PacketProcessor.capped(new byte[40], 20);
    assertEquals(40, capped.length, "NOERROR is not capped");
    byte[] refused = new byte[40];
    refused[3] = Rcode.REFUSED;
    refused[5] = 1;
    byte[] bare = PacketProcessor.capped(refused, 20);
    assertEquals(12, bare.length);
    assertEquals(0, bare[5], "no records announced");
  }

  @Test
  void otherOpcodesGetNotimp() throws Exception {
    Message q = query("example.org.", Type.SOA, 0);
    q.getHeader().setOpcode(Opcode.STATUS);
    Message r = one(q.toWire(), false);
    assertEquals(Rcode.NOTIMP, r.getRcode());
    assertEquals(Opcode.STATUS, r.getHeader().getOpcode());
  }

  @Test
  void ednsVersionAboveZeroGetsBadvers() throws Exception {
    Message q = query("example.org.", Type.SOA, 0);
    q.addRecord(new OPTRecord(1232, 0, 1, 0), Section.ADDITIONAL);
    Message r = one(q.toWire(), false);
    assertEquals(Rcode.BADVERS, r.getRcode());
    assertEquals(0, r.getOPT().getVersion());
    assertTrue(r.getSection(Section.ANSWER).isEmpty());
  }

  @Test
  void optIsAnsweredWithOurPayloadAndTheDoBitCopied() throws Exception {
    Message q = query("www.example.org.", Type.A, 0);
    q.addRecord(new OPTRecord(4096, 0, 0, ExtendedFlags.DO), Section.ADDITIONAL);
    Message r = one(q.toWire(), false);
    assertEquals(1232, r.getOPT().getPayloadSize());
    assertEquals(ExtendedFlags.DO, r.getOPT().getFlags() & ExtendedFlags.DO);
    assertNull(
        one(query("www.example.org.", Type.A, 0).toWire(), false).getOPT(), "no EDNS, no OPT");
  }

  @Test
  void unknownEdnsOptionsAreIgnored() throws Exception {
    Message q = query("www.example.org.", Type.A, 0);
    EDNSOption odd = new GenericEDNSOption(65001, new byte[] {1, 2, 3});
    q.addRecord(new OPTRecord(1232, 0, 0, 0, odd), Section.ADDITIONAL);
    Message r = one(q.toWire(), false);
    assertEquals(Rcode.NOERROR, r.getRcode());
    assertEquals(2, r.getSection(Section.ANSWER).size());
    assertTrue(r.getOPT().getOptions().isEmpty());
  }

  @Test
  void headerEchoesIdRdAndQuestionCaseWithRaClear() throws Exception {
    Message q = query("WWW.Example.ORG.", Type.A, 0);
    Message r = one(q.toWire(), false);
    assertEquals(q.getHeader().getID(), r.getHeader().getID());
    assertTrue(r.getHeader().getFlag(Flags.RD));
    assertFalse(r.getHeader().getFlag(Flags.RA));
    assertTrue(r.getHeader().getFlag(Flags.AA));
    assertEquals("WWW.Example.ORG.", r.getQuestion().getName().toString());
  }

  @Test
  void largeAnswerIsTruncatedOverPlainUdpAndWholeWithEdns() throws Exception {
    Message plain = one(query("big.example.org.", Type.A, 0).toWire(), false);
    assertTrue(plain.getHeader().getFlag(Flags.TC));
    assertTrue(plain.getSection(Section.ANSWER).isEmpty());
    Message edns = one(query("big.example.org.", Type.A, 1232).toWire(), false);
    assertFalse(edns.getHeader().getFlag(Flags.TC));
    assertEquals(40, edns.getSection(Section.ANSWER).size());
    Message tcp = one(query("big.example.org.", Type.A, 0).toWire(), true);
    assertFalse(tcp.getHeader().getFlag(Flags.TC));
    assertEquals(40, tcp.getSection(Section.ANSWER).size());
  }

  /** Property: a UDP answer fits the advertised size, and TC is set iff answer data was cut. */
  @Test
  void udpAnswersFitAndTcMeansSomethingWasCut() throws Exception {
    String[] names = {
      "big.example.org.", "www.example.org.", "example.org.", "host.child.example.org.",
      "_ldap._tcp.example.org.", "c1.example.org.", "nx.example.org.", "foo.wild.example.org."
    };
    int[] types = {Type.A, Type.AAAA, Type.MX, Type.NS, Type.SRV, Type.TXT, Type.ANY, Type.SOA};
    long seed = System.nanoTime();
    SplittableRandom rnd = new SplittableRandom(seed);
    for (int i = 0; i < 500; i++) {
      String name = names[rnd.nextInt(names.length)];
      int type = types[rnd.nextInt(types.length)];
      int payload = rnd.nextBoolean() ? 0 : 512 + rnd.nextInt(800);
      byte[] wire = send(processor, query(name, type, payload).toWire(), false).get(0);
      String where = "seed " + seed + ": " + name + " " + Type.string(type) + " payload " + payload;
      int limit = payload == 0 ? 512 : Math.min(payload, 1232);
      assertTrue(wire.length <= limit, where + " size " + wire.length);
      Message udp = new Message(wire);
      Message tcp = one(query(name, type, 0).toWire(), true);
      boolean cut = udp.getSection(Section.ANSWER).size() < tcp.getSection(Section.ANSWER).size();
      assertEquals(cut, udp.getHeader().getFlag(Flags.TC), where);
      if (!cut) { // the same records; their order may differ, since address RRsets rotate
        assertEquals(
            new java.util.HashSet<>(tcp.getSection(Section.ANSWER)),
            new java.util.HashSet<>(udp.getSection(Section.ANSWER)),
            where);
      }
    }
  }

  @Test
  void axfrOverUdpIsNotimpAndIxfrOverUdpIsTheSoa() throws Exception {
    assertEquals(Rcode.NOTIMP, one(query("example.org.", Type.AXFR, 0).toWire(), false).getRcode());
    assertEquals(
        Rcode.NOTIMP,
        one(query("not.ours.example.", Type.AXFR, 0).toWire(), false).getRcode(),
        "before the zone is looked up, as NSD and Knot");
    assertEquals(
        Rcode.FORMERR,
        one(query("example.org.", Type.IXFR, 0).toWire(), false).getRcode(),
        "RFC 1995: IXFR carries the client's SOA, as NSD and Knot require");
    byte[] withSoa = ixfr("example.org.", 1);
    List<byte[]> stranger = new ArrayList<>();
    processor.handle(
        withSoa,
        withSoa.length,
        InetAddress.getByName("192.0.2.1"), // an address object only: nothing is sent to it
        false,
        stranger::add);
    assertEquals(Rcode.REFUSED, new Message(stranger.get(0)).getRcode(), "not on transfer.allow");
    Message ixfr = one(withSoa, false);
    assertEquals(Type.SOA, ixfr.getSection(Section.ANSWER).get(0).getType());
  }

  /** An IXFR query for {@code zone} from a client at {@code serial}. */
  private static byte[] ixfr(String zone, long serial) throws Exception {
    Message q = query(zone, Type.IXFR, 0);
    Name n = Name.fromString(zone);
    q.addRecord(
        Record.fromString(n, Type.SOA, DClass.IN, 0, "a. b. " + serial + " 1 1 1 1", Name.root),
        Section.AUTHORITY);
    return q.toWire();
  }

  @Test
  void axfrOverTcpStartsAndEndsWithSoaAndCarriesEveryRecord() throws Exception {
    List<byte[]> out = send(processor, query("example.org.", Type.AXFR, 0).toWire(), true);
    List<Record> all = new ArrayList<>();
    for (byte[] w : out) {
      Message m = new Message(w);
      assertEquals(Rcode.NOERROR, m.getRcode());
      assertTrue(m.getHeader().getFlag(Flags.AA));
      all.addAll(m.getSection(Section.ANSWER));
    }
    assertEquals(Type.SOA, all.get(0).getType());
    assertEquals(Type.SOA, all.get(all.size() - 1).getType());
    assertEquals(recordCount, all.size() - 1, "every record once, SOA twice");
    assertEquals(74, recordCount);
  }

  @Test
  void ixfrFromAnUpToDateClientIsOneSoa() throws Exception {
    Message q = query("example.org.", Type.IXFR, 0);
    Name apex = Name.fromString("example.org.");
    q.addRecord(
        new SOARecord(apex, DClass.IN, 0, apex, apex, 2026112401L, 0, 0, 0, 0), Section.AUTHORITY);
    List<byte[]> out = send(processor, q.toWire(), true);
    assertEquals(1, out.size());
    assertEquals(1, new Message(out.get(0)).getSection(Section.ANSWER).size());
  }

  @Test
  void exceptionInTheEngineIsServfailAndCounted() throws Exception {
    QueryHandler broken =
        new QueryHandler() {
          @Override
          public int answer(Message query, Message response, ClientInfo client) {
            throw new IllegalStateException("boom");
          }

          @Override
          public Transfer transfer(Message query, byte[] wire, InetAddress client) {
            throw new IllegalStateException("boom");
          }

          @Override
          public void update(Message query, byte[] wire, Message response) {
            throw new IllegalStateException("boom");
          }
        };
    ServerStats s = new ServerStats();
    PacketProcessor p = new PacketProcessor(broken, 1232, s, Metrics.enabled().queries());
    List<byte[]> out = send(p, query("www.example.org.", Type.A, 0).toWire(), false);
    assertEquals(Rcode.SERVFAIL, new Message(out.get(0)).getRcode());
    assertEquals(1, s.servfail());
    assertNotNull(PacketProcessor.headerOnlyError(new byte[12], Rcode.FORMERR));
  }
}
