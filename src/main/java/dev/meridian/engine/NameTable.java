package dev.meridian.engine;

import java.util.Arrays;
import java.util.List;

/**
 * Lower-cased wire-form names to values, by open addressing: a lookup hashes and compares bytes in
 * place, with no allocation. Immutable after construction.
 *
 * @param <V> what each name maps to
 */
final class NameTable<V> {
  private final byte[][] keys;
  private final Object[] values;
  private final int mask;

  /** Builds the table; {@code keys} are lower-cased wire names, distinct. */
  NameTable(List<byte[]> keyList, List<V> valueList) {
    int capacity = Integer.highestOneBit(Math.max(4, keyList.size() * 2 - 1)) << 1;
    keys = new byte[capacity][];
    values = new Object[capacity];
    mask = capacity - 1;
    for (int i = 0; i < keyList.size(); i++) {
      byte[] k = keyList.get(i);
      int slot = hash(k, 0, k.length) & mask;
      while (keys[slot] != null) {
        slot = (slot + 1) & mask;
      }
      keys[slot] = k;
      values[slot] = valueList.get(i);
    }
  }

  /** The value of the name in {@code buf[from..to)}, or null. */
  @SuppressWarnings("unchecked") // values holds only V, written by the constructor
  V get(byte[] buf, int from, int to) {
    int slot = hash(buf, from, to) & mask;
    while (true) {
      byte[] k = keys[slot];
      if (k == null) {
        return null;
      }
      if (Arrays.equals(k, 0, k.length, buf, from, to)) {
        return (V) values[slot];
      }
      slot = (slot + 1) & mask;
    }
  }

  private static int hash(byte[] b, int from, int to) {
    return dev.meridian.zone.Leaves.hash(b, from, to); // keys are lower-cased: the same value
  }
}
