package dev.meridian.zone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** Lookup semantics on a small tricky zone (src/test/resources/zones/example.org.zone). */
class ZoneLookupTest {
  private static final LookupOptions MINIMAL = new LookupOptions(true, true);
  private static Zone zone;

  @BeforeAll
  static void load() throws Exception {
    zone = ZoneFileLoader.load(Path.of("src/test/resources/zones/example.org.zone")).zone();
  }

  static Message ask(String qname, int qtype, LookupOptions options) throws Exception {
    Message out = new Message();
    ZoneLookup.answer(zone, Name.fromString(qname), qtype, options, out);
    return out;
  }

  /** Each record as "owner TYPE rdata", in section order. */
  static String section(Message m, int section) {
    List<String> out = new ArrayList<>();
    for (Record r : m.getSection(section)) {
      out.add(r.getName() + " " + Type.string(r.getType()) + " " + r.rdataToString());
    }
    return String.join(" | ", out);
  }

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @CsvSource(
      delimiter = ';',
      textBlock =
          """
          www.example.org.          ; A     ; NOERROR ; true ; www.example.org. A 192.0.2.10 | www.example.org. A 192.0.2.11 ;
          www.example.org.          ; AAAA  ; NOERROR ; true ; ; SOA
          nx.example.org.           ; A     ; NOERROR ; true ; ; SOA
          nx.example.org.           ; TXT   ; NOERROR ; true ; nx.example.org. TXT "apex wildcard" ;
          a.b.c.example.org.        ; TXT   ; NOERROR ; true ; a.b.c.example.org. TXT "apex wildcard" ;
          foo.wild.example.org.     ; A     ; NOERROR ; true ; foo.wild.example.org. A 192.0.2.100 ;
          foo.bar.wild.example.org. ; AAAA  ; NOERROR ; true ; foo.bar.wild.example.org. AAAA 2001:db8:0:0:0:0:0:100 ;
          foo.wild.example.org.     ; TXT   ; NOERROR ; true ; ; SOA
          wild.example.org.         ; A     ; NOERROR ; true ; ; SOA
          b.wild.example.org.       ; A     ; NOERROR ; true ; ; SOA
          x.b.wild.example.org.     ; A     ; NXDOMAIN; true ; ; SOA
          q.z.example.org.          ; A     ; NXDOMAIN; true ; ; SOA
          x.y.z.example.org.        ; A     ; NOERROR ; true ; ; SOA
          c1.example.org.           ; A     ; NOERROR ; true ; c1.example.org. CNAME c2.example.org. | c2.example.org. CNAME www.example.org. | www.example.org. A 192.0.2.10 | www.example.org. A 192.0.2.11 ;
          c1.example.org.           ; CNAME ; NOERROR ; true ; c1.example.org. CNAME c2.example.org. ;
          c-wild.example.org.       ; A     ; NOERROR ; true ; c-wild.example.org. CNAME foo.wild.example.org. | foo.wild.example.org. A 192.0.2.100 ;
          c-nx.example.org.         ; A     ; NXDOMAIN; true ; c-nx.example.org. CNAME nothere.z.example.org. ; SOA
          c-out.example.org.        ; A     ; NOERROR ; true ; c-out.example.org. CNAME www.example.net. ;
          loop1.example.org.        ; A     ; NOERROR ; true ; loop1.example.org. CNAME loop2.example.org. | loop2.example.org. CNAME loop1.example.org. ;
          foo.cw.example.org.       ; A     ; NOERROR ; true ; foo.cw.example.org. CNAME www.example.org. | www.example.org. A 192.0.2.10 | www.example.org. A 192.0.2.11 ;
          c-deleg.example.org.      ; A     ; NOERROR ; true ; c-deleg.example.org. CNAME host.child.example.org. ; NS NS
          child.example.org.        ; NS    ; NOERROR ; false; ; NS NS
          host.child.example.org.   ; A     ; NOERROR ; false; ; NS NS
          ns1.child.example.org.    ; A     ; NOERROR ; false; ; NS NS
          child.example.org.        ; DS    ; NOERROR ; true ; child.example.org. DS 12345 13 2 0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF ;
          x.noglue.example.org.     ; A     ; NOERROR ; false; ; NS NS
          WwW.ExAmPlE.OrG.          ; A     ; NOERROR ; true ; www.example.org. A 192.0.2.10 | www.example.org. A 192.0.2.11 ;
          """)
  void answersLikeRfc1034(
      String qname, String qtype, String rcode, boolean aa, String answer, String authority)
      throws Exception {
    Message m = ask(qname, Type.value(qtype), MINIMAL);
    assertEquals(rcode, Rcode.string(m.getRcode()), "rcode");
    assertEquals(aa, m.getHeader().getFlag(Flags.AA), "AA");
    assertEquals(answer == null ? "" : answer, section(m, Section.ANSWER), "answer");
    List<String> auth = new ArrayList<>();
    for (Record r : m.getSection(Section.AUTHORITY)) {
      auth.add(Type.string(r.getType()));
    }
    assertEquals(authority == null ? "" : authority, String.join(" ", auth), "authority types");
  }

  @Test
  void negativeAnswersCarrySoaWithMinimumTtl() throws Exception {
    Message m = ask("nothing.z.example.org.", Type.A, MINIMAL);
    Record soa = m.getSection(Section.AUTHORITY).get(0);
    assertEquals(Type.SOA, soa.getType());
    assertEquals(60, soa.getTTL(), "min(SOA TTL 3600, MINIMUM 60)");
  }

  @Test
  void referralCarriesInBailiwickGlueOnly() throws Exception {
    Message m = ask("host.child.example.org.", Type.A, MINIMAL);
    assertEquals(
        "ns1.child.example.org. A 192.0.2.201 | ns2.child.example.org. AAAA 2001:db8:0:0:0:0:0:201",
        section(m, Section.ADDITIONAL));
    Message noGlue = ask("x.noglue.example.org.", Type.A, MINIMAL);
    assertEquals("", section(noGlue, Section.ADDITIONAL));
  }

  @Test
  void additionalSectionHasTargetAddresses() throws Exception {
    Message mx = ask("example.org.", Type.MX, MINIMAL);
    assertEquals("mail.example.org. A 192.0.2.25", section(mx, Section.ADDITIONAL));
    Message srv = ask("_ldap._tcp.example.org.", Type.SRV, MINIMAL);
    assertEquals(
        "www.example.org. A 192.0.2.10 | www.example.org. A 192.0.2.11",
        section(srv, Section.ADDITIONAL));
  }

  @Test
  void wildcardSynthesisUsesQueryNameAsOwner() throws Exception {
    Message m = ask("ABC.wild.example.org.", Type.MX, MINIMAL);
    assertEquals("ABC.wild.example.org. MX 10 mail.example.org.", section(m, Section.ANSWER));
    assertEquals("mail.example.org. A 192.0.2.25", section(m, Section.ADDITIONAL));
  }

  @Test
  void largeRrsetIsAnsweredWhole() throws Exception {
    Message m = ask("big.example.org.", Type.A, MINIMAL);
    assertEquals(40, m.getSection(Section.ANSWER).size());
  }

  @Test
  void defaultOptionsAddApexNsToPositiveAnswersOnly() throws Exception {
    Message positive = ask("www.example.org.", Type.A, LookupOptions.NSD_LIKE);
    assertEquals(
        "example.org. NS ns1.example.org. | example.org. NS ns2.example.net.",
        section(positive, Section.AUTHORITY));
    assertEquals(
        "ns1.example.org. A 192.0.2.1 | ns1.example.org. AAAA 2001:db8:0:0:0:0:0:1",
        section(positive, Section.ADDITIONAL));
    Message nodata = ask("www.example.org.", Type.AAAA, LookupOptions.NSD_LIKE);
    assertEquals("SOA", Type.string(nodata.getSection(Section.AUTHORITY).get(0).getType()));
    assertEquals(1, nodata.getSection(Section.AUTHORITY).size());
    Message apexNs = ask("example.org.", Type.NS, LookupOptions.NSD_LIKE);
    assertTrue(apexNs.getSection(Section.AUTHORITY).isEmpty(), "NS not repeated");
    Message any = ask("example.org.", Type.ANY, LookupOptions.NSD_LIKE);
    assertTrue(any.getSection(Section.AUTHORITY).isEmpty(), "not for ANY");
  }

  @Test
  void anyIsMinimalOrFull() throws Exception {
    Message minimal = ask("example.org.", Type.ANY, MINIMAL);
    assertEquals(1, minimal.getSection(Section.ANSWER).size());
    assertEquals(Type.SOA, minimal.getSection(Section.ANSWER).get(0).getType(), "preferred type");
    Message full = ask("example.org.", Type.ANY, new LookupOptions(false, true));
    assertEquals(5, full.getSection(Section.ANSWER).size(), "SOA, 2 NS, 2 MX");
    Message ent = ask("b.wild.example.org.", Type.ANY, MINIMAL);
    assertTrue(ent.getSection(Section.ANSWER).isEmpty(), "empty non-terminal: NODATA");
    Message wild = ask("q.wild.example.org.", Type.ANY, new LookupOptions(false, true));
    assertEquals(3, wild.getSection(Section.ANSWER).size(), "A, MX, AAAA synthesized");
    assertFalse(section(wild, Section.ANSWER).contains("*"));
  }
}
