package dev.meridian.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** TCP under hostile load (RFC 7766 sections 6.2.3 and 10), over real loopback sockets. */
class TcpLimitsIT {
  private static final String ORG = ServerIT.ORG;
  private static final InetAddress ATTACKER = address("127.0.0.1");
  private static final InetAddress CLIENT = address("127.0.0.2");

  private static InetAddress address(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * 300 connections that send nothing and 128 that send one byte every 300 ms, all from 127.0.0.1
   * and reopened as soon as the server closes them, must not keep 127.0.0.2 from an answer within a
   * second: with the defaults (the per-client cap refuses most of them), and with a total of 128
   * and no effective per-client cap (room is made by closing the longest-waiting connection).
   */
  @ParameterizedTest
  @ValueSource(strings = {"", "tcp: {max_connections: 128, max_per_client: 100000}\n"})
  void answersANewClientWithinASecondWhileOthersHoldIdleAndTricklingConnections(String yaml)
      throws Exception {
    try (TestServer s = TestServer.start(yaml, ORG);
        Attack attack = new Attack(new InetSocketAddress(ATTACKER, s.port()))) {
      s.query("www.example.org.", Type.A, true); // warm up: time the limits, not a cold JVM
      attack.start(300, 128);
      assertTrue(attack.started.await(30, TimeUnit.SECONDS), "attack set up");
      for (int round = 0; round < 12; round++) { // ~4 s: past the 2 s message deadline
        long t0 = System.nanoTime();
        try (Socket c = new Socket()) {
          c.setSoTimeout(1000);
          c.bind(new InetSocketAddress(CLIENT, 0));
          c.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), s.port()), 1000);
          List<Message> answers = pipelined(c, "www.example.org.", "mail.example.org.", "a.b.");
          long ms = (System.nanoTime() - t0) / 1_000_000;
          assertTrue(ms < 1000, "round " + round + ": answered after " + ms + " ms");
          assertEquals(3, answers.size());
          assertEquals(Rcode.NOERROR, answers.get(0).getRcode());
          assertEquals("mail.example.org.", answers.get(1).getQuestion().getName().toString());
          assertEquals(Rcode.REFUSED, answers.get(2).getRcode(), "in order");
        }
        attack.awaitRound(); // let the attack go on between rounds
      }
      assertTrue(attack.reopened.get() > 0, "the server closed attackers and they came back");
      assertTrue(
          s.server().stats().tcpRejected() + s.server().stats().tcpEvicted() > 0,
          "limits were hit");
    }
  }

  @Test
  void closesAConnectionWhoseMessageMissesTheDeadline() throws Exception {
    try (TestServer s = TestServer.start("tcp: {message_timeout: 500ms}\n", ORG);
        Socket c = new Socket(InetAddress.getLoopbackAddress(), s.port())) {
      c.setSoTimeout(100);
      byte[] q = query("www.example.org.", 1);
      OutputStream out = c.getOutputStream();
      out.write(new byte[] {0, (byte) q.length});
      long t0 = System.nanoTime();
      boolean closed = false;
      for (int i = 0; i < q.length - 1 && !closed; i++) { // one byte every ~100 ms, never all
        try {
          out.write(q[i]);
          closed = c.getInputStream().read() == -1;
        } catch (SocketTimeoutException e) {
          // still open: go on trickling
        } catch (IOException e) {
          closed = true; // reset by the server
        }
      }
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertTrue(closed, "still open after " + ms + " ms");
      assertTrue(ms >= 400 && ms < 4000, "closed after " + ms + " ms");
      assertTrue(s.server().stats().tcpTimedOut() >= 1);
    }
  }

  @Test
  void capsConnectionsPerClientAddress() throws Exception {
    try (TestServer s = TestServer.start("tcp: {max_per_client: 3}\n", ORG)) {
      InetSocketAddress server = new InetSocketAddress(InetAddress.getLoopbackAddress(), s.port());
      List<Socket> held = new ArrayList<>();
      try {
        for (int i = 0; i < 3; i++) {
          held.add(connect(ATTACKER, server));
          assertEquals(1, pipelined(held.get(i), "www.example.org.").size(), "connection " + i);
        }
        try (Socket fourth = connect(ATTACKER, server)) {
          assertEquals(-1, fourth.getInputStream().read(), "a fourth from 127.0.0.1 is refused");
        }
        try (Socket other = connect(CLIENT, server)) {
          assertEquals(1, pipelined(other, "www.example.org.").size(), "127.0.0.2 is served");
        }
        assertEquals(1, pipelined(held.get(0), "mail.example.org.").size(), "the three stay");
        assertEquals(1, s.server().stats().tcpRejected());
      } finally {
        for (Socket h : held) {
          h.close();
        }
      }
    }
  }

  @Test
  void shortensTheIdleTimeoutWhileMoreThanHalfTheSlotsAreTaken() throws Exception {
    String yaml = "tcp: {max_connections: 4, idle_timeout: 1m, busy_idle_timeout: 300ms}\n";
    try (TestServer s = TestServer.start(yaml, ORG)) {
      InetSocketAddress server = new InetSocketAddress(InetAddress.getLoopbackAddress(), s.port());
      try (Socket lone = connect(ATTACKER, server)) {
        lone.setSoTimeout(1000);
        assertThrows(SocketTimeoutException.class, () -> lone.getInputStream().read());
      }
      List<Socket> three =
          List.of(connect(ATTACKER, server), connect(ATTACKER, server), connect(ATTACKER, server));
      try {
        long t0 = System.nanoTime();
        for (Socket c : three) {
          c.setSoTimeout(5000);
          assertEquals(-1, c.getInputStream().read(), "closed while busy");
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms >= 200 && ms < 5000, "closed after " + ms + " ms");
      } finally {
        for (Socket c : three) {
          c.close();
        }
      }
    }
  }

  @Test
  void answersPipelinedQueriesInOrderAcrossAZoneTransfer() throws Exception {
    try (TestServer s = TestServer.start("", ORG);
        Socket c = new Socket(InetAddress.getLoopbackAddress(), s.port())) {
      c.setSoTimeout(5000);
      byte[] a = query("www.example.org.", Type.A);
      byte[] axfr = query("example.org.", Type.AXFR);
      byte[] b = query("mail.example.org.", Type.A);
      OutputStream out = c.getOutputStream();
      out.write(frame(a, axfr, b)); // one write: the transfer runs on a worker meanwhile
      out.flush();
      DataInputStream in = new DataInputStream(c.getInputStream());
      assertEquals("www.example.org.", read(in).getQuestion().getName().toString());
      Message first = read(in);
      assertEquals(Type.AXFR, first.getQuestion().getType());
      int soas = 0;
      Message m = first;
      while (true) {
        for (Record r : m.getSection(Section.ANSWER)) {
          soas += r.getType() == Type.SOA ? 1 : 0;
        }
        if (soas == 2) {
          break;
        }
        m = read(in);
      }
      Message last = read(in);
      assertEquals("mail.example.org.", last.getQuestion().getName().toString(), "after the AXFR");
    }
  }

  @Test
  void closesAClientThatStopsReadingItsTransferWhileServingOthers() throws Exception {
    java.nio.file.Path zone =
        java.nio.file.Files.createTempDirectory("meridian-slow").resolve("example.net.zone");
    StringBuilder z = new StringBuilder("$TTL 300\n@ IN SOA ns1 host 7 7200 3600 1209600 60\n");
    z.append("@ IN NS ns1\nns1 IN A 192.0.2.1\n");
    String txt = " \"" + "x".repeat(250) + "\"";
    for (int i = 0; i < 3000; i++) { // about 7.5 MB: more than socket buffers hold
      z.append("t").append(i).append(" IN TXT").append(txt.repeat(10)).append('\n');
    }
    java.nio.file.Files.writeString(zone, z.toString());
    try (TestServer s = TestServer.start("tcp: {message_timeout: 500ms}\n", zone.toString());
        Socket slow = new Socket()) {
      slow.setReceiveBufferSize(4096);
      slow.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), s.port()));
      slow.getOutputStream().write(frame(query("example.net.", Type.AXFR)));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (s.server().stats().tcpTimedOut() == 0 && System.nanoTime() < deadline) {
        long t0 = System.nanoTime();
        try (Socket other = connect(CLIENT, new InetSocketAddress(ATTACKER, s.port()))) {
          assertEquals(1, pipelined(other, "ns1.example.net.").size());
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < 1000, "another client waited " + ms + " ms");
      }
      assertEquals(1, s.server().stats().tcpTimedOut(), "the stalled reader was closed");
      slow.setSoTimeout(5000);
      DataInputStream in = new DataInputStream(slow.getInputStream());
      int soas = 0;
      try {
        while (true) {
          for (Record r : read(in).getSection(Section.ANSWER)) {
            soas += r.getType() == Type.SOA ? 1 : 0;
          }
        }
      } catch (IOException e) {
        // EOF or reset: the server gave up on it
      }
      assertEquals(1, soas, "the transfer was cut before its closing SOA");
    }
  }

  static Socket connect(InetAddress from, InetSocketAddress to) throws IOException {
    Socket c = new Socket();
    c.bind(new InetSocketAddress(from, 0));
    c.connect(to, 3000);
    c.setSoTimeout(3000);
    return c;
  }

  static byte[] query(String name, int type) throws IOException {
    return Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN)).toWire();
  }

  static byte[] frame(byte[]... messages) {
    int n = 0;
    for (byte[] m : messages) {
      n += 2 + m.length;
    }
    byte[] out = new byte[n];
    int p = 0;
    for (byte[] m : messages) {
      out[p++] = (byte) (m.length >>> 8);
      out[p++] = (byte) m.length;
      System.arraycopy(m, 0, out, p, m.length);
      p += m.length;
    }
    return out;
  }

  static Message read(DataInputStream in) throws IOException {
    byte[] w = new byte[in.readUnsignedShort()];
    in.readFully(w);
    return new Message(w);
  }

  /** Sends every query in one write, then reads as many answers; checks IDs come back in order. */
  static List<Message> pipelined(Socket c, String... names) throws IOException {
    byte[][] queries = new byte[names.length][];
    int[] ids = new int[names.length];
    for (int i = 0; i < names.length; i++) {
      Message q = Message.newQuery(Record.newRecord(Name.fromString(names[i]), Type.A, DClass.IN));
      ids[i] = q.getHeader().getID();
      queries[i] = q.toWire();
    }
    c.getOutputStream().write(frame(queries));
    DataInputStream in = new DataInputStream(c.getInputStream());
    List<Message> out = new ArrayList<>();
    for (int i = 0; i < names.length; i++) {
      Message r = read(in);
      assertEquals(ids[i], r.getHeader().getID(), "answer " + i + " in order");
      out.add(r);
    }
    return out;
  }

  /**
   * Idle connections, and trickling ones that send a 127-byte message one byte per 300 ms, from one
   * address; each reopened when the server closes it. The pacing is the attack, not a wait.
   */
  private static final class Attack implements AutoCloseable {
    final CountDownLatch started = new CountDownLatch(1);
    final AtomicInteger reopened = new AtomicInteger();
    private final InetSocketAddress server;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final List<Socket> open = new ArrayList<>();
    private final Thread thread = new Thread(this::run, "attack");
    private int idleCount;
    private int trickleCount;
    private int rounds;

    Attack(InetSocketAddress server) {
      this.server = server;
    }

    void start(int idle, int trickling) {
      this.idleCount = idle;
      this.trickleCount = trickling;
      thread.setDaemon(true);
      thread.start();
    }

    /** Waits (at most 5 s) until the attack has trickled one more byte on every connection. */
    synchronized void awaitRound() throws InterruptedException {
      int target = rounds + 1;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (rounds < target && System.nanoTime() < deadline) {
        wait(100);
      }
    }

    private synchronized void roundDone() {
      rounds++;
      notifyAll();
    }

    private Socket connect() throws IOException {
      Socket c = new Socket();
      synchronized (open) {
        open.add(c);
      }
      c.bind(new InetSocketAddress(ATTACKER, 0));
      c.connect(server, 3000);
      return c;
    }

    private void run() {
      Socket[] t = new Socket[trickleCount];
      int[] progress = new int[trickleCount];
      try {
        for (int i = 0; i < idleCount; i++) {
          connect();
        }
        for (int i = 0; i < trickleCount; i++) {
          t[i] = connect();
        }
      } catch (IOException e) {
        throw new IllegalStateException("attack setup failed", e);
      } finally {
        started.countDown();
      }
      while (!stop.get()) {
        for (int i = 0; i < t.length; i++) {
          try {
            int b = progress[i] == 0 ? 0 : progress[i] == 1 ? 0x7F : 'a';
            t[i].getOutputStream().write(b);
            progress[i]++;
          } catch (IOException e) {
            try {
              t[i] = connect(); // the server closed it: come back at once
              progress[i] = 0;
              reopened.incrementAndGet();
            } catch (IOException refused) {
              // refused: try again next round
            }
          }
        }
        roundDone();
        try {
          TimeUnit.MILLISECONDS.sleep(300);
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    @Override
    public void close() throws IOException {
      stop.set(true);
      thread.interrupt();
      try {
        thread.join(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      synchronized (open) {
        for (Socket c : open) {
          c.close();
        }
      }
    }
  }
}
