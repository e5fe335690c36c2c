package dev.meridian.server;

/**
 * Reads the response class of rate limiting from response bytes (as BIND RRL): the same answer
 * (qname and qtype), NXDOMAIN and NODATA by zone (the SOA owner in the authority section),
 * referrals by the delegated name (the NS owner), and every error as one class. Also writes the
 * truncated "slip" form of a response. Stateless; no allocation.
 */
final class ResponseClass {
  static final int ANSWER = 1;
  static final int REFERRAL = 2;
  static final int NODATA = 3;
  static final int NXDOMAIN = 4;
  static final int ERROR = 5;

  private static final int HEADER = 12;
  private static final int SOA = 6;
  private static final int NS = 2;
  private static final int OPT = 41;
  private static final int TSIG = 250;
  private static final int MAX_POINTERS = 64;

  private ResponseClass() {}

  /**
   * A 64-bit key of {@code r[0..len)}'s class, seeded by {@code seed}; 0 for a response that is
   * never limited: not a response, unparseable, or signed with TSIG (its client proved who it is).
   */
  static long key(byte[] r, int len, long seed) {
    if (len < HEADER || (r[2] & 0x80) == 0) {
      return 0;
    }
    int rcode = r[3] & 0x0F;
    int qd = u16(r, 4);
    int an = u16(r, 6);
    int ns = u16(r, 8);
    int ar = u16(r, 10);
    int q = HEADER;
    int end = qd == 1 ? skipName(r, q, len) : -1;
    if (end < 0 || end + 4 > len) {
      return qd == 0 ? hash(seed, ERROR) : 0; // a header-only FORMERR is an error like any other
    }
    int qtype = u16(r, end);
    int p = skipRecords(r, end + 4, len, an);
    int soa = -1;
    int delegation = -1;
    for (int i = 0; i < ns && p >= 0; i++) {
      int type = p < len ? typeAfterName(r, p, len) : -1;
      if (type == SOA && soa < 0) {
        soa = p;
      } else if (type == NS && delegation < 0) {
        delegation = p;
      }
      p = skipRecords(r, p, len, 1);
    }
    if (p < 0 || isSigned(r, p, len, ar)) {
      return 0;
    }
    boolean tc = (r[2] & 0x02) != 0;
    boolean aa = (r[2] & 0x04) != 0;
    if (rcode == 3) {
      return name(r, soa >= 0 ? soa : q, len, hash(seed, NXDOMAIN));
    }
    if (rcode != 0) {
      return hash(seed, ERROR);
    }
    if (an > 0 || tc) {
      return mix(name(r, q, len, hash(seed, ANSWER)) ^ qtype);
    }
    if (!aa && delegation >= 0) {
      return name(r, delegation, len, hash(seed, REFERRAL));
    }
    return name(r, soa >= 0 ? soa : q, len, hash(seed, NODATA));
  }

  /**
   * Writes the slip form of {@code r[0..len)} into {@code out}: header and question, TC set, no
   * answer or authority, and the OPT record if there was one, so that a real client retries over
   * TCP (RFC 7766 section 5). Returns its length, or -1 when {@code r} cannot be cut.
   */
  static int slip(byte[] r, int len, byte[] out) {
    if (len < HEADER || u16(r, 4) != 1) {
      return -1;
    }
    int end = skipName(r, HEADER, len);
    if (end < 0 || end + 4 > len) {
      return -1;
    }
    end += 4;
    int p = skipRecords(r, end, len, u16(r, 6) + u16(r, 8));
    int ar = u16(r, 10);
    int optAt = -1;
    int optLen = 0;
    for (int i = 0; i < ar && p >= 0; i++) {
      int next = skipRecords(r, p, len, 1);
      if (next > 0 && r[p] == 0 && typeAfterName(r, p, len) == OPT) {
        optAt = p;
        optLen = next - p;
      }
      p = next;
    }
    if (p < 0 || end + optLen > out.length) {
      return -1;
    }
    System.arraycopy(r, 0, out, 0, end);
    out[2] |= 0x02; // TC
    out[6] = 0;
    out[7] = 0;
    out[8] = 0;
    out[9] = 0;
    out[10] = 0;
    out[11] = (byte) (optAt >= 0 ? 1 : 0);
    if (optAt >= 0) {
      System.arraycopy(r, optAt, out, end, optLen);
    }
    return end + optLen;
  }

  private static boolean isSigned(byte[] r, int p, int len, int ar) {
    int last = -1;
    for (int i = 0; i < ar && p >= 0; i++) {
      last = p;
      p = skipRecords(r, p, len, 1);
    }
    return p < 0 || (last >= 0 && typeAfterName(r, last, len) == TSIG);
  }

  /** The offset after {@code count} resource records starting at {@code p}, or -1. */
  private static int skipRecords(byte[] r, int p, int len, int count) {
    for (int i = 0; i < count && p >= 0; i++) {
      p = skipName(r, p, len);
      if (p < 0 || p + 10 > len) {
        return -1;
      }
      p += 10 + u16(r, p + 8);
      if (p > len) {
        return -1;
      }
    }
    return p;
  }

  private static int typeAfterName(byte[] r, int p, int len) {
    int e = skipName(r, p, len);
    return e < 0 || e + 2 > len ? -1 : u16(r, e);
  }

  /** The offset after the (possibly compressed) name at {@code p}, or -1 if malformed. */
  static int skipName(byte[] r, int p, int len) {
    while (p < len) {
      int b = r[p] & 0xFF;
      if (b == 0) {
        return p + 1;
      }
      if ((b & 0xC0) == 0xC0) {
        return p + 2 <= len ? p + 2 : -1;
      }
      if ((b & 0xC0) != 0) {
        return -1;
      }
      p += 1 + b;
    }
    return -1;
  }

  /** Folds the name at {@code p} into {@code h}, case-insensitively, following pointers. */
  static long name(byte[] r, int p, int len, long h) {
    int hops = 0;
    while (p < len) {
      int b = r[p] & 0xFF;
      if (b == 0) {
        return mix(h);
      }
      if ((b & 0xC0) == 0xC0) {
        if (p + 1 >= len || ++hops > MAX_POINTERS) {
          return mix(h);
        }
        p = ((b & 0x3F) << 8) | (r[p + 1] & 0xFF);
        continue;
      }
      int end = Math.min(len, p + 1 + b);
      h = (h ^ b) * 0x100000001B3L;
      for (int i = p + 1; i < end; i++) {
        int c = r[i] & 0xFF;
        if (c >= 'A' && c <= 'Z') {
          c += 'a' - 'A';
        }
        h = (h ^ c) * 0x100000001B3L;
      }
      p = end;
    }
    return mix(h);
  }

  private static long hash(long seed, int kind) {
    return mix(seed ^ (kind * 0x9E3779B97F4A7C15L));
  }

  /** SplitMix64's finaliser: every input bit affects every output bit. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  private static int u16(byte[] r, int p) {
    return ((r[p] & 0xFF) << 8) | (r[p + 1] & 0xFF);
  }
}
