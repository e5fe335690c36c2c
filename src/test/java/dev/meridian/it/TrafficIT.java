package dev.meridian.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ClientSubnetOption;
import org.xbill.DNS.DClass;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** The shipped example configuration, zone and geo database, over real sockets. */
class TrafficIT {
  private static TestServer server;

  @BeforeAll
  static void start() throws Exception {
    String yaml =
        Files.readString(Path.of("meridian.yaml"))
            .replace("listen:\n  - 127.0.0.1:1053\n", "")
            .replace(
                "geo-data/meridian-country.mmdb",
                Path.of("geo-data/meridian-country.mmdb").toAbsolutePath().toString());
    server = TestServer.start(yaml, "zones/example.com.zone");
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  static Message ask(String name, int type, String subnet) throws Exception {
    Message q = Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN));
    List<EDNSOption> options = new ArrayList<>();
    if (subnet != null) {
      String[] p = subnet.split("/", -1);
      options.add(new ClientSubnetOption(Integer.parseInt(p[1]), InetAddress.getByName(p[0])));
    }
    q.addRecord(new OPTRecord(1232, 0, 0, 0, options), Section.ADDITIONAL);
    return new Message(server.resolver(false).send(q).toWire());
  }

  static Set<String> answers(Message m) {
    Set<String> out = new HashSet<>();
    for (Record r : m.getSection(Section.ANSWER)) {
      out.add(r.rdataToString());
    }
    return out;
  }

  static ClientSubnetOption ecs(Message m) {
    OPTRecord opt = m.getOPT();
    List<EDNSOption> o = opt == null ? List.of() : opt.getOptions(EDNSOption.Code.CLIENT_SUBNET);
    return o.isEmpty() ? null : (ClientSubnetOption) o.get(0);
  }

  @Test
  void geoSendsEachContinentToItsRegionWithTheMergedRangeAsScope() throws Exception {
    Message eu = ask("www.example.com.", Type.A, "81.2.69.0/24");
    assertEquals(Set.of("198.51.100.20", "198.51.100.21"), answers(eu), "Europe: eu-west L7");
    ClientSubnetOption s = ecs(eu);
    assertEquals(24, s.getSourcePrefixLength(), "source echoed");
    assertEquals(InetAddress.getByName("81.2.69.0"), s.getAddress(), "address echoed");
    assertEquals(
        17,
        s.getScopePrefixLength(),
        "scope: 81.2.0.0/17, the database network 81.2.64.0/18 merged with its European neighbours");
    assertEquals(
        Set.of("192.0.2.20", "192.0.2.21"),
        answers(ask("www.example.com.", Type.A, "24.48.0.0/24")));
    Message asia = ask("www.example.com.", Type.A, "49.36.0.0/24");
    assertEquals(Set.of("203.0.113.20", "203.0.113.21"), answers(asia));
    assertEquals(12, ecs(asia).getScopePrefixLength(), "wider than the source: the /12 is all IN");
    Message v6 = ask("www.example.com.", Type.AAAA, "81.2.69.0/24");
    assertEquals(Set.of("2001:db8:2:0:0:0:0:20"), answers(v6));
    Message wide = ask("www.example.com.", Type.A, "81.2.0.0/16");
    assertTrue(
        ecs(wide).getScopePrefixLength() > 16,
        "longer than the source when the /16 holds networks that may answer differently");
  }

  @Test
  void nearestUsesDistanceAndIpv6SubnetsWork() throws Exception {
    assertEquals(
        Set.of("203.0.113.10", "203.0.113.11"),
        answers(ask("game.example.com.", Type.A, "1.0.16.0/24")));
    assertEquals(
        Set.of("198.51.100.10", "198.51.100.11"),
        answers(ask("game.example.com.", Type.A, "81.2.69.0/24")));
    Message v6 = ask("game.example.com.", Type.A, "2a00:1450:4001::/48");
    assertEquals(Set.of("198.51.100.10", "198.51.100.11"), answers(v6), "a German IPv6 network");
    assertTrue(ecs(v6).getScopePrefixLength() > 0);
  }

  @Test
  void answersThatAreTheSameForEveryoneHaveScopeZero() throws Exception {
    Message rr = ask("rr.example.com.", Type.A, "81.2.69.0/24");
    assertEquals(0, ecs(rr).getScopePrefixLength());
    Message w = ask("weighted.example.com.", Type.A, "81.2.69.0/24");
    assertEquals(0, ecs(w).getScopePrefixLength());
    assertEquals(2, w.getSection(Section.ANSWER).size());
    Message optOut = ask("www.example.com.", Type.A, "0.0.0.0/0");
    assertEquals(
        0, ecs(optOut).getScopePrefixLength(), "source prefix 0: scope 0 (RFC 7871 7.1.2)");
    assertNull(ecs(ask("www.example.com.", Type.A, null)), "no ECS asked, none given");
  }

  @Test
  void zoneRoundRobinRotatesByOne() throws Exception {
    List<String> firsts = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      firsts.add(
          ask("rr.example.com.", Type.A, null).getSection(Section.ANSWER).get(0).rdataToString());
    }
    assertEquals(3, new HashSet<>(firsts).size(), firsts.toString());
    for (int i = 0; i < 3; i++) {
      assertEquals(firsts.get(i), firsts.get(i + 3), "period 3: " + firsts);
    }
  }

  @Test
  void stickyKeepsASubnetOnOneEndpointWithTheHashedPrefixAsScope() throws Exception {
    Message a = ask("sticky.example.com.", Type.A, "198.51.100.0/24");
    for (int i = 0; i < 5; i++) {
      assertEquals(answers(a), answers(ask("sticky.example.com.", Type.A, "198.51.100.0/24")));
    }
    assertEquals(1, a.getSection(Section.ANSWER).size(), "max_answers 1");
    assertEquals(24, ecs(a).getScopePrefixLength());
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 40; i++) {
      seen.addAll(answers(ask("sticky.example.com.", Type.A, "10." + i + ".7.0/24")));
    }
    assertTrue(seen.size() >= 3, "subnets spread over endpoints: " + seen);
  }

  @Test
  void failoverAnswersFromTheFirstRegion() throws Exception {
    assertEquals(
        Set.of("192.0.2.10", "192.0.2.11"), answers(ask("failover.example.com.", Type.A, null)));
  }

  @Test
  void cnameToAManagedNameIsAnsweredByThePolicy() throws Exception {
    Message m = ask("api.example.com.", Type.A, "81.2.69.0/24");
    assertEquals(Type.CNAME, m.getSection(Section.ANSWER).get(0).getType());
    assertTrue(answers(m).contains("198.51.100.20"), m.toString());
    assertEquals(17, ecs(m).getScopePrefixLength());
  }

  @Test
  void staticRecordsAreTheFallbackAndWhatTransfersCarry() throws Exception {
    Message aaaa = ask("game.example.com.", Type.AAAA, "81.2.69.0/24");
    assertEquals(Rcode.NOERROR, aaaa.getRcode());
    assertTrue(
        aaaa.getSection(Section.ANSWER).isEmpty(),
        "no IPv6 L4 endpoint and no static AAAA: NODATA");
  }

  @Test
  void chaosTxtAndTheExplainCommandShowTheDecision() throws Exception {
    Message q =
        Message.newQuery(
            Record.newRecord(Name.fromString("www.example.com."), Type.TXT, DClass.CH));
    q.addRecord(
        new OPTRecord(
            1232, 0, 0, 0, List.of(new ClientSubnetOption(24, InetAddress.getByName("81.2.69.0")))),
        Section.ADDITIONAL);
    String txt = server.resolver(false).send(q).sectionToString(Section.ANSWER);
    assertTrue(txt.contains("rule: continent EU -> eu-west, us-east, ap-south"), txt);
    assertTrue(txt.contains("ECS scope: /17"), txt);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
    int code =
        dev.meridian.cli.Main.run(
            new String[] {
              "explain", "www.example.com", "--subnet", "81.2.69.0/24", "--config", "meridian.yaml"
            },
            ps,
            ps);
    String text = out.toString(StandardCharsets.UTF_8);
    assertEquals(0, code, text);
    assertTrue(text.contains("client 81.2.69.0: country GB, continent EU"), text);
    assertTrue(
        text.contains("answer: 198.51.100.20, 198.51.100.21")
            || text.contains("answer: 198.51.100.21, 198.51.100.20"),
        text);
    assertTrue(text.contains("database network 81.2.64.0/18"), text);
    assertTrue(text.contains("scope 81.2.0.0/17: every address in it gets these regions"), text);
    assertTrue(text.contains("ECS scope: /17"), text);
    assertFalse(text.contains("Exception"), text);
  }
}
