package dev.meridian.server;

import dev.meridian.engine.ClientInfo;
import dev.meridian.engine.QueryHandler;
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
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.Type;

/**
 * Turns one received packet into the packets to send back: header checks, EDNS (RFC 6891),
 * truncation, FORMERR/NOTIMP/BADVERS, and zone-transfer framing. Stateless apart from counters;
 * thread-safe.
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
  }

  private final QueryHandler handler;
  private final int payloadSize;
  private final ServerStats stats;
  private final AtomicLong lastErrorLog = new AtomicLong();

  public PacketProcessor(QueryHandler handler, int payloadSize, ServerStats stats) {
    this.handler = handler;
    this.payloadSize = payloadSize;
    this.stats = stats;
  }

  /** Handles {@code packet[0..length)} from {@code client}; sends nothing for a dropped packet. */
  public void handle(byte[] packet, int length, InetAddress client, boolean tcp, Sink sink)
      throws IOException {
    if (length < HEADER || (packet[2] & 0x80) != 0) {
      stats.dropped.increment(); // no header to answer, or a response: never answer those
      return;
    }
    // ECS is read by us before dnsjava parses the rest (it rejects IPv4-mapped subnets)
    ClientSubnet.Scan ecsScan = ClientSubnet.scan(packet, length);
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
      sink.send(render(skeleton(query, Rcode.NOTIMP), query, tcp));
      return;
    }
    Record question = query.getQuestion();
    OPTRecord opt = query.getOPT();
    if (qh.getCount(Section.QUESTION) != 1
        || question == null
        || optCount(query) > 1
        || isMetaQtype(question.getType())) {
      stats.formerr.increment();
      sink.send(render(skeleton(query, Rcode.FORMERR), query, tcp));
      return;
    }
    if (opt != null && opt.getVersion() > 0) {
      // RFC 6891 section 6.1.3: BADVERS (16) is split between the header and our OPT
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
      sink.send(render(skeleton(query, Rcode.FORMERR), query, tcp));
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
    sink.send(render(response, query, tcp, 0, echo));
  }

  /** A response with the query's ID, opcode, RD, CD and question, and {@code rcode}. */
  private static Message skeleton(Message query, int rcode) {
    Header qh = query.getHeader();
    Message m = new Message(qh.getID());
    Header h = m.getHeader();
    h.setFlag(Flags.QR);
    h.setOpcode(qh.getOpcode());
    if (qh.getFlag(Flags.RD)) {
      h.setFlag(Flags.RD);
    }
    if (qh.getFlag(Flags.CD)) {
      h.setFlag(Flags.CD);
    }
    h.setRcode(rcode & 0xF);
    Record q = query.getQuestion();
    if (q != null && qh.getCount(Section.QUESTION) == 1) {
      m.addRecord(q, Section.QUESTION);
    }
    return m;
  }

  /**
   * Adds our OPT when the query had one (RFC 6891 section 7) and renders within the client's limit.
   * What does not fit is dropped as NSD does: first the additional section, then the authority
   * section of a positive answer (both optional data, so TC stays clear, RFC 2181 section 9); if
   * the rest still does not fit, TC=1 with empty sections, and the client retries over TCP.
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
    if (wire.length <= limit) {
      return wire;
    }
    response.removeAllRecords(Section.ADDITIONAL);
    if (ours != null) {
      response.addRecord(ours, Section.ADDITIONAL);
    }
    wire = response.toWire(TCP_MAX); // this form applies TSIG
    boolean positive = response.getHeader().getCount(Section.ANSWER) > 0;
    if (wire.length > limit && positive) {
      response.removeAllRecords(Section.AUTHORITY);
      wire = response.toWire(TCP_MAX); // this form applies TSIG
    }
    if (wire.length <= limit) {
      return wire;
    }
    stats.truncated.increment();
    response.removeAllRecords(Section.ANSWER);
    response.removeAllRecords(Section.AUTHORITY);
    response.getHeader().setFlag(Flags.TC);
    return response.toWire(TCP_MAX); // this form applies TSIG
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

  /** Types that may not appear in a question (RFC 6891 section 6.1.1, RFC 8945 section 5). */
  private static boolean isMetaQtype(int t) {
    return t == Type.OPT || t == Type.TSIG || t == Type.TKEY;
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
