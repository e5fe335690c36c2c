package dev.meridian.engine;

/**
 * A standard query as the wire layer read it straight from the packet, for the pre-encoded fast
 * path: the packet, where its question name ends, that name lower-cased with its label offsets, the
 * type, and whether RD was set. Also the worker's rotation counter. Confined to one worker thread,
 * which reuses it for every packet.
 */
public final class WireQuery {
  /** Longest name in wire form (RFC 1035 section 2.3.4). */
  static final int MAX_NAME = 255;

  final byte[] lower = new byte[MAX_NAME];
  final int[] labelStarts = new int[128];
  int labels;
  int nameLength;
  byte[] packet;
  int qtype;
  boolean rd;
  int turn;
  boolean hasSubject;
  boolean subjectV6;
  long subjectHi;
  long subjectLo;
  int scope;

  /**
   * Reads the question of {@code packet}, whose name starts at offset 12 (after the header).
   *
   * @return the offset just after QTYPE and QCLASS, or -1 when the name is compressed, malformed,
   *     or the packet ends inside the question
   */
  public int readQuestion(byte[] packet, int length) {
    this.packet = packet;
    int p = 12;
    int n = 0;
    labels = 0;
    while (true) {
      if (p >= length) {
        return -1;
      }
      int len = packet[p] & 0xFF;
      if (len == 0) {
        lower[n++] = 0;
        p++;
        break;
      }
      if (len > 63 || n + len + 1 >= MAX_NAME || p + 1 + len > length) {
        return -1; // a pointer, a reserved label type, or too long: the general path decides
      }
      labelStarts[labels++] = n;
      lower[n++] = (byte) len;
      for (int i = 1; i <= len; i++) {
        byte b = packet[p + i];
        lower[n++] = b >= 'A' && b <= 'Z' ? (byte) (b + 32) : b;
      }
      p += len + 1;
    }
    nameLength = n;
    if (p + 4 > length) {
      return -1;
    }
    qtype = ((packet[p] & 0xFF) << 8) | (packet[p + 1] & 0xFF);
    int qclass = ((packet[p + 2] & 0xFF) << 8) | (packet[p + 3] & 0xFF);
    rd = (packet[2] & 0x01) != 0;
    return qclass == 1 ? p + 4 : -1; // IN only; CHAOS explanations and the rest are rare
  }

  /**
   * Sets the address that stands for the client (the ECS subnet, else the source): an IPv4 address
   * in the low 32 bits of {@code lo}, or an IPv6 address as {@code hi:lo}. Clears the scope the
   * answer will report.
   */
  public void subject(boolean v6, long hi, long lo) {
    hasSubject = true;
    subjectV6 = v6;
    subjectHi = hi;
    subjectLo = lo;
    scope = 0;
  }

  /** No usable client address: policies that route by address take the general path. */
  public void noSubject() {
    hasSubject = false;
    scope = 0;
  }

  /** The ECS scope prefix the last fast answer holds for (0: every client gets it). */
  public int scope() {
    return scope;
  }

  /** The next value of this worker's rotation counter. */
  int nextTurn() {
    return turn++ & 0x7FFF_FFFF;
  }
}
