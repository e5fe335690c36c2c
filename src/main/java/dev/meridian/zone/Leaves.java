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
  private static final Leaves NONE = new Builder().build();
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

  private Leaves(Builder b, int[] keep) {
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
  private Leaves(Builder b) {
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
    boolean a = hasA(i);
    boolean aaaa = hasAaaa(i);
    int[] types = a && aaaa ? (isAaaaFirst(i) ? AAAA_A : A_AAAA) : a ? A_ONLY : AAAA_ONLY;
    Record[][] sets = new Record[types.length][];
    for (int k = 0; k < types.length; k++) {
      sets[k] = new Record[] {record(i, types[k], name)};
    }
    return new Node(name, types, sets, false);
  }

  private Record record(int i, int type, Name name) {
    byte[] rdata = new byte[type == Type.A ? 4 : 16];
    long ttl;
    if (type == Type.A) {
      copyA(i, rdata, 0);
      ttl = v4Ttl[i];
    } else {
      copyAaaa(i, rdata, 0);
      ttl = v6Ttl[i];
    }
    return Record.newRecord(name, type, DClass.IN, ttl, rdata);
  }

  /** The k-th record of the leaves (leaf order, each leaf's records in file order), made now. */
  Record record(int k, Name origin) {
    int i;
    int within;
    if (records == count) {
      i = k; // one record per leaf
      within = 0;
    } else {
      int[] starts = recordStarts();
      i = Arrays.binarySearch(starts, k);
      if (i < 0) {
        i = -i - 2;
      } else {
        while (i > 0 && starts[i - 1] == k) {
          i--; // cannot happen (every leaf holds a record), but stay on the first
        }
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

  private static byte lower(byte b) {
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

  private static boolean sameName(byte[] a, int af, int at, byte[] b, int bf, int bt) {
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

  /**
   * Collects leaves while a zone loads; also marks the names that are not leaves (explicit owners
   * and names made so), so that one table says what each name below the apex is. Confined to the
   * loading thread.
   */
  static final class Builder {
    static final int ABSENT = -1;
    private static final byte LEAF = 0;
    private static final byte OTHER = 1; // an owner kept as a Node (or an empty non-terminal)
    private static final byte INTERCEPT = 2; // an OTHER at a delegation or DNAME

    private int count;
    private byte[] names;
    private int[] nameAt;
    private int[] v4;
    private int[] v4Ttl;
    private int[] v6Ttl;
    private byte[] v6;
    private int[] lines;
    private byte[] kind;
    private long[] first;
    private int[] slots;
    private int leaves;

    Builder() {
      this(0);
    }

    /** A builder with room for {@code expected} names before it grows. */
    Builder(int expected) {
      int n = Math.max(64, expected + 16);
      names = new byte[n * 12];
      nameAt = new int[n + 1];
      v4 = new int[n];
      v4Ttl = new int[n];
      v6Ttl = new int[n];
      v6 = new byte[16 * 64];
      lines = new int[n];
      kind = new byte[n];
      first = new long[(n + 63) >>> 6];
      slots = new int[Integer.highestOneBit(n * 2 - 1) << 1];
    }

    /** The entry for the name in {@code buf[from..to)} (labels, no apex), or {@link #ABSENT}. */
    int find(byte[] buf, int from, int to) {
      int mask = slots.length - 1;
      int slot = hash(buf, from, to) & mask;
      while (true) {
        int k = slots[slot] - 1;
        if (k < 0) {
          return ABSENT;
        }
        if (sameName(names, nameAt[k], nameAt[k + 1], buf, from, to)) {
          return k;
        }
        slot = (slot + 1) & mask;
      }
    }

    /** A new entry for a name {@link #find} does not know: a leaf with no records yet. */
    int add(byte[] buf, int from, int to, int line) {
      if (count == v4.length) {
        grow();
      }
      if ((count + 1) * 2 > slots.length) {
        rehash(slots.length * 2);
      }
      int len = to - from;
      int at = nameAt[count];
      if (at + len > names.length) {
        names = Arrays.copyOf(names, Math.max(names.length * 2, at + len));
      }
      System.arraycopy(buf, from, names, at, len);
      nameAt[count + 1] = at + len;
      v4Ttl[count] = -1;
      v6Ttl[count] = -1;
      lines[count] = line;
      kind[count] = LEAF;
      int mask = slots.length - 1;
      int slot = hash(buf, from, to) & mask;
      while (slots[slot] != 0) {
        slot = (slot + 1) & mask;
      }
      slots[slot] = count + 1;
      leaves++;
      return count++;
    }

    boolean isLeaf(int k) {
      return kind[k] == LEAF;
    }

    /** Entry k is an owner of a delegation or a DNAME: names below it cannot be leaves. */
    void markIntercept(int k) {
      markOther(k);
      kind[k] = INTERCEPT;
    }

    boolean isIntercept(int k) {
      return kind[k] == INTERCEPT;
    }

    /** Entry k is not (or no longer) a leaf: its records, if any, are the caller's to keep. */
    void markOther(int k) {
      if (kind[k] == LEAF) {
        kind[k] = OTHER;
        leaves--;
      }
    }

    /** How many entries are leaves now. */
    int leafCount() {
      return leaves;
    }

    /** Entries, leaves or not. */
    int size() {
      return count;
    }

    int line(int k) {
      return lines[k];
    }

    /** The name of entry k, without the apex: {@code names()[nameStart(k)..nameStart(k + 1))}. */
    byte[] names() {
      return names;
    }

    int nameStart(int k) {
      return nameAt[k];
    }

    /** {@link #addAddress}: the record was added, was already there, or cannot be held. */
    static final int ADDED = 1;

    static final int DUPLICATE = 0;
    static final int CONFLICT = -1;

    /**
     * Adds an A or AAAA record to leaf k: {@link #ADDED}, {@link #DUPLICATE} (RFC 2181 section 5:
     * dropped), or {@link #CONFLICT} when the leaf already holds another record of that type (the
     * caller then makes it a node).
     */
    int addAddress(int k, Record r) {
      byte[] rdata = r.rdataToWireCanonical();
      return addAddress(k, r.getType(), r.getTTL(), rdata, 0);
    }

    /** {@link #addAddress(int, Record)} from the rdata in {@code rdata[rdFrom..]}. */
    int addAddress(int k, int type, long ttl, byte[] rdata, int rdFrom) {
      if (type == Type.A) {
        int a =
            (rdata[rdFrom] & 0xFF) << 24
                | (rdata[rdFrom + 1] & 0xFF) << 16
                | (rdata[rdFrom + 2] & 0xFF) << 8
                | (rdata[rdFrom + 3] & 0xFF);
        if (v4Ttl[k] >= 0) {
          return v4[k] == a ? DUPLICATE : CONFLICT;
        }
        v4[k] = a;
        v4Ttl[k] = (int) ttl;
        return ADDED;
      }
      if (v6Ttl[k] >= 0) {
        return Arrays.equals(v6, 16 * k, 16 * k + 16, rdata, rdFrom, rdFrom + 16)
            ? DUPLICATE
            : CONFLICT;
      }
      if (v6.length < 16 * (k + 1)) {
        v6 = Arrays.copyOf(v6, Math.max(16 * (k + 1), Math.min(2 * v6.length, 16 * v4.length)));
      }
      System.arraycopy(rdata, rdFrom, v6, 16 * k, 16);
      v6Ttl[k] = (int) ttl;
      if (v4Ttl[k] < 0) {
        first[k >>> 6] |= 1L << k;
      }
      return ADDED;
    }

    boolean hasA(int k) {
      return v4Ttl[k] >= 0;
    }

    boolean hasAaaa(int k) {
      return v6Ttl[k] >= 0;
    }

    private boolean aaaaFirst(int k) {
      return (first[k >>> 6] & (1L << k)) != 0;
    }

    /** The records of leaf k, in file order, made now. */
    Record[] records(int k, Name name) {
      Record a = null;
      Record aaaa = null;
      if (v4Ttl[k] >= 0) {
        byte[] b = new byte[4];
        b[0] = (byte) (v4[k] >>> 24);
        b[1] = (byte) (v4[k] >>> 16);
        b[2] = (byte) (v4[k] >>> 8);
        b[3] = (byte) v4[k];
        a = Record.newRecord(name, Type.A, DClass.IN, v4Ttl[k], b);
      }
      if (v6Ttl[k] >= 0) {
        aaaa =
            Record.newRecord(
                name, Type.AAAA, DClass.IN, v6Ttl[k], Arrays.copyOfRange(v6, 16 * k, 16 * k + 16));
      }
      if (a == null) {
        return new Record[] {aaaa};
      }
      if (aaaa == null) {
        return new Record[] {a};
      }
      return aaaaFirst(k) ? new Record[] {aaaa, a} : new Record[] {a, aaaa};
    }

    private void grow() {
      int n = v4.length * 2;
      nameAt = Arrays.copyOf(nameAt, n + 1);
      v4 = Arrays.copyOf(v4, n);
      v4Ttl = Arrays.copyOf(v4Ttl, n);
      v6Ttl = Arrays.copyOf(v6Ttl, n);
      lines = Arrays.copyOf(lines, n);
      kind = Arrays.copyOf(kind, n);
      first = Arrays.copyOf(first, (n + 63) >>> 6);
    }

    private void rehash(int capacity) {
      slots = new int[capacity];
      int mask = capacity - 1;
      for (int k = 0; k < count; k++) {
        int slot = hash(names, nameAt[k], nameAt[k + 1]) & mask;
        while (slots[slot] != 0) {
          slot = (slot + 1) & mask;
        }
        slots[slot] = k + 1;
      }
    }

    /** The leaves, in the order they were added. The builder is not to be used again. */
    Leaves build() {
      if (leaves == count) {
        return new Leaves(this);
      }
      int[] keep = new int[leaves];
      int n = 0;
      for (int k = 0; k < count; k++) {
        if (kind[k] == LEAF) {
          keep[n++] = k;
        }
      }
      return new Leaves(this, keep);
    }
  }
}
