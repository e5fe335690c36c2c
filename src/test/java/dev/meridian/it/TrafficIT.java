package dev.meridian.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ClientSubnetOption;
import org.xbill.DNS.DClass;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.GenericEDNSOption;
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

  /**
   * Each UDP worker keeps its own turn (no counter shared between threads), so a client on one
   * socket, which the kernel always hands to the same worker, sees the set start one further along
   * at each answer.
   */
  @Test
  void zoneRoundRobinRotatesByOne() throws Exception {
    List<String> firsts = new ArrayList<>();
    try (java.net.DatagramSocket socket = new java.net.DatagramSocket()) {
      socket.setSoTimeout(3000);
      for (int i = 0; i < 6; i++) {
        byte[] q =
            Message.newQuery(
                    Record.newRecord(Name.fromString("rr.example.com."), Type.A, DClass.IN))
                .toWire();
        socket.send(
            new java.net.DatagramPacket(
                q, q.length, InetAddress.getLoopbackAddress(), server.port()));
        java.net.DatagramPacket in = new java.net.DatagramPacket(new byte[512], 512);
        socket.receive(in);
        Message r = new Message(java.util.Arrays.copyOf(in.getData(), in.getLength()));
        firsts.add(r.getSection(Section.ANSWER).get(0).rdataToString());
      }
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
    assertEquals(0, ecs(aaaa).getScopePrefixLength(), "NODATA for every client: scope 0");
    Message mx = ask("www.example.com.", Type.MX, "81.2.69.0/24");
    assertTrue(mx.getSection(Section.ANSWER).isEmpty(), "no MX at a geo name: NODATA");
    assertEquals(0, ecs(mx).getScopePrefixLength(), "other types do not depend on location");
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

  /** Sends {@code name A} with ECS option data {@code hex} as raw bytes; returns the raw reply. */
  static byte[] askRaw(String name, String hex) throws Exception {
    Message q = Message.newQuery(Record.newRecord(Name.fromString(name), Type.A, DClass.IN));
    byte[] data = HexFormat.of().parseHex(hex.replace(" ", ""));
    q.addRecord(
        new OPTRecord(1232, 0, 0, 0, List.of(new GenericEDNSOption(8, data))), Section.ADDITIONAL);
    byte[] wire = q.toWire();
    try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      socket.setSoTimeout(3000);
      socket.send(
          new DatagramPacket(wire, wire.length, InetAddress.getLoopbackAddress(), server.port()));
      byte[] buf = new byte[4096];
      DatagramPacket p = new DatagramPacket(buf, buf.length);
      socket.receive(p);
      return Arrays.copyOf(buf, p.getLength());
    }
  }

  /** The ECS option data at the end of a reply whose OPT carries only it ({@code n} bytes). */
  static byte[] ecsTail(byte[] reply, int n) {
    assertEquals(
        8, (reply[reply.length - n - 4] & 0xFF) << 8 | (reply[reply.length - n - 3] & 0xFF));
    return Arrays.copyOfRange(reply, reply.length - n, reply.length);
  }

  /** The reply parsed by dnsjava once its ECS option is renamed (dnsjava rejects ::ffff: ones). */
  static Message parseHidingEcs(byte[] reply, int n) throws Exception {
    byte[] copy = reply.clone();
    copy[copy.length - n - 4] = (byte) 0xfd;
    copy[copy.length - n - 3] = (byte) 0xe9;
    return new Message(copy);
  }

  @Test
  void ipv4InIpv6SubnetsAreAnsweredByTheirIpv4Address() throws Exception {
    int v4 = ecs(ask("www.example.com.", Type.A, "81.2.69.160/32")).getScopePrefixLength();
    String[][] cases = {
      {"0002 7b 00 00000000000000000000ffff510245a0", "96", "IPv4-mapped ::ffff:81.2.69.160/123"},
      {"0002 80 00 00000000000000000000ffff510245a0", "96", "IPv4-mapped /128"},
      {"0002 78 00 000000000000000000000000510245", "96", "IPv4-compatible ::81.2.69.0/120"},
      {"0002 30 00 2002510245a0", "16", "6to4 2002:5102:45a0::/48"},
    };
    for (String[] c : cases) {
      int n = c[0].replace(" ", "").length() / 2;
      byte[] reply = askRaw("www.example.com.", c[0]);
      Message m = parseHidingEcs(reply, n);
      assertEquals(Rcode.NOERROR, m.getRcode(), c[2]);
      assertEquals(Set.of("198.51.100.20", "198.51.100.21"), answers(m), c[2] + ": Europe");
      byte[] echo = ecsTail(reply, n);
      byte[] sent = HexFormat.of().parseHex(c[0].replace(" ", ""));
      assertEquals(2, echo[1], c[2] + ": family as sent");
      assertEquals(sent[2], echo[2], c[2] + ": source prefix as sent");
      assertEquals(Integer.parseInt(c[1]) + v4, echo[3] & 0xFF, c[2] + ": scope in its family");
      assertTrue(
          Arrays.equals(sent, 4, sent.length, echo, 4, echo.length), c[2] + ": address as sent");
    }
  }

  @Test
  void malformedSubnetOptionsGetFormerr() throws Exception {
    String[][] cases = {
      {"0003 18 00 510245", "unknown family"},
      {"0001 21 00 510245a000", "IPv4 source prefix 33"},
      {"0002 81 00 00000000000000000000ffff510245a000", "IPv6 source prefix 129"},
      {"0001 18 10 510245", "scope not 0 in a query"},
      {"0001 18 00 51024500", "address longer than the prefix needs"},
      {"0001 17 00 510245", "a bit set past the source prefix"},
    };
    for (String[] c : cases) {
      byte[] reply = askRaw("www.example.com.", c[0]);
      assertEquals(Rcode.FORMERR, reply[3] & 0xF, c[1]);
      Message m = new Message(reply);
      assertEquals(1, m.getHeader().getCount(Section.QUESTION), c[1] + ": question echoed");
      assertTrue(m.getSection(Section.ANSWER).isEmpty(), c[1]);
    }
  }

  @Test
  void unknownSpaceAndAlikeNeighboursGetAWideScope() throws Exception {
    // what gdnsd 3.8 answers on this database with these rules; the database networks are
    // 10.0.0.0/8 and 192.0.2.0/24 (scripts/compare-gdnsd-ecs.sh compares many more)
    Message ten = ask("www.example.com.", Type.A, "10.1.2.0/24");
    assertEquals(Set.of("192.0.2.20", "192.0.2.21"), answers(ten), "unknown: the default order");
    assertTrue(ecs(ten).getScopePrefixLength() < 8, "wider than 10.0.0.0/8: " + ecs(ten));
    Message doc = ask("www.example.com.", Type.A, "192.0.2.0/24");
    assertTrue(ecs(doc).getScopePrefixLength() < 24, "wider than 192.0.2.0/24: " + ecs(doc));
  }
}
