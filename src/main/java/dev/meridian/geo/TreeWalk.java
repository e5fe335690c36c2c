package dev.meridian.geo;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Walks the search tree of a MaxMind DB file (MaxMind DB spec 2.0, "Search Tree Section") in
 * address order and reports every leaf: a network with its data pointer, an empty network, or an
 * alias of the IPv4 subtree. IPv4-mapped {@code ::ffff:0:0/96} and 6to4 {@code 2002::/16} are
 * reported as aliases whatever the file says, because {@link MaxMindLocator#locate} answers them by
 * their IPv4 address (databases that MaxMind publishes alias them too; ours do not). Confined to
 * the walking thread.
 */
final class TreeWalk {
  /** Receives the leaves. */
  interface Leaves {
    /** A network; {@code pointer} is the file's record pointer, or -1 when the network is empty. */
    void network(long hi, long lo, int prefix, int pointer);

    void alias(long hi, long lo, int prefix);
  }

  private static final long[][] FORCED_ALIASES = {
    {0L, 0x0000_ffff_0000_0000L, 96}, // IPv4-mapped (RFC 4291 section 2.5.5.2)
    {0x2002_0000_0000_0000L, 0L, 16}, // 6to4 (RFC 3056)
  };

  private final ByteBuffer tree;
  private final int nodeCount;
  private final int recordSize;
  private final Leaves out;
  private int ipv4Start = -1;

  private TreeWalk(ByteBuffer tree, int nodeCount, int recordSize, Leaves out) {
    this.tree = tree;
    this.nodeCount = nodeCount;
    this.recordSize = recordSize;
    this.out = out;
  }

  private static final byte[] METADATA_MARKER = {
    (byte) 0xAB, (byte) 0xCD, (byte) 0xEF, 'M', 'a', 'x', 'M', 'i', 'n', 'd', '.', 'c', 'o', 'm'
  };

  /** Walks {@code file}'s tree as its metadata describes it. */
  static void walk(Path file, Leaves out) throws IOException {
    ByteBuffer all;
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      all = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size());
    }
    long[] meta = metadata(all); // node_count, record_size, ip_version
    int nodeCount = (int) meta[0];
    TreeWalk w = new TreeWalk(all, nodeCount, (int) meta[1], out);
    if (meta[2] == 6) {
      int node = 0;
      for (int i = 0; i < 96 && node < nodeCount; i++) {
        node = w.record(node, 0);
      }
      w.ipv4Start = node;
      w.node(0, 0, 0, 0);
      return;
    }
    // An IPv4-only database: its tree is ::/96, the rest of the space is unknown.
    w.node(0, 0, 0, 96);
    for (int p = 96; p >= 1; p--) {
      w.leaf(-1, p > 64 ? 0 : 1L << (64 - p), p > 64 ? 1L << (128 - p) : 0, p);
    }
  }

  /**
   * node_count, record_size and ip_version from the metadata map after the last marker (the reader
   * keeps them to itself). Metadata holds no pointers; other keys are skipped.
   */
  private static long[] metadata(ByteBuffer b) throws IOException {
    int at = -1;
    for (int i = b.limit() - METADATA_MARKER.length; i >= 0 && at < 0; i--) {
      int k = 0;
      while (k < METADATA_MARKER.length && b.get(i + k) == METADATA_MARKER[k]) {
        k++;
      }
      at = k == METADATA_MARKER.length ? i + k : -1;
    }
    if (at < 0) {
      throw new IOException("no MaxMind DB metadata marker");
    }
    long[] out = {-1, -1, -1};
    int[] pos = {at};
    long[] head = control(b, pos, at);
    if (head[0] != 7) {
      throw new IOException("metadata is not a map");
    }
    for (long i = 0; i < head[1]; i++) {
      long[] key = control(b, pos, at);
      String k = new String(bytes(b, pos, key), java.nio.charset.StandardCharsets.UTF_8);
      long[] value = control(b, pos, at);
      int slot =
          switch (k) {
            case "node_count" -> 0;
            case "record_size" -> 1;
            case "ip_version" -> 2;
            default -> -1;
          };
      if (slot >= 0) {
        long v = 0;
        for (byte x : bytes(b, pos, value)) {
          v = v << 8 | (x & 0xFF);
        }
        out[slot] = v;
      } else {
        skip(b, pos, value, at);
      }
    }
    if (out[0] < 0 || out[1] < 0 || out[2] < 0) {
      throw new IOException("metadata lacks node_count, record_size or ip_version");
    }
    return out;
  }

  /**
   * Reads a control byte (and extended type and size bytes): {type, size, offset of the payload}. A
   * pointer is followed (relative to {@code base}, the metadata's start) to what it points at.
   */
  private static long[] control(ByteBuffer b, int[] pos, int base) {
    int c = b.get(pos[0]++) & 0xFF;
    int type = c >>> 5;
    if (type == 1) {
      int ss = (c >>> 3) & 3;
      long p = ss == 3 ? 0 : c & 7;
      for (int i = 0; i <= ss; i++) {
        p = p << 8 | (b.get(pos[0]++) & 0xFF);
      }
      p += ss == 1 ? 2048 : ss == 2 ? 526336 : 0;
      int[] there = {base + (int) p};
      return control(b, there, base); // pos stays after the pointer
    }
    if (type == 0) {
      type = 7 + (b.get(pos[0]++) & 0xFF);
    }
    long size = c & 0x1F;
    if (size >= 29) {
      int extra = (int) size - 28;
      long v = 0;
      for (int i = 0; i < extra; i++) {
        v = v << 8 | (b.get(pos[0]++) & 0xFF);
      }
      size = (size == 29 ? 29 : size == 30 ? 285 : 65821) + v;
    }
    return new long[] {type, size, pos[0]};
  }

  /**
   * The payload bytes of a scalar; {@code pos} moves past it unless it was reached by a pointer.
   */
  private static byte[] bytes(ByteBuffer b, int[] pos, long[] head) {
    byte[] out = new byte[(int) head[1]];
    b.get((int) head[2], out);
    if (head[2] == pos[0]) {
      pos[0] += out.length;
    }
    return out;
  }

  private static void skip(ByteBuffer b, int[] pos, long[] head, int base) {
    if (head[2] != pos[0]) {
      return; // reached through a pointer: nothing of it lies here
    }
    int type = (int) head[0];
    long size = head[1];
    switch (type) {
      case 7 -> {
        for (long i = 0; i < size * 2; i++) {
          skip(b, pos, control(b, pos, base), base);
        }
      }
      case 11 -> {
        for (long i = 0; i < size; i++) {
          skip(b, pos, control(b, pos, base), base);
        }
      }
      case 14 -> {} // boolean: the size is the value
      default -> pos[0] += (int) size; // strings, bytes, numbers: size bytes follow
    }
  }

  private void node(int node, long hi, long lo, int depth) {
    if (isForcedAlias(hi, lo, depth)
        || (node == ipv4Start && node < nodeCount && depth > 0 && !(hi == 0 && lo == 0))) {
      out.alias(hi, lo, depth);
      return;
    }
    if (node >= nodeCount || depth == 128) {
      leaf(node >= nodeCount + 1 ? node : -1, hi, lo, depth);
      return;
    }
    node(record(node, 0), hi, lo, depth + 1);
    node(record(node, 1), withBit(hi, lo, depth, true), withBit(hi, lo, depth, false), depth + 1);
  }

  /** Reports a leaf, split around the forced aliases it covers. */
  private void leaf(int pointer, long hi, long lo, int depth) {
    if (isForcedAlias(hi, lo, depth)) {
      out.alias(hi, lo, depth);
      return;
    }
    if (coversForcedAlias(hi, lo, depth)) {
      leaf(pointer, hi, lo, depth + 1);
      leaf(pointer, withBit(hi, lo, depth, true), withBit(hi, lo, depth, false), depth + 1);
      return;
    }
    out.network(hi, lo, depth, pointer);
  }

  /** {@code hi} (when {@code high}) or {@code lo} with bit {@code depth} set. */
  private static long withBit(long hi, long lo, int depth, boolean high) {
    if (depth < 64) {
      return high ? hi | (1L << (63 - depth)) : lo;
    }
    return high ? hi : lo | (1L << (127 - depth));
  }

  private static boolean isForcedAlias(long hi, long lo, int depth) {
    for (long[] a : FORCED_ALIASES) {
      if (a[0] == hi && a[1] == lo && a[2] == depth) {
        return true;
      }
    }
    return false;
  }

  private static boolean coversForcedAlias(long hi, long lo, int depth) {
    for (long[] a : FORCED_ALIASES) {
      if (depth < a[2] && prefix(a[0], 0, depth) == hi && prefix(a[1], 64, depth) == lo) {
        return true;
      }
    }
    return false;
  }

  /** The first {@code depth} bits of the address half that starts at bit {@code start}. */
  private static long prefix(long half, int start, int depth) {
    int keep = depth - start;
    if (keep <= 0) {
      return 0;
    }
    return keep >= 64 ? half : half & (-1L << (64 - keep));
  }

  /** Child {@code side} (0 left, 1 right) of {@code node}. */
  private int record(int node, int side) {
    return switch (recordSize) {
      case 24 -> {
        int o = node * 6 + side * 3;
        yield u8(o) << 16 | u8(o + 1) << 8 | u8(o + 2);
      }
      case 28 -> {
        int o = node * 7;
        int middle = u8(o + 3);
        yield side == 0
            ? (middle & 0xF0) << 20 | u8(o) << 16 | u8(o + 1) << 8 | u8(o + 2)
            : (middle & 0x0F) << 24 | u8(o + 4) << 16 | u8(o + 5) << 8 | u8(o + 6);
      }
      case 32 -> tree.getInt(node * 8 + side * 4);
      default -> throw new IllegalStateException("unsupported record size " + recordSize);
    };
  }

  private int u8(int offset) {
    return tree.get(offset) & 0xFF;
  }
}
