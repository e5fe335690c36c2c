package dev.meridian.zone;

import java.util.Arrays;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * Collects the {@link Leaves} of one zone while it loads; also marks the names that are not leaves
 * (explicit owners and names made so), so that one table says what each name below the apex is.
 * {@link Leaves} reads its arrays when built. Confined to the loading thread.
 */
final class LeavesBuilder {
  static final int ABSENT = -1;
  private static final byte LEAF = 0;
  private static final byte OTHER = 1; // an owner kept as a Node (or an empty non-terminal)
  private static final byte INTERCEPT = 2; // an OTHER at a delegation or DNAME

  int count;
  byte[] names;
  int[] nameAt;
  int[] v4;
  int[] v4Ttl;
  int[] v6Ttl;
  byte[] v6;
  private int[] lines;
  private byte[] kind;
  long[] first;
  int[] slots;
  private int leaves;

  LeavesBuilder() {
    this(0);
  }

  /** A builder with room for {@code expected} names before it grows. */
  LeavesBuilder(int expected) {
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
    int slot = Leaves.hash(buf, from, to) & mask;
    while (true) {
      int k = slots[slot] - 1;
      if (k < 0) {
        return ABSENT;
      }
      if (Leaves.sameName(names, nameAt[k], nameAt[k + 1], buf, from, to)) {
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
    int slot = Leaves.hash(buf, from, to) & mask;
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

  boolean aaaaFirst(int k) {
    return (first[k >>> 6] & (1L << k)) != 0;
  }

  /** The records of leaf k, in file order, made now. */
  Record[] records(int k, Name name) {
    return Leaves.records(name, v4[k], v4Ttl[k], v6, 16 * k, v6Ttl[k], aaaaFirst(k));
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
      int slot = Leaves.hash(names, nameAt[k], nameAt[k + 1]) & mask;
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
