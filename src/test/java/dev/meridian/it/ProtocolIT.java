package dev.meridian.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * DNAME, referrals with many glue records, DS at a cut whose child is served here, and the CD bit,
 * over real sockets; each expectation is what NSD 4.6 answers for the same zones (and Knot 3.2,
 * where the two agree), see scripts/compare-refs.sh.
 */
class ProtocolIT {
  private static final String NET = "src/test/resources/protocol/example.net.zone";
  private static final String CHILD = "src/test/resources/protocol/child.example.net.zone";
  private static final String COM = "zones/example.com.zone";
  private static TestServer server;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start("", NET, CHILD, COM);
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  /** Each record as "owner TTL TYPE rdata", in section order. */
  static String section(Message m, int section) {
    List<String> out = new ArrayList<>();
    for (Record r : m.getSection(section)) {
      out.add(
          r.getName()
              + " "
              + r.getTTL()
              + " "
              + Type.string(r.getType())
              + " "
              + r.rdataToString());
    }
    return String.join(" | ", out);
  }

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @CsvSource(
      delimiter = ';',
      textBlock =
          """
          x.old.example.net.        ; A     ; NXDOMAIN ; old.example.net. 300 DNAME new.example.net. | x.old.example.net. 300 CNAME x.new.example.net.
          host.old.example.net.     ; A     ; NOERROR  ; old.example.net. 300 DNAME new.example.net. | host.old.example.net. 300 CNAME host.new.example.net. | host.new.example.net. 300 A 192.0.2.21
          hidden.old.example.net.   ; A     ; NXDOMAIN ; old.example.net. 300 DNAME new.example.net. | hidden.old.example.net. 300 CNAME hidden.new.example.net.
          old.example.net.          ; DNAME ; NOERROR  ; old.example.net. 300 DNAME new.example.net.
          old.example.net.          ; TXT   ; NOERROR  ; old.example.net. 300 TXT "the DNAME owner keeps its own data"
          old.example.net.          ; A     ; NOERROR  ;
          host.hop.example.net.     ; A     ; NOERROR  ; hop.example.net. 300 DNAME old.example.net. | host.hop.example.net. 300 CNAME host.old.example.net. | old.example.net. 300 DNAME new.example.net. | host.old.example.net. 300 CNAME host.new.example.net. | host.new.example.net. 300 A 192.0.2.21
          c-dname.example.net.      ; A     ; NOERROR  ; c-dname.example.net. 300 CNAME host.old.example.net. | old.example.net. 300 DNAME new.example.net. | host.old.example.net. 300 CNAME host.new.example.net. | host.new.example.net. 300 A 192.0.2.21
          www.tochild.example.net.  ; A     ; NOERROR  ; tochild.example.net. 300 DNAME child.example.net. | www.tochild.example.net. 300 CNAME www.child.example.net. | www.child.example.net. 300 A 192.0.2.41
          www.away.example.net.     ; A     ; NOERROR  ; away.example.net. 300 DNAME example.com. | www.away.example.net. 300 CNAME www.example.com. | www.example.com. 60 A 192.0.2.20
          child.example.net.        ; DS    ; NOERROR  ; child.example.net. 300 DS 12345 13 2 0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF
          child.example.net.        ; SOA   ; NOERROR  ; child.example.net. 3600 SOA ns.child.example.net. hostmaster.child.example.net. 2026112501 7200 3600 1209600 60
          status.example.com.       ; A     ; NXDOMAIN ; status.example.com. 3600 CNAME status.example.net.
          """)
  void answersAsNsd(String qname, String qtype, String rcode, String answer) throws Exception {
    for (boolean tcp : new boolean[] {false, true}) {
      Message m = server.query(qname, Type.value(qtype), tcp);
      assertEquals(rcode, Rcode.string(m.getRcode()), "rcode");
      assertTrue(m.getHeader().getFlag(Flags.AA), "AA");
      assertEquals(answer == null ? "" : answer, section(m, Section.ANSWER), "answer");
    }
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aSubstitutedNameOver255OctetsIsYxdomain(boolean tcp) throws Exception {
    String label = "d".repeat(63);
    String qname = label + "." + label + "." + label + ".long.example.net.";
    Message m = server.query(qname, Type.A, tcp);
    assertEquals(Rcode.YXDOMAIN, m.getRcode());
    assertEquals(1, m.getSection(Section.ANSWER).size(), "the DNAME alone");
    assertEquals(Type.DNAME, m.getSection(Section.ANSWER).get(0).getType());
  }

  @ParameterizedTest(name = "payload {0}")
  @ValueSource(ints = {0, 512, 700})
  void referralThatCannotCarryAllInDomainGlueIsTruncated(int payload) throws Exception {
    Message m = send("x.big.example.net.", Type.A, payload, false);
    assertTrue(m.getHeader().getFlag(Flags.TC), "RFC 9471: in-domain glue left out");
    assertFalse(m.getHeader().getFlag(Flags.AA));
    assertEquals(13, m.getSection(Section.AUTHORITY).size(), "the whole NS RRset");
    List<Record> glue = new ArrayList<>(m.getSection(Section.ADDITIONAL));
    glue.removeIf(r -> r.getType() == Type.OPT);
    assertTrue(glue.size() >= 8, "what fits is kept: " + glue.size());
    for (int i = 0; i < glue.size(); i++) {
      assertEquals("ns" + (i / 2 + 1) + ".big.example.net.", glue.get(i).getName().toString());
      assertEquals(i % 2 == 0 ? Type.A : Type.AAAA, glue.get(i).getType(), "A, then AAAA");
    }
  }

  @ParameterizedTest(name = "tcp {0}")
  @ValueSource(booleans = {false, true})
  void referralWithRoomCarriesEveryGlueRecord(boolean tcp) throws Exception {
    Message m = send("x.big.example.net.", Type.A, tcp ? 0 : 1232, tcp);
    assertFalse(m.getHeader().getFlag(Flags.TC));
    long glue =
        m.getSection(Section.ADDITIONAL).stream().filter(r -> r.getType() != Type.OPT).count();
    assertEquals(26, glue, "13 A and 13 AAAA");
  }

  @ParameterizedTest(name = "tcp {0}")
  @ValueSource(booleans = {false, true})
  void checkingDisabledIsNotEchoed(boolean tcp) throws Exception {
    Message q =
        Message.newQuery(Record.newRecord(Name.fromString("www.example.net."), Type.A, DClass.IN));
    q.getHeader().setFlag(Flags.CD);
    Message m = server.resolver(tcp).send(q);
    assertEquals(Rcode.NOERROR, m.getRcode());
    assertFalse(m.getHeader().getFlag(Flags.CD));
  }

  private static Message send(String name, int type, int payload, boolean tcp) throws Exception {
    SimpleResolver r = server.resolver(tcp);
    r.setIgnoreTruncation(true);
    if (payload > 0) {
      r.setEDNS(0, payload, 0, List.of());
    } else {
      r.setEDNS(-1);
    }
    return r.send(Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN)));
  }

  /**
   * RFC 1995 section 3: an IXFR query carries the client's SOA in its authority section; without it
   * NSD and Knot answer FORMERR, over UDP and TCP. An IXFR for a zone we do not serve is NOTAUTH
   * (not REFUSED), as both answer.
   */
  @ParameterizedTest(name = "tcp={0}")
  @ValueSource(booleans = {false, true})
  void ixfrWithoutSoaIsFormerrAndOutsideOurZonesNotauth(boolean tcp) throws Exception {
    SimpleResolver r = server.resolver(tcp);
    Message bare =
        Message.newQuery(Record.newRecord(Name.fromString("example.net."), Type.IXFR, DClass.IN));
    assertEquals(Rcode.FORMERR, r.send(bare).getRcode());
    if (!tcp) {
      Name outside = Name.fromString("nosuch.invalid.");
      Message q = Message.newQuery(Record.newRecord(outside, Type.IXFR, DClass.IN));
      q.addRecord(
          Record.fromString(outside, Type.SOA, DClass.IN, 0, "a. b. 1 1 1 1 1", Name.root),
          Section.AUTHORITY);
      assertEquals(Rcode.NOTAUTH, r.send(q).getRcode());
    }
  }
}
