package dev.meridian.engine;

import java.net.InetAddress;
import java.util.List;
import org.xbill.DNS.Message;
import org.xbill.DNS.Record;

/**
 * What the wire layer asks of the engine. The server has already checked the header, opcode,
 * question count and EDNS version; implementations must be thread-safe and must not block.
 */
public interface QueryHandler {

  /**
   * Answers a standard query. {@code response} already carries the header (ID, QR, opcode, RD) and
   * the question; fill in rcode, AA and the sections.
   *
   * @return the ECS scope prefix the answer holds for (RFC 7871 section 7.2.1): 0 when every client
   *     gets the same answer
   */
  int answer(Message query, Message response, ClientInfo client);

  /**
   * Answers a plain question from answers encoded at load, when it can: writes the whole response
   * (without OPT, which the wire layer adds) into {@code out}. Must not allocate or block.
   *
   * @return the response length, or -1 when {@link #answer} must answer instead
   */
  default int answerFast(WireQuery query, byte[] out) {
    return -1;
  }

  /**
   * A dynamic update (RFC 2136). {@code wire} is the message as received, which its TSIG signs.
   * Fill in the rcode; a signed request gets a signed response.
   */
  void update(Message query, byte[] wire, Message response);

  /**
   * A zone transfer (AXFR, or IXFR answered with a full zone or an up-to-date SOA) over TCP.
   *
   * @return the rcode and, when it is NOERROR, the records to send in order
   */
  Transfer transfer(Message query, byte[] wire, InetAddress client);

  /**
   * The outcome of a transfer request. Immutable.
   *
   * @param tsig the key to sign every message with (the request was signed with it), or null
   * @param request the request's TSIG record, or null
   */
  record Transfer(
      int rcode, List<Record> records, org.xbill.DNS.TSIG tsig, org.xbill.DNS.TSIGRecord request) {
    public Transfer {
      records = List.copyOf(records);
    }

    public Transfer(int rcode, List<Record> records) {
      this(rcode, records, null, null);
    }
  }
}
