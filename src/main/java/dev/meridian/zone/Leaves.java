package dev.meridian.zone;

import java.util.Arrays;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSInput;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;
import org.xbill.DNS.WireParseException;

/**
 * The leaves of a zone: owner names that hold one A record, one AAAA record or one of each, and
 * nothing else, with no name below them, not the apex and not a wildcard. Most names of a large
 * zone are leaves, so they are kept in a few large arrays (names in wire form without the apex,
 * addresses, TTLs, an open-addressing table) rather than as a {@link Node}, a {@link Name} and
 * {@link Record}s each: a million of them are tens of megabytes that the collector neither copies
 * nor scans, where the objects were half a gigabyte. {@link Zone#node} makes a leaf's node on
 * demand for the general path; the fast path reads the arrays. Immutable.
 */
public final class Leaves {
  private static final Leaves NONE = new LeavesBuilder().build();
  private static final int[] A_ONLY = {Type.A};
  private static final int[] AAAA_ONLY = {Type.AAAA};
  private static final int[] A_AAAA = {Type.A, Type.AAAA};
  private static final int[] AAAA_A = {Type.AAAA, Type.A};

  private final int count;
  private final byte[] names; // wire forms without the apex (labels only), as written, concatenated
  private final int[] nameAt; // count + 1 offsets into names
  private final int[] v4; // the A address of leaf i
  private final int[] v4Ttl; // its TTL, or -1: no A record
  private final byte[] v6; // 16 octets per leaf; null when no leaf has AAAA
  private final int[] v6Ttl; // null when no leaf has AAAA; else the TTL or -1
  private final long[] aaaaFirst; // a bit per leaf whose AAAA came first in the file; null: none
  private final int[] slots; // leaf index + 1 by hash of the lower-cased name; 0: empty
  private final int records;
  private int[] recordStart; // leaf i's first record's index in records(); made when first needed

  Leaves(LeavesBuilder b, int[] keep) {
    int n = keep.length;
    this.count = n;
    int bytes = 0;
    for (int i : keep) {
      bytes += b.nameAt[i + 1] - b.nameAt[i];
    }
    names = new byte[bytes];
    nameAt = new int[n + 1];
    v4 = new int[n];
    v4Ttl = new int[n];
    boolean anyV6 = false;
    boolean anyFirst = false;
    for (int i : keep) {
      anyV6 |= b.v6Ttl[i] >= 0;
      anyFirst |= b.aaaaFirst(i);
    }
    v6 = anyV6 ? new byte[16 * n] : null;
    v6Ttl = anyV6 ? new int[n] : null;
    aaaaFirst = anyFirst ? new long[(n + 63) >>> 6] : null;
    int at = 0;
    int total = 0;
    for (int k = 0; k < n; k++) {
      int i = keep[k];
      int len = b.nameAt[i + 1] - b.nameAt[i];
      System.arraycopy(b.names, b.nameAt[i], names, at, len);
      nameAt[k] = at;
      at += len;
      v4[k] = b.v4[i];
      v4Ttl[k] = b.v4Ttl[i];
      if (anyV6) {
        v6Ttl[k] = b.v6Ttl[i];
        if (b.v6Ttl[i] >= 0) {
          System.arraycopy(b.v6, 16 * i, v6, 16 * k, 16);
        }
      }
      if (anyFirst && b.aaaaFirst(i)) {
        aaaaFirst[k >>> 6] |= 1L << k;
      }
      total += (v4Ttl[k] >= 0 ? 1 : 0) + (anyV6 && v6Ttl[k] >= 0 ? 1 : 0);
    }
    nameAt[n] = at;
    records = total;
    int capacity = Integer.highestOneBit(Math.max(4, n * 2 - 1)) << 1;
    slots = new int[capacity];
    int mask = capacity - 1;
    for (int k = 0; k < n; k++) {
      int slot = hash(names, nameAt[k], nameAt[k + 1]) & mask;
      while (slots[slot] != 0) {
        slot = (slot + 1) & mask;
      }
      slots[slot] = k + 1;
    }
  }

  /**
   * The builder's own arrays, when every entry is a leaf (a zone made of little else): a copy of
   * tens of megabytes would be as much garbage again.
   */
  Leaves(LeavesBuilder b) {
    int n = b.count;
    this.count = n;
    names = b.names;
    nameAt = b.nameAt;
    v4 = b.v4;
    v4Ttl = b.v4Ttl;
    boolean anyV6 = false;
    boolean anyFirst = false;
    int total = 0;
    for (int k = 0; k < n; k++) {
      anyV6 |= b.v6Ttl[k] >= 0;
      anyFirst |= b.aaaaFirst(k);
      total += (b.v4Ttl[k] >= 0 ? 1 : 0) + (b.v6Ttl[k] >= 0 ? 1 : 0);
    }
    v6 = anyV6 ? b.v6 : null;
    v6Ttl = anyV6 ? b.v6Ttl : null;
    aaaaFirst = anyFirst ? b.first : null;
    records = total;
    slots = b.slots;
  }

  /** No leaves. */
  static Leaves none() {
    return NONE;
  }

  /** How many leaves. */
  public int count() {
    return count;
  }

  /** How many records the leaves hold. */
  public int recordCount() {
    return records;
  }

  /**
   * The leaf whose name, without the apex, is the wire form in {@code buf[from..to)} (labels only,
   * in any case), or -1. Allocates nothing.
   */
  public int find(byte[] buf, int from, int to) {
    if (count == 0) {
      return -1;
    }
    int mask = slots.length - 1;
    int slot = hash(buf, from, to) & mask;
    while (true) {
      int k = slots[slot] - 1;
      if (k < 0) {
        return -1;
      }
      if (sameName(names, nameAt[k], nameAt[k + 1], buf, from, to)) {
        return k;
      }
      slot = (slot + 1) & mask;
    }
  }

  /** The leaf at {@code name} in the zone with apex {@code origin}, or -1. */
  int find(Name name, Name origin) {
    if (count == 0 || name.labels() <= origin.labels() || !name.subdomain(origin)) {
      return -1;
    }
    return find(name.toWire(), 0, name.length() - origin.length());
  }

  /** The length of leaf i's name without the apex, in octets. */
  public int nameLength(int i) {
    return nameAt[i + 1] - nameAt[i];
  }

  /** Leaf i's name, with the apex. */
  public Name name(int i, Name origin) {
    return name(names, nameAt[i], nameAt[i + 1], origin);
  }

  /** The name whose labels below {@code origin} are the wire form in {@code labels[from..to)}. */
  static Name name(byte[] labels, int from, int to, Name origin) {
    byte[] wire = new byte[to - from + origin.length()];
    System.arraycopy(labels, from, wire, 0, to - from);
    System.arraycopy(origin.toWire(), 0, wire, to - from, origin.length());
    try {
      return new Name(new DNSInput(wire));
    } catch (WireParseException e) {
      throw new IllegalStateException("a leaf's name does not parse", e);
    }
  }

  /** Copies leaf i's name without the apex, lower-cased, to {@code out} at 0; its length. */
  public int copyLowerName(int i, byte[] out) {
    int len = nameLength(i);
    for (int k = 0; k < len; k++) {
      out[k] = lower(names[nameAt[i] + k]);
    }
    return len;
  }

  public boolean hasA(int i) {
    return v4Ttl[i] >= 0;
  }

  public boolean hasAaaa(int i) {
    return v6Ttl != null && v6Ttl[i] >= 0;
  }

  /** The TTL of leaf i's A record. */
  public int aTtl(int i) {
    return v4Ttl[i];
  }

  /** The TTL of leaf i's AAAA record. */
  public int aaaaTtl(int i) {
    return v6Ttl[i];
  }

  /** Writes leaf i's A address (4 octets) to {@code out} at {@code at}. */
  public void copyA(int i, byte[] out, int at) {
    int a = v4[i];
    out[at] = (byte) (a >>> 24);
    out[at + 1] = (byte) (a >>> 16);
    out[at + 2] = (byte) (a >>> 8);
    out[at + 3] = (byte) a;
  }

  /** Writes leaf i's AAAA address (16 octets) to {@code out} at {@code at}. */
  public void copyAaaa(int i, byte[] out, int at) {
    System.arraycopy(v6, 16 * i, out, at, 16);
  }

  /** Leaf i as a node (made now: for the general path, not the fast path). */
  Node node(int i, Name origin) {
    Name name = name(i, origin);
    Record[] records =
        records(name, v4[i], v4Ttl[i], v6, 16 * i, hasAaaa(i) ? v6Ttl[i] : -1, isAaaaFirst(i));
    int[] types =
        records.length == 2
            ? (records[0].getType() == Type.A ? A_AAAA : AAAA_A)
            : records[0].getType() == Type.A ? A_ONLY : AAAA_ONLY;
    Record[][] sets = new Record[records.length][];
    for (int k = 0; k < records.length; k++) {
      sets[k] = new Record[] {records[k]};
    }
    return new Node(name, types, sets, false);
  }

  /**
   * The records of one leaf named {@code name}, in file order, made now: the A record of address
   * {@code a} unless {@code aTtl} is -1, the AAAA record in {@code v6[v6At..v6At + 16)} unless
   * {@code aaaaTtl} is -1, the AAAA first when {@code aaaaFirst}.
   */
  static Record[] records(
      Name name, int a, int aTtl, byte[] v6, int v6At, int aaaaTtl, boolean aaaaFirst) {
    Record four = null;
    Record six = null;
    if (aTtl >= 0) {
      byte[] b = {(byte) (a >>> 24), (byte) (a >>> 16), (byte) (a >>> 8), (byte) a};
      four = Record.newRecord(name, Type.A, DClass.IN, aTtl, b);
    }
    if (aaaaTtl >= 0) {
      six =
          Record.newRecord(
              name, Type.AAAA, DClass.IN, aaaaTtl, Arrays.copyOfRange(v6, v6At, v6At + 16));
    }
    if (four == null || six == null) {
      return new Record[] {four == null ? six : four};
    }
    return aaaaFirst ? new Record[] {six, four} : new Record[] {four, six};
  }

  /** The k-th record of the leaves (leaf order, each leaf's records in file order), made now. */
  Record record(int k, Name origin) {
    int i;
    int within;
    if (records == count) {
      i = k; // one record per leaf
      within = 0;
    } else {
      int[] starts = recordStarts(); // ascending strictly: every leaf holds a record
      i = Arrays.binarySearch(starts, k);
      if (i < 0) {
        i = -i - 2; // the leaf's second record
      }
      within = k - starts[i];
    }
    Node node = node(i, origin);
    return node.set(within)[0];
  }

  private int[] recordStarts() {
    int[] s = recordStart;
    if (s == null) {
      s = new int[count];
      int at = 0;
      for (int i = 0; i < count; i++) {
        s[i] = at;
        at += (hasA(i) ? 1 : 0) + (hasAaaa(i) ? 1 : 0);
      }
      recordStart = s; // benign race: every thread computes the same array
    }
    return s;
  }

  /** True when both hold the same leaves in the same order, with the same TTLs. */
  boolean sameAs(Leaves o) {
    if (count != o.count
        || records != o.records
        || !Arrays.equals(names, 0, nameAt[count], o.names, 0, o.nameAt[count])
        || !Arrays.equals(nameAt, 0, count + 1, o.nameAt, 0, count + 1)) {
      return false;
    }
    for (int i = 0; i < count; i++) {
      if (v4Ttl[i] != o.v4Ttl[i]
          || (hasA(i) && v4[i] != o.v4[i])
          || hasAaaa(i) != o.hasAaaa(i)
          || (hasAaaa(i)
              && (v6Ttl[i] != o.v6Ttl[i]
                  || !Arrays.equals(v6, 16 * i, 16 * i + 16, o.v6, 16 * i, 16 * i + 16)))
          || isAaaaFirst(i) != o.isAaaaFirst(i)) {
        return false;
      }
    }
    return true;
  }

  private boolean isAaaaFirst(int i) {
    return aaaaFirst != null && (aaaaFirst[i >>> 6] & (1L << i)) != 0;
  }

  static byte lower(byte b) {
    return b >= 'A' && b <= 'Z' ? (byte) (b + 32) : b; // label lengths (0-63) are never letters
  }

  /**
   * The hash of a wire-form name in any case: FNV-1a over the lower-cased bytes, then MurmurHash3's
   * finalizer, so that names differing in their last octet land far apart in a table indexed by the
   * low bits (FNV-1a alone leaves the low bits a function of the low bits: a million names a0000000
   * ... a0999999 clustered, and linear probing took seconds).
   */
  public static int hash(byte[] b, int from, int to) {
    int h = 0x811C9DC5;
    for (int i = from; i < to; i++) {
      h = (h ^ (lower(b[i]) & 0xFF)) * 0x01000193;
    }
    h ^= h >>> 16;
    h *= 0x85EBCA6B;
    h ^= h >>> 13;
    h *= 0xC2B2AE35;
    return h ^ (h >>> 16);
  }

  static boolean sameName(byte[] a, int af, int at, byte[] b, int bf, int bt) {
    if (at - af != bt - bf) {
      return false;
    }
    for (int i = 0; i < at - af; i++) {
      if (lower(a[af + i]) != lower(b[bf + i])) {
        return false;
      }
    }
    return true;
  }
}
