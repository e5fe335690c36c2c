package dev.meridian.server;

import static dev.meridian.server.ResponseRateLimiter.DROP;
import static dev.meridian.server.ResponseRateLimiter.SEND;
import static dev.meridian.server.ResponseRateLimiter.SLIP;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.Type;

/** The rate limiter's accounts, classes and slips, with a clock the test moves. */
class ResponseRateLimiterTest {
  private static final long SECOND = 1_000_000_000L;
  private final long[] clock = {123 * SECOND};

  private ResponseRateLimiter limiter(int rate, int windowSeconds, int slip, String... exempt)
      throws Exception {
    List<RateLimitOptions.Prefix> ex = new ArrayList<>();
    for (String e : exempt) {
      int slash = e.indexOf('/');
      ex.add(
          new RateLimitOptions.Prefix(
              InetAddress.getByName(e.substring(0, slash)),
              Integer.parseInt(e.substring(slash + 1))));
    }
    RateLimitOptions o =
        new RateLimitOptions(rate, Duration.ofSeconds(windowSeconds), slip, 24, 56, ex);
    return new ResponseRateLimiter(o, () -> clock[0]);
  }

  private static InetAddress ip(String s) throws Exception {
    return InetAddress.getByName(s);
  }

  /** Verdicts for {@code n} copies of {@code response} to {@code client}: [send, drop, slip]. */
  private static int[] ask(ResponseRateLimiter l, String client, byte[] response, int n)
      throws Exception {
    int[] counts = new int[3];
    InetAddress a = ip(client);
    for (int i = 0; i < n; i++) {
      counts[l.check(a, response, response.length)]++;
    }
    return counts;
  }

  static byte[] answer(String qname, int type) throws Exception {
    Message m = skeleton(qname, type, Rcode.NOERROR);
    m.getHeader().setFlag(Flags.AA);
    m.addRecord(
        new ARecord(Name.fromString(qname), DClass.IN, 300, ip("192.0.2.1")), Section.ANSWER);
    return m.toWire();
  }

  static byte[] negative(String qname, String zone, int rcode) throws Exception {
    Message m = skeleton(qname, Type.A, rcode);
    m.getHeader().setFlag(Flags.AA);
    Name z = Name.fromString(zone);
    m.addRecord(
        new SOARecord(z, DClass.IN, 60, new Name("ns1", z), new Name("host", z), 1, 2, 3, 4, 5),
        Section.AUTHORITY);
    return m.toWire();
  }

  static byte[] referral(String qname, String child) throws Exception {
    Message m = skeleton(qname, Type.A, Rcode.NOERROR);
    Name c = Name.fromString(child);
    m.addRecord(new NSRecord(c, DClass.IN, 300, new Name("ns", c)), Section.AUTHORITY);
    return m.toWire();
  }

  static byte[] error(String qname, int rcode) throws Exception {
    return skeleton(qname, Type.A, rcode).toWire();
  }

  private static Message skeleton(String qname, int type, int rcode) throws Exception {
    Message m = new Message(4242);
    m.getHeader().setFlag(Flags.QR);
    m.getHeader().setRcode(rcode);
    m.addRecord(Record.newRecord(Name.fromString(qname), type, DClass.IN), Section.QUESTION);
    return m;
  }

  @Test
  void sendsTheRateThenDropsAndSlipsAlternately() throws Exception {
    ResponseRateLimiter l = limiter(10, 15, 2);
    byte[] r = answer("www.example.org.", Type.A);
    assertArrayEquals(new int[] {10, 0, 0}, ask(l, "127.0.0.1", r, 10));
    assertArrayEquals(new int[] {0, 5, 5}, ask(l, "127.0.0.1", r, 10));
    InetAddress client = ip("127.0.0.1");
    assertEquals(DROP, l.check(client, r, r.length), "every second limited response slips");
    assertEquals(SLIP, l.check(client, r, r.length));
  }

  @Test
  void creditsTheRateEachSecondButNeverMoreThanOneSecondsWorth() throws Exception {
    ResponseRateLimiter l = limiter(10, 15, 2);
    byte[] r = answer("www.example.org.", Type.A);
    assertArrayEquals(new int[] {10, 0, 0}, ask(l, "127.0.0.1", r, 10));
    clock[0] += SECOND;
    assertArrayEquals(new int[] {10, 0, 0}, ask(l, "127.0.0.1", r, 10));
    assertEquals(0, ask(l, "127.0.0.1", r, 1)[SEND]);
    clock[0] += 5 * SECOND; // quiet: credit 50, capped at 10
    assertArrayEquals(new int[] {10, 1, 1}, ask(l, "127.0.0.1", r, 12));
  }

  @Test
  void aFloodStaysLimitedUntilItsDebtOverTheWindowIsPaid() throws Exception {
    ResponseRateLimiter l = limiter(10, 5, 2);
    byte[] r = answer("www.example.org.", Type.A);
    assertEquals(10, ask(l, "127.0.0.1", r, 1000)[SEND], "a second's worth, then debt to -50");
    for (int s = 1; s <= 3; s++) {
      clock[0] += SECOND;
      assertEquals(0, ask(l, "127.0.0.1", r, 50)[SEND], "still in debt after " + s + " s");
    }
    clock[0] += 6 * SECOND; // quiet for longer than the window: forgotten
    assertEquals(10, ask(l, "127.0.0.1", r, 20)[SEND]);
  }

  @Test
  void groupsClientsByPrefix() throws Exception {
    ResponseRateLimiter l = limiter(5, 15, 0);
    byte[] r = answer("www.example.org.", Type.A);
    assertEquals(5, ask(l, "127.0.0.1", r, 5)[SEND]);
    assertEquals(0, ask(l, "127.0.0.200", r, 5)[SEND], "same /24");
    assertEquals(5, ask(l, "127.0.1.1", r, 5)[SEND], "another /24");
    assertEquals(5, ask(l, "2001:db8:0:100::1", r, 5)[SEND]);
    assertEquals(0, ask(l, "2001:db8:0:1ff::2", r, 5)[SEND], "same /56");
    assertEquals(5, ask(l, "2001:db8:0:200::1", r, 5)[SEND], "another /56");
  }

  @Test
  void separatesResponseClasses() throws Exception {
    ResponseRateLimiter l = limiter(3, 15, 0);
    String c = "127.0.0.1";
    assertEquals(3, ask(l, c, answer("www.example.org.", Type.A), 9)[SEND]);
    assertEquals(0, ask(l, c, answer("WWW.Example.ORG.", Type.A), 1)[SEND], "case-insensitive");
    assertEquals(3, ask(l, c, answer("www.example.org.", Type.AAAA), 9)[SEND], "other qtype");
    assertEquals(3, ask(l, c, answer("mail.example.org.", Type.A), 9)[SEND], "other qname");
    int sent = 0;
    for (int i = 0; i < 9; i++) { // random subdomains: one class per zone, as BIND
      sent += ask(l, c, negative("r" + i + ".example.org.", "example.org.", Rcode.NXDOMAIN), 1)[0];
    }
    assertEquals(3, sent);
    assertEquals(3, ask(l, c, negative("x.example.com.", "example.com.", 3), 9)[SEND]);
    assertEquals(3, ask(l, c, negative("y.example.com.", "example.com.", 0), 9)[SEND], "NODATA");
    assertEquals(3, ask(l, c, referral("a.sub.example.org.", "sub.example.org."), 9)[SEND]);
    assertEquals(0, ask(l, c, referral("b.sub.example.org.", "sub.example.org."), 1)[SEND]);
    sent = ask(l, c, error("www.example.net.", Rcode.REFUSED), 2)[SEND];
    sent += ask(l, c, error("x.", Rcode.FORMERR), 1)[SEND];
    sent += ask(l, c, error("y.example.net.", Rcode.REFUSED), 5)[SEND];
    assertEquals(3, sent, "errors are one class");
  }

  @Test
  void exemptPrefixesAreNeverLimited() throws Exception {
    ResponseRateLimiter l = limiter(1, 15, 2, "127.0.0.0/24", "2001:db8::/32");
    byte[] r = answer("www.example.org.", Type.A);
    assertEquals(50, ask(l, "127.0.0.9", r, 50)[SEND]);
    assertEquals(50, ask(l, "2001:db8:5::1", r, 50)[SEND]);
    assertEquals(1, ask(l, "127.0.1.9", r, 50)[SEND]);
    assertEquals(1, ask(l, "2001:db9::1", r, 50)[SEND]);
  }

  @Test
  void slipZeroDropsEveryLimitedResponseAndOneTruncatesEach() throws Exception {
    byte[] r = answer("www.example.org.", Type.A);
    assertArrayEquals(new int[] {2, 8, 0}, ask(limiter(2, 15, 0), "127.0.0.1", r, 10));
    assertArrayEquals(new int[] {2, 0, 8}, ask(limiter(2, 15, 1), "127.0.0.1", r, 10));
    assertArrayEquals(new int[] {2, 6, 2}, ask(limiter(2, 15, 4), "127.0.0.1", r, 10));
  }

  @Test
  void signedResponsesAreNeverLimited() throws Exception {
    ResponseRateLimiter l = limiter(1, 15, 2);
    Message m = Message.newQuery(Record.newRecord(Name.fromString("x."), Type.A, DClass.IN));
    m.getHeader().setFlag(Flags.QR);
    TSIG key = new TSIG(TSIG.HMAC_SHA256, "k.", "c2VjcmV0c2VjcmV0c2VjcmV0");
    key.apply(m, null);
    byte[] r = m.toWire();
    assertEquals(20, ask(l, "127.0.0.1", r, 20)[SEND]);
  }

  @Test
  void slipFormIsHeaderQuestionAndOptWithTc() throws Exception {
    Message m = Message.newQuery(Record.newRecord(Name.fromString("www.example.org."), 1, 1));
    m.getHeader().setID(777);
    m.getHeader().setFlag(Flags.QR);
    m.getHeader().setFlag(Flags.AA);
    Name www = Name.fromString("www.example.org.");
    m.addRecord(new ARecord(www, DClass.IN, 300, ip("192.0.2.1")), Section.ANSWER);
    m.addRecord(new NSRecord(Name.fromString("example.org."), 1, 300, www), Section.AUTHORITY);
    m.addRecord(new ARecord(www, DClass.IN, 300, ip("192.0.2.2")), Section.ADDITIONAL);
    m.addRecord(new OPTRecord(1232, 0, 0), Section.ADDITIONAL);
    byte[] wire = m.toWire();
    byte[] out = new byte[512];
    int len = ResponseClass.slip(wire, wire.length, out);
    Message s = new Message(ByteBuffer.wrap(out, 0, len));
    assertEquals(777, s.getHeader().getID());
    assertTrue(s.getHeader().getFlag(Flags.TC));
    assertTrue(s.getHeader().getFlag(Flags.AA));
    assertEquals(www, s.getQuestion().getName());
    assertEquals(0, s.getSection(Section.ANSWER).size());
    assertEquals(0, s.getSection(Section.AUTHORITY).size());
    assertEquals(1232, s.getOPT().getPayloadSize());
    assertEquals(1, s.getSection(Section.ADDITIONAL).size());
    byte[] plain = answer("www.example.org.", Type.A);
    int plainLen = ResponseClass.slip(plain, plain.length, out);
    assertEquals(0, new Message(ByteBuffer.wrap(out, 0, plainLen)).getHeader().getCount(3));
  }

  @Test
  void concurrentCallersNeverSendMoreThanTheRate() throws Exception {
    ResponseRateLimiter l = limiter(1000, 15, 2);
    byte[] r = answer("www.example.org.", Type.A);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Callable<int[]>> jobs = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        jobs.add(() -> ask(l, "127.0.0.1", r, 5000));
      }
      int sent = 0;
      for (Future<int[]> f : pool.invokeAll(jobs)) {
        sent += f.get(30, TimeUnit.SECONDS)[SEND];
      }
      assertEquals(1000, sent, "compare-and-set loses no update");
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void ipv4HashCodeIsTheAddressTheLimiterRelyOn() throws Exception {
    assertEquals(0x7F000102, ResponseRateLimiter.ipv4(ip("127.0.1.2")));
    assertEquals(0xC0000201, ResponseRateLimiter.ipv4(ip("192.0.2.1")));
  }
}
