package dev.meridian.server;

import dev.meridian.engine.QueryHandler;
import dev.meridian.engine.WireQuery;

/**
 * The fast path of the wire layer: reads header, question and OPT straight from the packet (no
 * dnsjava {@code Message}), asks the engine for a response encoded at load, and appends our OPT
 * (RFC 6891: our payload size, DO copied) and the ECS option echoed with scope 0 (RFC 7871 section
 * 7.2.1). Anything unusual (another opcode, more records, a compressed or odd question, EDNS
 * version above 0, a malformed ECS option, a response that would need truncation) returns -1 and
 * the general path answers. Thread-safe; {@link State} is confined to one worker thread.
 */
final class FastResponder {
  private static final int OPT = 41;
  private static final int ECS = 8;

  private final QueryHandler handler;
  private final int payloadSize;

  FastResponder(QueryHandler handler, int payloadSize) {
    this.handler = handler;
    this.payloadSize = payloadSize;
  }

  /** One worker's buffers, reused for every packet. */
  static final class State {
    final WireQuery query = new WireQuery();
    final byte[] out = new byte[PacketProcessor.TCP_MAX];

    /** The last answered query's type and whether it carried ECS, for the query counter. */
    int qtype;

    boolean ecs;
  }

  /**
   * Writes the response to {@code packet} into {@code state.out}; its length, or -1.
   *
   * @param client the packet's source, which stands for the client when there is no ECS subnet
   * @param tcp whether it came over TCP (no size limit but the message's)
   */
  int respond(byte[] packet, int length, java.net.InetAddress client, boolean tcp, State state) {
    if (length < PacketProcessor.HEADER
        || (packet[2] & 0xF8) != 0 // QR clear, opcode QUERY
        || u16(packet, 4) != 1
        || u16(packet, 6) != 0
        || u16(packet, 8) != 0
        || u16(packet, 10) > 1) {
      return -1;
    }
    WireQuery q = state.query;
    int p = q.readQuestion(packet, length);
    if (p < 0) {
      return -1;
    }
    state.qtype = u16(packet, p - 4);
    boolean edns = u16(packet, 10) == 1;
    int limit = PacketProcessor.PLAIN_UDP;
    int doBit = 0;
    int ecsAt = -1;
    int ecsLength = 0;
    if (edns) {
      // the OPT record: root owner, type, payload size, extended RCODE, version, flags, options
      if (p + 11 > length || packet[p] != 0 || u16(packet, p + 1) != OPT || packet[p + 6] != 0) {
        return -1; // not OPT, or EDNS version above 0 (BADVERS from the general path)
      }
      int clientSize = u16(packet, p + 3);
      limit = Math.max(PacketProcessor.PLAIN_UDP, Math.min(clientSize, payloadSize));
      doBit = packet[p + 7] & 0x80;
      int end = p + 11 + u16(packet, p + 9);
      if (end != length) {
        return -1;
      }
      for (int o = p + 11; o < end; ) {
        if (o + 4 > end) {
          return -1;
        }
        int code = u16(packet, o);
        int len = u16(packet, o + 2);
        if (o + 4 + len > end) {
          return -1;
        }
        if (code == ECS) {
          if (ecsAt >= 0 || !isPlainEcs(packet, o + 4, len)) {
            return -1; // the general path accepts or refuses it
          }
          ecsAt = o + 4;
          ecsLength = len;
        }
        o += 4 + len;
      }
    } else if (p != length) {
      return -1;
    }
    if (!subject(q, packet, ecsAt, ecsLength, client)) {
      return -1;
    }
    state.ecs = ecsAt >= 0;
    byte[] out = state.out;
    int n = handler.answerFast(q, out);
    if (n < 0) {
      return -1;
    }
    if (edns) {
      n = appendOpt(out, n, doBit, packet, ecsAt, ecsLength, q.scope());
    }
    return n <= (tcp ? PacketProcessor.TCP_MAX : limit) ? n : -1; // truncation: the general path
  }

  /**
   * Tells the query who the client is: the ECS subnet when its source prefix is not 0 (RFC 7871
   * section 7.1.2), else the packet's source. False for the forms the general path reads itself
   * (IPv4-mapped and IPv4-compatible subnets).
   */
  private static boolean subject(
      WireQuery q, byte[] packet, int ecsAt, int ecsLength, java.net.InetAddress client) {
    if (ecsAt >= 0 && (packet[ecsAt + 2] & 0xFF) > 0) {
      boolean v6 = packet[ecsAt + 1] == 2;
      long hi = 0;
      long lo = 0;
      int octets = ecsLength - 4;
      for (int i = 0; i < (v6 ? 16 : 4); i++) {
        int b = i < octets ? packet[ecsAt + 4 + i] & 0xFF : 0;
        if (v6 && i < 8) {
          hi = hi << 8 | b;
        } else {
          lo = lo << 8 | b;
        }
      }
      if (v6 && hi == 0 && (lo >>> 32 == 0 || lo >>> 32 == 0xFFFF)) {
        return false;
      }
      q.subject(v6, hi, lo);
    } else if (client instanceof java.net.Inet4Address) {
      q.subject(false, 0, client.hashCode() & 0xFFFF_FFFFL); // hashCode is the address, no copy
    } else if (client != null) {
      byte[] a = client.getAddress();
      long hi = 0;
      long lo = 0;
      for (int i = 0; i < 8; i++) {
        hi = hi << 8 | (a[i] & 0xFF);
        lo = lo << 8 | (a[8 + i] & 0xFF);
      }
      q.subject(true, hi, lo);
    } else {
      q.noSubject();
    }
    return true;
  }

  private int appendOpt(
      byte[] out, int n, int doBit, byte[] packet, int ecsAt, int ecsLength, int scope) {
    int rdLength = ecsAt < 0 ? 0 : 4 + ecsLength;
    out[n] = 0; // root owner
    out[n + 1] = 0;
    out[n + 2] = (byte) OPT;
    out[n + 3] = (byte) (payloadSize >>> 8);
    out[n + 4] = (byte) payloadSize;
    out[n + 5] = 0; // extended RCODE
    out[n + 6] = 0; // version
    out[n + 7] = (byte) doBit;
    out[n + 8] = 0;
    out[n + 9] = (byte) (rdLength >>> 8);
    out[n + 10] = (byte) rdLength;
    n += 11;
    if (ecsAt >= 0) {
      out[n] = 0;
      out[n + 1] = (byte) ECS;
      out[n + 2] = (byte) (ecsLength >>> 8);
      out[n + 3] = (byte) ecsLength;
      System.arraycopy(packet, ecsAt, out, n + 4, ecsLength);
      int source = packet[ecsAt + 2] & 0xFF;
      int max = packet[ecsAt + 1] == 1 ? 32 : 128;
      out[n + 4 + 3] = (byte) (source == 0 ? 0 : Math.min(scope, max)); // RFC 7871 7.2.1
      n += 4 + ecsLength;
    }
    int additional = u16(out, 10) + 1;
    out[10] = (byte) (additional >>> 8);
    out[11] = (byte) additional;
    return n;
  }

  /**
   * An ECS option any reading accepts (RFC 7871 section 6): family 1 or 2, a source prefix within
   * it, scope 0, exactly the address octets the prefix needs, and no bits set beyond it.
   */
  private static boolean isPlainEcs(byte[] b, int at, int len) {
    if (len < 4) {
      return false;
    }
    int family = u16(b, at);
    int source = b[at + 2] & 0xFF;
    int max = family == 1 ? 32 : family == 2 ? 128 : -1;
    if (max < 0 || source > max || b[at + 3] != 0 || len != 4 + (source + 7) / 8) {
      return false;
    }
    int bits = source % 8;
    return bits == 0 || (b[at + len - 1] & (0xFF >>> bits)) == 0;
  }

  private static int u16(byte[] b, int at) {
    return (b[at] & 0xFF) << 8 | (b[at + 1] & 0xFF);
  }
}
