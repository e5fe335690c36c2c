package dev.meridian.server;

import dev.meridian.engine.ClientInfo;
import dev.meridian.engine.QueryHandler;
import dev.meridian.engine.QueryLog;
import dev.meridian.metrics.QueryCounter;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.Type;

/**
 * Turns one received packet into the packets to send back: header checks, EDNS (RFC 6891),
 * truncation, FORMERR/NOTIMP/BADVERS, and zone-transfer framing. Counts every answered query once
 * (qtype, rcode of the first response message, transport, ECS) on both paths. Stateless apart from
 * counters and per-thread buffers; thread-safe.
 */
public final class PacketProcessor {
  private static final System.Logger LOG = System.getLogger(PacketProcessor.class.getName());
  static final int HEADER = 12;
  static final int PLAIN_UDP = 512; // RFC 1035 section 4.2.1
  static final int TCP_MAX = 65535;

  /** Records per transfer message stay below this many bytes of uncompressed wire data. */
  static final int TRANSFER_CHUNK = 16_000;

  /** Where responses go: a datagram, or a length-prefixed TCP message. */
  @FunctionalInterface
  public interface Sink {
    void send(byte[] wire) throws IOException;

    /** Sends {@code buffer[0..length)}; sinks that can send from a shared buffer override it. */
    default void send(byte[] buffer, int length) throws IOException {
      send(java.util.Arrays.copyOf(buffer, length));
    }
  }

  private final QueryHandler handler;
  private final int payloadSize;
  private final ServerStats stats;
  private final QueryCounter queries;
  private final AtomicLong lastErrorLog = new AtomicLong();
  private final FastResponder fast;
  private final ThreadLocal<FastResponder.State> fastState =
      ThreadLocal.withInitial(FastResponder.State::new);
  private final ThreadLocal<Tally> tallies;
  private volatile QueryLog queryLog; // null: off

  /** Offers every answered query to {@code log} (which samples and copies off the path). */
  void logTo(QueryLog log) {
    queryLog = log;
  }

  /**
   * @param queries counts each answered query (from {@code Metrics.queries()}; a disabled one
   *     counts nothing)
   */
  public PacketProcessor(
      QueryHandler handler, int payloadSize, ServerStats stats, QueryCounter queries) {
    this.handler = handler;
    this.payloadSize = payloadSize;
    this.stats = stats;
    this.queries = queries;
    this.tallies = ThreadLocal.withInitial(() -> new Tally(queries));
    this.fast = new FastResponder(handler, payloadSize);
  }

  /** Handles {@code packet[0..length)} from {@code client}; sends nothing for a dropped packet. */
  public void handle(byte[] packet, int length, InetAddress client, boolean tcp, Sink sink)
      throws IOException {
    if (length < HEADER || (packet[2] & 0x80) != 0) {
      stats.dropped.increment(); // no header to answer, or a response: never answer those
      return;
    }
    FastResponder.State state = fastState.get();
    int fastLength = fast.respond(packet, length, client, tcp, state);
    if (fastLength > 0) { // counted before it is sent, as the general path does
      queries.count(state.qtype, state.out[3] & 0xF, tcp, state.ecs);
      QueryLog log = queryLog; // logged before the answer leaves: lines keep the clients' order
      if (log != null) {
        log.offer(packet, length, state.out, fastLength, client, tcp);
      }
      sink.send(state.out, fastLength); // answered from bytes encoded at load
      return;
    }
    Tally tally = tallies.get().start(sink, qtypeOf(packet, length), tcp);
    try {
      general(packet, length, client, tcp, tally);
    } finally {
      tally.next = null; // holds no connection past its query
    }
  }

  /** The dnsjava path: everything the fast path leaves (see {@link FastResponder}). */
  private void general(byte[] packet, int length, InetAddress client, boolean tcp, Tally sink)
      throws IOException {
    // ECS is read by us before dnsjava parses the rest (it rejects IPv4-mapped subnets)
    ClientSubnet.Scan ecsScan = ClientSubnet.scan(packet, length);
    sink.ecs = ecsScan.option() != null || ecsScan.malformed();
    Message query;
    try {
      query = new Message(ecsScan.wire());
    } catch (IOException | RuntimeException e) {
      stats.formerr.increment();
      sink.send(headerOnlyError(packet, Rcode.FORMERR));
      return;
    }
    Header qh = query.getHeader();
    if (qh.getOpcode() == Opcode.UPDATE && tcpOrUdpUpdate(query)) {
      Message response = skeleton(query, Rcode.NOERROR);
      try {
        handler.update(query, java.util.Arrays.copyOf(packet, length), response);
      } catch (RuntimeException e) {
        stats.servfail.increment();
        logRateLimited(query.getQuestion(), e);
        response = skeleton(query, Rcode.SERVFAIL);
      }
      sink.send(render(response, query, tcp));
      return;
    }
    if (qh.getOpcode() != Opcode.QUERY) {
      // We are a primary: a NOTIFY is not for us (NSD refuses it too); other opcodes are unknown.
      int rcode = qh.getOpcode() == Opcode.NOTIFY ? Rcode.REFUSED : Rcode.NOTIMP;
      sink.send(error(skeleton(query, rcode), query, length, tcp));
      return;
    }
    Record question = query.getQuestion();
    OPTRecord opt = query.getOPT();
    if (qh.getCount(Section.QUESTION) != 1 || question == null || optCount(query) > 1) {
      stats.formerr.increment();
      sink.send(error(skeleton(query, Rcode.FORMERR), query, length, tcp));
      return;
    }
    if (!tcp && question.getType() == Type.AXFR) {
      // RFC 5936 section 4.2: AXFR is TCP only; NSD and Knot answer NOTIMP over UDP
      sink.send(error(skeleton(query, Rcode.NOTIMP), query, length, tcp));
      return;
    }
    if (opt != null && opt.getVersion() > 0) {
      // RFC 6891 section 6.1.3: BADVERS (16) is split between the header and our OPT
      sink.rcode = Rcode.BADVERS;
      sink.send(render(skeleton(query, Rcode.BADVERS), query, tcp, Rcode.BADVERS >>> 4, null));
      return;
    }
    int qtype = question.getType();
    if (tcp && (qtype == Type.AXFR || qtype == Type.IXFR)) {
      transfer(query, java.util.Arrays.copyOf(packet, length), client, sink);
      return;
    }
    ClientSubnet ecs = ecsScan.option();
    if (ecsScan.malformed()) {
      stats.formerr.increment(); // RFC 7871 section 7.1.1: a malformed option gets FORMERR
      sink.send(error(skeleton(query, Rcode.FORMERR), query, length, tcp));
      return;
    }
    ClientInfo info =
        ecs == null
            ? ClientInfo.of(client, tcp)
            : new ClientInfo(client, ecs.address(), ecs.sourcePrefix(), tcp);
    Message response = skeleton(query, Rcode.NOERROR);
    int scope = 0;
    try {
      scope = handler.answer(query, response, info);
    } catch (RuntimeException | StackOverflowError e) {
      stats.servfail.increment();
      logRateLimited(question, e);
      response = skeleton(query, Rcode.SERVFAIL);
    }
    // RFC 7871 section 7.2.1: echo family, source prefix and address with our scope
    EDNSOption echo = ecs == null ? null : ecs.echo(scope);
    byte[] wire = capped(render(response, query, tcp, 0, echo), length);
    QueryLog log = queryLog; // before the answer leaves, as on the fast path
    if (log != null) {
      log.offer(packet, length, wire, wire.length, client, tcp);
    }
    sink.send(wire);
  }

  /**
   * The general path's sink on one thread: counts the query when its first message goes out (a
   * transfer sends many), with that message's RCODE unless the path set {@link #rcode} (BADVERS has
   * an extended RCODE), then passes every message on.
   */
  private static final class Tally implements Sink {
    private final QueryCounter queries;
    private Sink next;
    private int qtype;
    private boolean tcp;
    private boolean counted;
    int rcode;
    boolean ecs;

    Tally(QueryCounter queries) {
      this.queries = queries;
    }

    Tally start(Sink to, int qtype, boolean tcp) {
      next = to;
      this.qtype = qtype;
      this.tcp = tcp;
      counted = false;
      rcode = -1;
      ecs = false;
      return this;
    }

    private void count(byte[] wire) {
      if (!counted) {
        counted = true;
        queries.count(qtype, rcode >= 0 ? rcode : wire[3] & 0xF, tcp, ecs);
      }
    }

    @Override
    public void send(byte[] wire) throws IOException {
      count(wire);
      next.send(wire);
    }

    @Override
    public void send(byte[] buffer, int length) throws IOException {
      count(buffer);
      next.send(buffer, length);
    }
  }

  /**
   * The QTYPE of the first question of {@code packet[0..length)}, or -1 when there is none or its
   * name cannot be walked (a compression pointer there points at nothing).
   */
  static int qtypeOf(byte[] packet, int length) {
    if (length < HEADER || ((packet[4] & 0xFF) << 8 | (packet[5] & 0xFF)) == 0) {
      return -1;
    }
    for (int at = HEADER; at < length; ) {
      int len = packet[at] & 0xFF;
      if (len == 0) {
        return at + 3 <= length ? (packet[at + 1] & 0xFF) << 8 | (packet[at + 2] & 0xFF) : -1;
      }
      if (len > 63) {
        return -1;
      }
      at += 1 + len;
    }
    return -1;
  }

  /**
   * A response with the query's ID, opcode, RD and question, and {@code rcode}. CD is not copied:
   * it asks a validating resolver not to check; an authoritative answer clears it, as NSD and Knot
   * do.
   */
  private static Message skeleton(Message query, int rcode) {
    Header qh = query.getHeader();
    Message m = new Message(qh.getID());
    Header h = m.getHeader();
    h.setFlag(Flags.QR);
    h.setOpcode(qh.getOpcode());
    if (qh.getFlag(Flags.RD)) {
      h.setFlag(Flags.RD);
    }
    h.setRcode(rcode & 0xF);
    Record q = query.getQuestion();
    if (q != null && qh.getCount(Section.QUESTION) == 1) {
      m.addRecord(q, Section.QUESTION);
    }
    return m;
  }

  /**
   * Adds our OPT when the query had one (RFC 6891 section 7) and renders within the client's limit
   * (see {@link #fit}).
   */
  private byte[] render(Message response, Message query, boolean tcp) {
    return render(response, query, tcp, 0, null);
  }

  private byte[] render(Message response, Message query, boolean tcp, int ext, EDNSOption option) {
    OPTRecord opt = query.getOPT();
    int limit = tcp ? TCP_MAX : PLAIN_UDP;
    OPTRecord ours = null;
    if (opt != null) {
      int flags = opt.getFlags() & ExtendedFlags.DO; // RFC 3225 section 3: copy DO
      ours =
          option == null
              ? new OPTRecord(payloadSize, ext, 0, flags)
              : new OPTRecord(payloadSize, ext, 0, flags, option);
      response.addRecord(ours, Section.ADDITIONAL);
      if (!tcp) {
        limit = Math.max(PLAIN_UDP, Math.min(opt.getPayloadSize(), payloadSize));
      }
    }
    byte[] wire = response.toWire(TCP_MAX); // this form applies TSIG
    return wire.length <= limit ? wire : fit(response, ours, limit);
  }

  /**
   * Cuts a response that is over {@code limit} as NSD does: the additional section goes first, then
   * the authority section of a positive answer (both optional data, so TC stays clear, RFC 2181
   * section 9); if the rest still does not fit, TC=1 with empty sections and the client retries
   * over TCP. What fits of the additional section is then put back, RRset by RRset in the engine's
   * order up to the first that does not fit; a referral that loses glue for an in-domain name
   * server gets TC (RFC 9471).
   */
  private byte[] fit(Message response, OPTRecord ours, int limit) {
    List<Record> additional = new java.util.ArrayList<>();
    for (Record r : response.getSection(Section.ADDITIONAL)) {
      if (r.getType() != Type.OPT) {
        additional.add(r);
      }
    }
    Name cut = referralCut(response);
    response.removeAllRecords(Section.ADDITIONAL);
    if (ours != null) {
      response.addRecord(ours, Section.ADDITIONAL);
    }
    byte[] wire = response.toWire(TCP_MAX); // this form applies TSIG
    if (wire.length > limit && response.getHeader().getCount(Section.ANSWER) > 0) {
      response.removeAllRecords(Section.AUTHORITY);
      wire = response.toWire(TCP_MAX);
      additional.clear(); // what it held addressed the authority section just removed
    }
    if (wire.length > limit) {
      stats.truncated.increment();
      response.removeAllRecords(Section.ANSWER);
      response.removeAllRecords(Section.AUTHORITY);
      response.getHeader().setFlag(Flags.TC);
      return response.toWire(TCP_MAX);
    }
    boolean requiredLeftOut = false;
    for (int i = 0; i < additional.size(); ) {
      int end = i + 1;
      Record first = additional.get(i);
      while (end < additional.size() && sameRrset(first, additional.get(end))) {
        end++;
      }
      List<Record> set = additional.subList(i, end);
      set.forEach(r -> response.addRecord(r, Section.ADDITIONAL));
      byte[] more = response.toWire(TCP_MAX);
      if (more.length > limit) { // the first RRset that does not fit ends the section, as in Knot
        set.forEach(r -> response.removeRecord(r, Section.ADDITIONAL));
        for (Record r : additional.subList(i, additional.size())) {
          requiredLeftOut |= cut != null && r.getName().subdomain(cut);
        }
        break;
      }
      wire = more;
      i = end;
    }
    if (requiredLeftOut) {
      stats.truncated.increment();
      response.getHeader().setFlag(Flags.TC);
      wire = response.toWire(TCP_MAX);
    }
    return wire;
  }

  private static boolean sameRrset(Record a, Record b) {
    return a.getType() == b.getType() && a.getName().equals(b.getName());
  }

  /** The delegation point of a referral (AA clear, no answer, NS in authority), else null. */
  private static Name referralCut(Message response) {
    Header h = response.getHeader();
    if (h.getFlag(Flags.AA) || h.getCount(Section.ANSWER) > 0) {
      return null;
    }
    for (Record r : response.getSection(Section.AUTHORITY)) {
      if (r.getType() == Type.NS) {
        return r.getName();
      }
    }
    return null;
  }

  private void transfer(Message query, byte[] wire, InetAddress client, Sink sink)
      throws IOException {
    QueryHandler.Transfer t;
    try {
      t = handler.transfer(query, wire, client);
    } catch (RuntimeException e) {
      stats.servfail.increment();
      logRateLimited(query.getQuestion(), e);
      sink.send(render(skeleton(query, Rcode.SERVFAIL), query, true));
      return;
    }
    if (t.rcode() != Rcode.NOERROR) {
      sink.send(render(skeleton(query, t.rcode()), query, true));
      return;
    }
    // RFC 5936 section 2.2: as many records per message as fit; the question in the first only.
    List<Record> records = t.records();
    TSIG.StreamGenerator signed =
        t.tsig() == null ? null : new TSIG.StreamGenerator(t.tsig(), t.request());
    Message m = skeleton(query, Rcode.NOERROR);
    m.getHeader().setFlag(Flags.AA);
    int size = 0;
    for (Record r : records) {
      int len = r.toWire(Section.ANSWER).length;
      if (size > 0 && size + len > TRANSFER_CHUNK) {
        sink.send(signed == null ? render(m, query, true) : sign(signed, m));
        m = new Message(query.getHeader().getID());
        m.getHeader().setFlag(Flags.QR);
        m.getHeader().setFlag(Flags.AA);
        size = 0;
      }
      m.addRecord(r, Section.ANSWER);
      size += len;
    }
    sink.send(signed == null ? render(m, query, true) : sign(signed, m));
  }

  /** RFC 8945 section 5.3.1: every message of a signed transfer carries a chained TSIG. */
  private static byte[] sign(TSIG.StreamGenerator signer, Message m) {
    signer.generate(m);
    return m.toWire(TCP_MAX);
  }

  /** An UPDATE needs exactly one zone (question) record to be processed at all. */
  private static boolean tcpOrUdpUpdate(Message query) {
    return query.getHeader().getCount(Section.ZONE) == 1 && query.getQuestion() != null;
  }

  private static int optCount(Message query) {
    int n = 0;
    for (Record r : query.getSection(Section.ADDITIONAL)) {
      if (r.getType() == Type.OPT) {
        n++;
      }
    }
    return n;
  }

  /** Renders an error response, no larger than the query (see {@link #capped}). */
  private byte[] error(Message response, Message query, int queryLength, boolean tcp) {
    return capped(render(response, query, tcp), queryLength);
  }

  /**
   * An error response (REFUSED, FORMERR, NOTIMP) is never larger than the query it answers, so that
   * a forged source gains nothing by it: when the rendered form is larger (our OPT, or a name
   * written out that the query compressed), the bare header goes instead.
   */
  static byte[] capped(byte[] wire, int queryLength) {
    int rcode = wire[3] & 0xF;
    boolean error = rcode == Rcode.REFUSED || rcode == Rcode.FORMERR || rcode == Rcode.NOTIMP;
    if (!error || wire.length <= queryLength) {
      return wire;
    }
    byte[] bare = java.util.Arrays.copyOf(wire, HEADER);
    java.util.Arrays.fill(bare, 4, HEADER, (byte) 0); // no records follow
    return bare;
  }

  /** A bare header echoing ID, opcode and RD with {@code rcode}, for packets we cannot parse. */
  static byte[] headerOnlyError(byte[] packet, int rcode) {
    byte[] out = new byte[HEADER];
    out[0] = packet[0];
    out[1] = packet[1];
    out[2] = (byte) (0x80 | (packet[2] & 0x79)); // QR, the query's opcode and RD
    out[3] = (byte) (rcode & 0xF);
    return out;
  }

  private void logRateLimited(Record question, Throwable e) {
    long now = System.nanoTime();
    long last = lastErrorLog.get();
    if (now - last > 10_000_000_000L && lastErrorLog.compareAndSet(last, now)) {
      LOG.log(Level.ERROR, "query " + question + " failed, answered SERVFAIL: " + e, e);
    }
  }
}
