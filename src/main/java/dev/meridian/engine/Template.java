package dev.meridian.engine;

import java.util.List;

/**
 * A response encoded at load for a question name of another length: the header, the question as
 * rendered for a stand-in name, and the sections after it, with the offsets of every compression
 * pointer that must move by the difference in name length. A pointer at offset 12 (the question
 * name itself) stays. Used for answers to names that are not nodes (NXDOMAIN). Immutable.
 */
final class Template {
  private final byte[] bytes;
  private final int nameLength;
  private final int[] pointers;
  private final byte[][] avoid;

  /**
   * @param bytes the response rendered for a stand-in name of {@code nameLength} wire octets
   * @param pointers offsets in {@code bytes} of compression pointers past offset 12
   * @param avoid lower-cased wire names that, as a suffix of the real question name, would have
   *     been compressed differently: such a question takes the general path
   */
  Template(byte[] bytes, int nameLength, int[] pointers, List<byte[]> avoid) {
    this.bytes = bytes;
    this.nameLength = nameLength;
    this.pointers = pointers;
    this.avoid = avoid.toArray(new byte[0][]);
  }

  /** Writes the response to {@code q} into {@code out}; its length, or -1 for the general path. */
  int write(WireQuery q, byte[] out) {
    for (byte[] a : avoid) {
      if (endsWith(q, a)) {
        return -1;
      }
    }
    int delta = q.nameLength - nameLength;
    int length = bytes.length + delta;
    if (length > out.length) {
      return -1;
    }
    System.arraycopy(bytes, 0, out, 0, 12);
    System.arraycopy(q.packet, 12, out, 12, q.nameLength + 4); // name as asked, type, class
    int rest = 12 + nameLength + 4;
    System.arraycopy(bytes, rest, out, rest + delta, bytes.length - rest);
    for (int at : pointers) {
      int o = at + delta;
      int target = ((out[o] & 0x3F) << 8 | (out[o + 1] & 0xFF)) + delta;
      out[o] = (byte) (0xC0 | (target >>> 8));
      out[o + 1] = (byte) target;
    }
    FastAnswers.patchHeader(q, out);
    return length;
  }

  /** True when the question name ends with the name {@code a}, on a label boundary. */
  private static boolean endsWith(WireQuery q, byte[] a) {
    int from = q.nameLength - a.length;
    if (from < 0) {
      return false;
    }
    boolean boundary = from == 0;
    for (int i = 0; i < q.labels && !boundary; i++) {
      boundary = q.labelStarts[i] == from;
    }
    return boundary && java.util.Arrays.equals(q.lower, from, q.nameLength, a, 0, a.length);
  }

  /**
   * Finds the pointers that moved between two renderings whose stand-in names differ in length by
   * one octet, and checks that moving them turns the one into the other; null when it does not (the
   * response cannot be relocated and takes the general path).
   */
  static int[] movedPointers(byte[] shorter, byte[] longer, int nameLength) {
    int rest = 12 + nameLength + 4;
    if (longer.length != shorter.length + 1) {
      return null;
    }
    java.util.List<Integer> found = new java.util.ArrayList<>();
    for (int i = rest; i < shorter.length; i++) {
      if (shorter[i] == longer[i + 1]) {
        continue;
      }
      int at = isMoved(shorter, longer, i - 1) && i - 1 >= rest ? i - 1 : i;
      if (!isMoved(shorter, longer, at)) {
        return null;
      }
      if (found.isEmpty() || found.get(found.size() - 1) != at) {
        found.add(at);
      }
      i = at + 1;
    }
    int[] pointers = found.stream().mapToInt(Integer::intValue).toArray();
    byte[] moved = java.util.Arrays.copyOf(shorter, shorter.length);
    for (int at : pointers) {
      int target = ((moved[at] & 0x3F) << 8 | (moved[at + 1] & 0xFF)) + 1;
      moved[at] = (byte) (0xC0 | (target >>> 8));
      moved[at + 1] = (byte) target;
    }
    boolean same =
        java.util.Arrays.equals(moved, 0, 12, longer, 0, 12)
            && java.util.Arrays.equals(moved, rest, moved.length, longer, rest + 1, longer.length);
    return same ? pointers : null;
  }

  /** True when a pointer at {@code at} in {@code a} points one further at {@code at + 1} in b. */
  private static boolean isMoved(byte[] a, byte[] b, int at) {
    if (at + 2 >= b.length || at + 1 >= a.length) {
      return false;
    }
    if ((a[at] & 0xC0) != 0xC0 || (b[at + 1] & 0xC0) != 0xC0) {
      return false;
    }
    int x = (a[at] & 0x3F) << 8 | (a[at + 1] & 0xFF);
    int y = (b[at + 1] & 0x3F) << 8 | (b[at + 2] & 0xFF);
    return y == x + 1;
  }
}
