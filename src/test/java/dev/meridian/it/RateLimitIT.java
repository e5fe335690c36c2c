package dev.meridian.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** Response rate limiting over real loopback sockets: UDP limited per prefix, TCP never. */
class RateLimitIT {
  private static final String ORG = ServerIT.ORG;
  private static final String NAME = "www.example.org.";

  /** Full answers, truncated slips and queries sent by one flooding client. */
  record Tally(int sent, int full, int slipped) {}

  /**
   * Sends {@code NAME}/A from {@code from} every {@code gapMicros} for {@code seconds}, counting
   * what comes back (a reader thread collects until 1 s after the last query).
   */
  static Tally flood(InetAddress from, int port, double seconds, int gapMicros) throws Exception {
    byte[] q =
        Message.newQuery(Record.newRecord(Name.fromString(NAME), Type.A, DClass.IN)).toWire();
    try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(from, 0))) {
      s.setReceiveBufferSize(1 << 20);
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      int[] counts = new int[2];
      Thread reader =
          new Thread(
              () -> {
                byte[] buf = new byte[2048];
                try {
                  s.setSoTimeout(1000);
                  while (true) {
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    s.receive(p);
                    Message r = new Message(java.util.Arrays.copyOf(buf, p.getLength()));
                    boolean tc = r.getHeader().getFlag(Flags.TC);
                    if (tc && r.getSection(Section.ANSWER).isEmpty()) {
                      counts[1]++;
                    } else if (!tc && r.getSection(Section.ANSWER).size() == 2) {
                      counts[0]++;
                    }
                  }
                } catch (SocketTimeoutException e) {
                  // a second of silence after the flood: done
                } catch (IOException e) {
                  throw new IllegalStateException(e);
                }
              },
              "flood-reader");
      reader.start();
      int sent = 0;
      long end = System.nanoTime() + (long) (seconds * 1e9);
      while (System.nanoTime() < end) {
        s.send(new DatagramPacket(q, q.length));
        sent++;
        LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(gapMicros)); // the flood's pace
      }
      reader.join(10_000);
      assertFalse(reader.isAlive(), "reader finished");
      return new Tally(sent, counts[0], counts[1]);
    }
  }

  @Test
  void limitsAFloodFromOnePrefixWhileOthersAndTcpAreAnswered() throws Exception {
    try (TestServer s = TestServer.start("rate_limit: {responses_per_second: 10}\n", ORG)) {
      int[] other = new int[1];
      int[] tcp = new int[1];
      Thread bystanders =
          new Thread(
              () -> {
                try (DatagramSocket u = new DatagramSocket(new InetSocketAddress("127.0.1.1", 0))) {
                  u.setSoTimeout(2000);
                  for (int i = 0; i < 8; i++) { // 127.0.1.1 asks the same name, 3 a second
                    byte[] q = TcpLimitsIT.query(NAME, Type.A);
                    u.send(
                        new DatagramPacket(
                            q, q.length, InetAddress.getLoopbackAddress(), s.port()));
                    DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
                    u.receive(p);
                    Message r = new Message(java.util.Arrays.copyOf(p.getData(), p.getLength()));
                    other[0] += r.getSection(Section.ANSWER).size() == 2 ? 1 : 0;
                    Message t = s.query(NAME, Type.A, true); // TCP from 127.0.0.1, the flooder
                    tcp[0] +=
                        t.getRcode() == Rcode.NOERROR && !t.getHeader().getFlag(Flags.TC) ? 1 : 0;
                    TimeUnit.MILLISECONDS.sleep(300); // a normal client's pace, not a wait
                  }
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              },
              "bystanders");
      bystanders.start();
      Tally t = flood(InetAddress.getByName("127.0.0.1"), s.port(), 3.0, 1000);
      bystanders.join(30_000);
      String got = t + ", other " + other[0] + "/8, tcp " + tcp[0] + "/8";
      assertTrue(t.sent() >= 500, got);
      assertTrue(t.full() >= 5 && t.full() <= 10 * 3 + 10, "about 10 a second at most: " + got);
      assertTrue(
          t.slipped() >= (t.sent() - t.full()) / 4, "every second limited one slips: " + got);
      assertEquals(8, other[0], "127.0.1.1 answered in full: " + got);
      assertEquals(8, tcp[0], "TCP is never limited: " + got);
      assertTrue(s.server().stats().rateLimitDropped() >= (t.sent() - t.full()) / 4, got);
      assertEquals(t.slipped(), s.server().stats().rateLimitSlipped(), got);
    }
  }

  @Test
  void exemptPrefixesAreNotLimited() throws Exception {
    String yaml = "rate_limit: {responses_per_second: 10, exempt: [127.0.0.0/24]}\n";
    try (TestServer s = TestServer.start(yaml, ORG)) {
      Tally t = flood(InetAddress.getByName("127.0.0.1"), s.port(), 1.0, 2000);
      assertEquals(t.sent(), t.full(), t.toString());
      assertEquals(0, s.server().stats().rateLimitDropped());
    }
  }

  @Test
  void offByDefault() throws Exception {
    try (TestServer s = TestServer.start("", ORG)) {
      Tally t = flood(InetAddress.getByName("127.0.0.1"), s.port(), 1.0, 2000);
      assertEquals(t.sent(), t.full(), t.toString());
    }
  }
}
