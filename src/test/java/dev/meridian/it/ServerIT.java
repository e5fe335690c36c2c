package dev.meridian.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;
import org.xbill.DNS.ZoneTransferException;
import org.xbill.DNS.ZoneTransferIn;

/** The real server over real loopback sockets. */
class ServerIT {
  static final String ORG = "src/test/resources/zones/example.org.zone";
  static final String COM = "zones/example.com.zone";

  @Test
  void answersOverUdpAndTcp() throws Exception {
    try (TestServer s = TestServer.start("", ORG, COM)) {
      for (boolean tcp : new boolean[] {false, true}) {
        Message r = s.query("www.example.org.", Type.A, tcp);
        assertEquals(Rcode.NOERROR, r.getRcode());
        assertTrue(r.getHeader().getFlag(Flags.AA));
        assertFalse(r.getHeader().getFlag(Flags.RA));
        assertEquals(2, r.getSection(Section.ANSWER).size());
        Message com = s.query("docs.example.com.", Type.A, tcp);
        assertEquals(3, com.getSection(Section.ANSWER).size(), "docs -> api -> www A");
        assertEquals(Rcode.REFUSED, s.query("www.example.net.", Type.A, tcp).getRcode());
        assertEquals(Rcode.NXDOMAIN, s.query("q.z.example.org.", Type.A, tcp).getRcode());
      }
    }
  }

  @Test
  void truncatedOverUdpIsWholeOverTcp() throws Exception {
    try (TestServer s = TestServer.start("", ORG)) {
      SimpleResolver udp = s.resolver(false);
      udp.setIgnoreTruncation(true);
      udp.setEDNS(-1); // plain DNS: 512 bytes
      Message q =
          Message.newQuery(
              Record.newRecord(Name.fromString("big.example.org."), Type.A, DClass.IN));
      Message cut = udp.send(q);
      assertTrue(cut.getHeader().getFlag(Flags.TC));
      assertTrue(cut.getSection(Section.ANSWER).isEmpty());
      Message whole = s.resolver(true).send(q);
      assertFalse(whole.getHeader().getFlag(Flags.TC));
      assertEquals(40, whole.getSection(Section.ANSWER).size());
    }
  }

  @Test
  void answersSeveralPipelinedQueriesOnOneTcpConnection() throws Exception {
    try (TestServer s = TestServer.start("", ORG);
        Socket c = new Socket(InetAddress.getLoopbackAddress(), s.port())) {
      c.setSoTimeout(3000);
      DataOutputStream out = new DataOutputStream(c.getOutputStream());
      String[] names = {"www.example.org.", "mail.example.org.", "ns1.example.org."};
      for (int i = 0; i < names.length; i++) {
        Message q =
            Message.newQuery(Record.newRecord(Name.fromString(names[i]), Type.A, DClass.IN));
        q.getHeader().setID(100 + i);
        byte[] w = q.toWire();
        out.writeShort(w.length);
        out.write(w);
      }
      out.flush();
      DataInputStream in = new DataInputStream(c.getInputStream());
      for (int i = 0; i < names.length; i++) {
        byte[] w = new byte[in.readUnsignedShort()];
        in.readFully(w);
        Message r = new Message(w);
        assertEquals(100 + i, r.getHeader().getID());
        assertEquals(names[i], r.getQuestion().getName().toString());
        assertFalse(r.getSection(Section.ANSWER).isEmpty());
      }
    }
  }

  @Test
  void closesIdleTcpConnections() throws Exception {
    try (TestServer s = TestServer.start("tcp: {idle_timeout: 300ms}\n", ORG);
        Socket c = new Socket(InetAddress.getLoopbackAddress(), s.port())) {
      c.setSoTimeout(5000);
      long start = System.nanoTime();
      assertEquals(-1, c.getInputStream().read(), "server closes the idle connection");
      long ms = (System.nanoTime() - start) / 1_000_000;
      assertTrue(ms >= 250 && ms < 4000, "closed after " + ms + " ms");
    }
  }

  @Test
  void makesRoomForNewTcpClientsByClosingTheLongestWaiting() throws Exception {
    try (TestServer s = TestServer.start("tcp: {max_connections: 2, max_per_client: 10}\n", ORG)) {
      InetSocketAddress addr = new InetSocketAddress(InetAddress.getLoopbackAddress(), s.port());
      try (Socket a = new Socket();
          Socket b = new Socket();
          Socket extra = new Socket()) {
        a.connect(addr);
        assertTrue(answers(a), "first connection served");
        b.connect(addr);
        assertTrue(answers(b), "second connection served");
        extra.connect(addr);
        assertTrue(answers(extra), "a third connection is served: RFC 7766 section 10");
        assertEquals(-1, a.getInputStream().read(), "the longest-waiting one was closed for it");
        assertTrue(answers(b), "the other stays open");
      }
      assertEquals(1, s.server().stats().tcpEvicted());
    }
  }

  private static boolean answers(Socket c) throws IOException {
    c.setSoTimeout(3000);
    try {
      Message q =
          Message.newQuery(
              Record.newRecord(Name.fromString("www.example.org."), Type.A, DClass.IN));
      byte[] w = q.toWire();
      DataOutputStream out = new DataOutputStream(c.getOutputStream());
      out.writeShort(w.length);
      out.write(w);
      out.flush();
      DataInputStream in = new DataInputStream(c.getInputStream());
      byte[] r = new byte[in.readUnsignedShort()];
      in.readFully(r);
      return new Message(r).getRcode() == Rcode.NOERROR;
    } catch (IOException e) {
      return false; // closed or reset by the server
    }
  }

  @Test
  void transfersLargeZonesInSeveralMessagesToAllowedClients() throws Exception {
    Path big = Files.createTempDirectory("meridian-axfr").resolve("example.net.zone");
    StringBuilder z = new StringBuilder("$TTL 300\n@ IN SOA ns1 host 7 7200 3600 1209600 60\n");
    z.append("@ IN NS ns1\nns1 IN A 192.0.2.1\n");
    for (int i = 0; i < 3000; i++) {
      z.append("h").append(i).append(" IN A 192.0.2.").append(i % 250 + 1).append('\n');
    }
    Files.writeString(big, z.toString());
    try (TestServer s = TestServer.start("", big.toString())) {
      ZoneTransferIn xfr =
          ZoneTransferIn.newAXFR(
              Name.fromString("example.net."),
              new InetSocketAddress(InetAddress.getLoopbackAddress(), s.port()),
              null);
      xfr.setTimeout(Duration.ofSeconds(10));
      xfr.run();
      List<Record> records = xfr.getAXFR();
      assertEquals(3004, records.size(), "SOA, NS, glue, 3000 hosts and the closing SOA");
    }
    try (TestServer s = TestServer.start("transfer: {allow: [192.0.2.0/24]}\n", ORG)) {
      ZoneTransferIn xfr =
          ZoneTransferIn.newAXFR(
              Name.fromString("example.org."),
              new InetSocketAddress(InetAddress.getLoopbackAddress(), s.port()),
              null);
      xfr.setTimeout(Duration.ofSeconds(5));
      ZoneTransferException e = assertThrows(ZoneTransferException.class, xfr::run);
      assertTrue(e.getMessage().contains("REFUSED"), e.getMessage());
    }
  }

  @Test
  void malformedPacketsNeverStopTheServer() throws Exception {
    try (TestServer s = TestServer.start("", ORG);
        DatagramSocket udp = new DatagramSocket()) {
      udp.setSoTimeout(3000);
      InetSocketAddress to = new InetSocketAddress(InetAddress.getLoopbackAddress(), s.port());
      long seed = System.nanoTime();
      SplittableRandom rnd = new SplittableRandom(seed);
      byte[] valid =
          Message.newQuery(Record.newRecord(Name.fromString("www.example.org."), Type.A, DClass.IN))
              .toWire();
      int answered = 0;
      for (int i = 0; i < 400; i++) {
        byte[] p;
        if (i % 2 == 0) {
          p = new byte[1 + rnd.nextInt(64)];
          rnd.nextBytes(p);
        } else { // a valid query with a few bytes flipped
          p = valid.clone();
          for (int k = 0; k < 3; k++) {
            p[rnd.nextInt(p.length)] ^= (byte) (1 + rnd.nextInt(255));
          }
        }
        p[0] = (byte) (i >> 8); // a distinct ID pairs each answer with its packet
        if (p.length > 1) {
          p[1] = (byte) i;
        }
        udp.send(new DatagramPacket(p, p.length, to));
        boolean droppable = p.length < 12 || (p[2] & 0x80) != 0; // no header, or a response
        if (!droppable) {
          DatagramPacket back = new DatagramPacket(new byte[2048], 2048);
          udp.receive(back); // every packet with a query header gets an answer
          byte[] b = back.getData();
          assertEquals(i, ((b[0] & 0xff) << 8) | (b[1] & 0xff), "seed " + seed + " packet " + i);
          assertTrue((b[2] & 0x80) != 0, "QR set");
          answered++;
        }
      }
      assertTrue(answered > 0, "seed " + seed);
      try (Socket c = new Socket(InetAddress.getLoopbackAddress(), s.port())) {
        c.getOutputStream().write(new byte[] {0, 5, 1, 2, 3, 4, 5});
        c.setSoTimeout(3000);
        DataInputStream in = new DataInputStream(c.getInputStream());
        byte[] r = new byte[in.readUnsignedShort()];
        in.readFully(r);
        assertEquals(Rcode.FORMERR, r[3] & 0xF);
      } catch (IOException dropped) {
        // a 5-byte message has no header: closing is allowed too
      }
      assertEquals(
          Rcode.NOERROR, s.query("www.example.org.", Type.A, false).getRcode(), "seed " + seed);
      assertEquals(Rcode.NOERROR, s.query("www.example.org.", Type.A, true).getRcode());
    }
  }

  @Test
  void aBrokenZoneIsSkippedWhileOthersServe() throws Exception {
    Path bad = Files.createTempDirectory("meridian-bad").resolve("example.net.zone");
    Files.writeString(
        bad, "$TTL 300\n@ IN SOA ns1 host 1 2 3 4 5\n@ IN NS ns1\nwww IN A 999.1.1.1\n");
    try (TestServer s = TestServer.start("", ORG, bad.toString())) {
      assertEquals(Rcode.NOERROR, s.query("www.example.org.", Type.A, false).getRcode());
      assertEquals(Rcode.REFUSED, s.query("www.example.net.", Type.A, false).getRcode());
    }
  }

  @Test
  void digGetsTheSameAnswersWhenInstalled() throws Exception {
    Path dig = Tools.require("/usr/bin/dig", "apt-get install bind9-dnsutils");
    try (TestServer s = TestServer.start("", COM)) {
      String udp =
          run(
              dig.toString(),
              "@127.0.0.1",
              "-p",
              "" + s.port(),
              "+short",
              "ns2.example.com",
              "AAAA");
      assertEquals("2001:db8::53", udp.trim());
      String tcp =
          run(
              dig.toString(),
              "@127.0.0.1",
              "-p",
              "" + s.port(),
              "+tcp",
              "+short",
              "mail.example.com");
      assertEquals("192.0.2.25", tcp.trim());
      String full = run(dig.toString(), "@127.0.0.1", "-p", "" + s.port(), "nope.example.com");
      assertTrue(full.contains("status: NXDOMAIN"), full);
      assertTrue(full.contains("flags: qr aa rd;"), full);
      String axfr = run(dig.toString(), "@127.0.0.1", "-p", "" + s.port(), "example.com", "AXFR");
      assertEquals(31, axfr.lines().filter(l -> !l.isBlank() && !l.startsWith(";")).count(), axfr);
    }
  }

  static String run(String... cmd) throws Exception {
    return assertTimeoutPreemptively(
        Duration.ofSeconds(20),
        () -> {
          Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
          String out =
              new String(
                  p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
          p.waitFor();
          return out;
        });
  }
}
