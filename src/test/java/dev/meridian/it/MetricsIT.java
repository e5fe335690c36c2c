package dev.meridian.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ClientSubnetOption;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * Issue 10: the real server counts what it answers, over UDP and TCP, on the fast path (static A,
 * NXDOMAIN, a query with ECS) and the general path (ANY, a malformed query), and the exposition
 * shows it.
 */
class MetricsIT {
  private static final String ZONE = "zones/example.com.zone";

  @Test
  void countsQueriesOfBothPathsAndTransports() throws Exception {
    try (TestServer s = TestServer.start("", ZONE)) {
      for (int i = 0; i < 3; i++) {
        assertEquals(Rcode.NOERROR, s.query("mail.example.com.", Type.A, false).getRcode());
      }
      for (int i = 0; i < 2; i++) {
        assertEquals(Rcode.NOERROR, s.query("mail.example.com.", Type.A, true).getRcode());
      }
      assertEquals(Rcode.NXDOMAIN, s.query("nothing.example.com.", Type.A, false).getRcode());
      assertEquals(Rcode.NXDOMAIN, s.query("nothing.example.com.", Type.A, true).getRcode());
      int anyRcode = s.query("example.com.", Type.ANY, false).getRcode();
      assertEquals(anyRcode, s.query("example.com.", Type.ANY, true).getRcode());
      SimpleResolver ecs = s.resolver(false);
      ecs.setEDNS(
          0, 1232, 0, List.of(new ClientSubnetOption(24, InetAddress.getByName("198.51.100.0"))));
      Record q = Record.newRecord(Name.fromString("mail.example.com."), Type.AAAA, DClass.IN);
      assertEquals(Rcode.NOERROR, ecs.send(Message.newQuery(q)).getRcode()); // NODATA

      String text = exposition(s);
      assertEquals(3, value(text, "meridian_dns_queries_total", "A", "NOERROR", "udp"), text);
      assertEquals(2, value(text, "meridian_dns_queries_total", "A", "NOERROR", "tcp"), text);
      assertEquals(1, value(text, "meridian_dns_queries_total", "A", "NXDOMAIN", "udp"), text);
      assertEquals(1, value(text, "meridian_dns_queries_total", "A", "NXDOMAIN", "tcp"), text);
      String any = Rcode.string(anyRcode);
      assertEquals(1, value(text, "meridian_dns_queries_total", "ANY", any, "udp"), text);
      assertEquals(1, value(text, "meridian_dns_queries_total", "ANY", any, "tcp"), text);
      assertEquals(1, value(text, "meridian_dns_queries_total", "AAAA", "NOERROR", "udp"), text);
      assertEquals(1, sample(text, "meridian_dns_ecs_queries_total{ecs=\"present\"}"), text);
      assertEquals(9, sample(text, "meridian_dns_ecs_queries_total{ecs=\"absent\"}"), text);
    }
  }

  @Test
  void countsMalformedAndDroppedPackets() throws Exception {
    try (TestServer s = TestServer.start("", ZONE);
        DatagramSocket socket = new DatagramSocket()) {
      socket.setSoTimeout(3000);
      InetAddress server = InetAddress.getLoopbackAddress();
      byte[] tooShort = {0x12, 0x34, 0x01};
      socket.send(new DatagramPacket(tooShort, tooShort.length, server, s.port()));
      // a query with no question: FORMERR. The same socket reaches the same worker, so the short
      // packet before it has been dropped (and counted) when this answer arrives.
      byte[] noQuestion = {0x12, 0x35, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0};
      socket.send(new DatagramPacket(noQuestion, noQuestion.length, server, s.port()));
      DatagramPacket reply = new DatagramPacket(new byte[512], 512);
      socket.receive(reply);
      assertEquals(Rcode.FORMERR, reply.getData()[3] & 0xF);

      String text = exposition(s);
      assertEquals(1, value(text, "meridian_dns_queries_total", "other", "FORMERR", "udp"), text);
      assertEquals(1, sample(text, "meridian_dns_malformed_queries_total"), text);
      assertEquals(1, sample(text, "meridian_dns_dropped_packets_total"), text);
      assertEquals(0, sample(text, "meridian_dns_truncated_responses_total"), text);
      assertEquals(
          0, sample(text, "meridian_dns_tcp_connections_closed_total{reason=\"rejected\"}"), text);
    }
  }

  private static String exposition(TestServer s) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    s.server().metrics().writeText(out);
    return out.toString(StandardCharsets.UTF_8);
  }

  private static long value(String text, String name, String qtype, String rcode, String tp) {
    return sample(
        text, name + "{qtype=\"" + qtype + "\",rcode=\"" + rcode + "\",transport=\"" + tp + "\"}");
  }

  /** The value of the sample written exactly as {@code series}, or 0 when there is none. */
  private static long sample(String text, String series) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " ([0-9.eE+]+)$").matcher(text);
    if (!m.find()) {
      return 0;
    }
    double v = Double.parseDouble(m.group(1));
    assertTrue(v == Math.rint(v), series + " = " + v);
    return (long) v;
  }
}
