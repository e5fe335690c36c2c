package dev.meridian.server;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.GenericEDNSOption;

/**
 * The EDNS Client Subnet option of a query (RFC 7871 section 6), read from the wire by us:
 * dnsjava's parser turns an IPv4-mapped IPv6 address into IPv4 and then rejects the source prefix,
 * and every well-formed option must be answered. Also builds the option we echo. Immutable.
 */
final class ClientSubnet {
  static final int CODE = 8;

  /** The code an ECS option is renamed to before dnsjava parses the query (local use range). */
  private static final int HIDDEN_CODE = 65001;

  private final int family;
  private final int sourcePrefix;
  private final byte[] address; // as sent: ceil(source / 8) bytes
  private final InetAddress subnet;

  private ClientSubnet(int family, int sourcePrefix, byte[] address, InetAddress subnet) {
    this.family = family;
    this.sourcePrefix = sourcePrefix;
    this.address = address;
    this.subnet = subnet;
  }

  /**
   * What the scan of a query found: the bytes to hand to dnsjava (ECS options renamed), the option
   * (null without one) and whether it was malformed (RFC 7871 section 7.1.1: FORMERR).
   */
  static final class Scan {
    private final byte[] wire;
    private final ClientSubnet option;
    private final boolean malformed;

    Scan(byte[] wire, ClientSubnet option, boolean malformed) {
      this.wire = wire;
      this.option = option;
      this.malformed = malformed;
    }

    /** The query for dnsjava: a copy, with any ECS option renamed. */
    byte[] wire() {
      return wire;
    }

    ClientSubnet option() {
      return option;
    }

    boolean malformed() {
      return malformed;
    }
  }

  /**
   * Finds the ECS option in the OPT record of {@code packet[0..length)}. A packet whose structure
   * cannot be followed is returned as it is, for dnsjava to reject.
   */
  static Scan scan(byte[] packet, int length) {
    byte[] wire = Arrays.copyOf(packet, length);
    int[] counts = new int[4];
    for (int i = 0; i < 4; i++) {
      counts[i] = u16(wire, 4 + 2 * i);
    }
    int at = PacketProcessor.HEADER;
    for (int i = 0; i < counts[0] && at >= 0; i++) {
      at = skipName(wire, at);
      at = at < 0 ? -1 : at + 4;
    }
    ClientSubnet found = null;
    boolean malformed = false;
    int records = counts[1] + counts[2] + counts[3];
    for (int i = 0; i < records && at >= 0; i++) {
      at = skipName(wire, at);
      if (at < 0 || at + 10 > wire.length) {
        return new Scan(wire, null, false);
      }
      int type = u16(wire, at);
      int rdlength = u16(wire, at + 8);
      int rdata = at + 10;
      at = rdata + rdlength;
      if (at > wire.length) {
        return new Scan(wire, null, false);
      }
      if (type != 41 || i < counts[1] + counts[2]) {
        continue;
      }
      for (int o = rdata; o + 4 <= at; ) {
        int code = u16(wire, o);
        int len = u16(wire, o + 2);
        if (o + 4 + len > at) {
          break; // a broken option list: dnsjava answers FORMERR
        }
        if (code == CODE) {
          wire[o] = (byte) (HIDDEN_CODE >>> 8);
          wire[o + 1] = (byte) HIDDEN_CODE;
          ClientSubnet c = parse(wire, o + 4, len);
          malformed |= c == null || found != null; // exactly one ECS option
          found = c;
        }
        o += 4 + len;
      }
    }
    return new Scan(wire, malformed ? null : found, malformed);
  }

  /**
   * One option's data: FAMILY (1 or 2), SOURCE PREFIX-LENGTH (at most 32 or 128), SCOPE
   * PREFIX-LENGTH (0 in queries), and exactly ceil(source / 8) address bytes with no bits set past
   * the source prefix (RFC 7871 section 6). Null when malformed.
   */
  static ClientSubnet parse(byte[] b, int at, int len) {
    if (len < 4) {
      return null;
    }
    int family = u16(b, at);
    int source = b[at + 2] & 0xFF;
    int scope = b[at + 3] & 0xFF;
    int width = family == 1 ? 4 : family == 2 ? 16 : -1;
    if (width < 0 || source > width * 8 || scope != 0 || len - 4 != (source + 7) / 8) {
      return null;
    }
    byte[] sent = Arrays.copyOfRange(b, at + 4, at + len);
    if (sent.length > 0
        && source % 8 != 0
        && (sent[sent.length - 1] & (0xFF >>> (source % 8))) != 0) {
      return null; // bits past the source prefix
    }
    byte[] full = Arrays.copyOf(sent, width);
    try {
      // Inet6Address keeps ::ffff:a.b.c.d an IPv6 address, as the client sent it
      InetAddress subnet =
          width == 16 ? Inet6Address.getByAddress(null, full, -1) : InetAddress.getByAddress(full);
      return new ClientSubnet(family, source, sent, subnet);
    } catch (UnknownHostException e) {
      throw new AssertionError("4 or 16 bytes are an address", e);
    }
  }

  /** The subnet's address, host bits zero: IPv4 for family 1, IPv6 (even IPv4-mapped) for 2. */
  InetAddress address() {
    return subnet;
  }

  int sourcePrefix() {
    return sourcePrefix;
  }

  /**
   * The option for the response: family, source prefix and address as the client sent them, and
   * {@code scope} (in the option's family, clamped to it); scope 0 when the client asked us not to
   * use its address (source prefix 0, RFC 7871 section 7.1.2).
   */
  EDNSOption echo(int scope) {
    int sc = sourcePrefix == 0 ? 0 : Math.min(Math.max(scope, 0), family == 1 ? 32 : 128);
    byte[] data = new byte[4 + address.length];
    data[1] = (byte) family;
    data[2] = (byte) sourcePrefix;
    data[3] = (byte) sc;
    System.arraycopy(address, 0, data, 4, address.length);
    return new GenericEDNSOption(CODE, data);
  }

  private static int u16(byte[] b, int at) {
    return (b[at] & 0xFF) << 8 | (b[at + 1] & 0xFF);
  }

  /** The offset after the name at {@code at}, or -1 when it runs off the packet. */
  private static int skipName(byte[] b, int at) {
    while (at < b.length) {
      int len = b[at] & 0xFF;
      if (len == 0) {
        return at + 1;
      }
      if ((len & 0xC0) == 0xC0) {
        return at + 2 <= b.length ? at + 2 : -1;
      }
      if ((len & 0xC0) != 0) {
        return -1; // extended label types (RFC 6891 section 5): not followed
      }
      at += len + 1;
    }
    return -1;
  }
}
