package dev.meridian.geo;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a MaxMind DB file (format 2.0, IPv6 tree with IPv4 under ::/96) from networks and their
 * data, written from the public specification. Siblings with the same data are merged, so a lookup
 * reports the widest network that answers the same (what ECS scopes need). Confined to one thread.
 */
public final class MmdbWriter {
  private static final byte[] METADATA_MARKER = {
    (byte) 0xAB, (byte) 0xCD, (byte) 0xEF, 'M', 'a', 'x', 'M', 'i', 'n', 'd', '.', 'c', 'o', 'm'
  };
  private static final int EMPTY = 0;

  // children: 0 = empty, > 0 = node index, < 0 = -(data id + 1)
  private int[] left = new int[1 << 16];
  private int[] right = new int[1 << 16];
  private int nodes = 1; // node 0 is the root
  private final Map<Object, Integer> dataIds = new HashMap<>();
  private final List<Object> data = new ArrayList<>();

  /** Maps {@code network/prefix} (IPv4 or IPv6) to {@code value}; a later insert wins. */
  public void insert(InetAddress network, int prefix, Map<String, ?> value) {
    byte[] a = network.getAddress();
    int bits = prefix;
    if (network instanceof Inet4Address) {
      a = Arrays.copyOf(new byte[12], 16);
      System.arraycopy(network.getAddress(), 0, a, 12, 4);
      bits = prefix + 96;
    }
    Integer id = dataIds.get(value);
    if (id == null) {
      id = data.size();
      dataIds.put(value, id);
      data.add(value);
    }
    insert(a, bits, -(id + 1));
  }

  private void insert(byte[] a, int bits, int leaf) {
    if (bits == 0) {
      throw new IllegalArgumentException("cannot map the whole address space");
    }
    int node = 0;
    for (int i = 0; i < bits; i++) {
      boolean one = ((a[i >> 3] >> (7 - (i & 7))) & 1) != 0;
      if (i == bits - 1) {
        set(node, one, leaf);
        return;
      }
      int child = one ? right[node] : left[node];
      if (child <= 0) { // empty, or data that a more specific network now splits
        int fresh = newNode(child, child);
        set(node, one, fresh);
        child = fresh;
      }
      node = child;
    }
  }

  private int newNode(int l, int r) {
    if (nodes == left.length) {
      left = Arrays.copyOf(left, nodes * 2);
      right = Arrays.copyOf(right, nodes * 2);
    }
    left[nodes] = l;
    right[nodes] = r;
    return nodes++;
  }

  private void set(int node, boolean one, int value) {
    if (one) {
      right[node] = value;
    } else {
      left[node] = value;
    }
  }

  /** Collapses every node whose two children are the same data (or both empty) into that value. */
  private int merge(int node) {
    int l = left[node] > 0 ? merge(left[node]) : left[node];
    int r = right[node] > 0 ? merge(right[node]) : right[node];
    left[node] = l;
    right[node] = r;
    return l == r && l <= 0 && node != 0 ? l : node;
  }

  /**
   * Writes the database.
   *
   * @param databaseType e.g. {@code Meridian-Country}; readers check that it names the kind of
   *     record (GeoIP2 readers look for "Country" or "City")
   */
  public void write(OutputStream out, String databaseType, String description, long buildEpoch)
      throws IOException {
    merge(0);
    // number reachable nodes breadth-first: the root is 0, as readers expect
    int[] index = new int[nodes];
    Arrays.fill(index, -1);
    int[] order = new int[nodes];
    int count = 0;
    order[count++] = 0;
    index[0] = 0;
    for (int i = 0; i < count; i++) {
      for (int c : new int[] {left[order[i]], right[order[i]]}) {
        if (c > 0 && index[c] < 0) {
          index[c] = count;
          order[count++] = c;
        }
      }
    }
    DataEncoder section = new DataEncoder();
    int[] offsets = new int[data.size()];
    for (int i = 0; i < data.size(); i++) {
      offsets[i] = section.write(data.get(i));
    }
    long maxRecord = (long) count + 16 + section.size();
    int recordSize = maxRecord < (1L << 24) ? 24 : 32;
    int bytes = recordSize / 4; // two records per node
    byte[] tree = new byte[count * bytes];
    for (int i = 0; i < count; i++) {
      int n = order[i];
      put(tree, i * bytes, recordSize, record(left[n], index, count, offsets));
      put(tree, i * bytes + bytes / 2, recordSize, record(right[n], index, count, offsets));
    }
    out.write(tree);
    out.write(new byte[16]); // the data section separator
    out.write(section.toByteArray());
    out.write(METADATA_MARKER);
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("binary_format_major_version", new DataEncoder.U16(2));
    meta.put("binary_format_minor_version", new DataEncoder.U16(0));
    meta.put("build_epoch", new DataEncoder.U64(buildEpoch));
    meta.put("database_type", databaseType);
    meta.put("description", Map.of("en", description));
    meta.put("ip_version", new DataEncoder.U16(6));
    meta.put("languages", List.of("en"));
    meta.put("node_count", (long) count);
    meta.put("record_size", new DataEncoder.U16(recordSize));
    DataEncoder m = new DataEncoder();
    m.write(meta);
    out.write(m.toByteArray());
  }

  private static long record(int child, int[] index, int count, int[] offsets) {
    if (child == EMPTY) {
      return count;
    }
    if (child > 0) {
      return index[child];
    }
    return (long) count + 16 + offsets[-child - 1];
  }

  private static void put(byte[] tree, int at, int recordSize, long value) {
    int n = recordSize / 8;
    for (int i = 0; i < n; i++) {
      tree[at + i] = (byte) (value >>> (8 * (n - 1 - i)));
    }
  }

  /** Number of networks' distinct data values so far. */
  public int distinctValues() {
    return data.size();
  }
}
