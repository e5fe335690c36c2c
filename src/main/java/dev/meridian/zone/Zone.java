package dev.meridian.zone;

import java.util.List;
import java.util.Map;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Type;

/**
 * One loaded zone: a node per owner name (empty non-terminals included), decided at load.
 * Immutable; share it freely once built.
 */
public final class Zone {
  private final Name origin;
  private final String source;
  private final SOARecord soa;
  private final SOARecord negativeSoa;
  private final Map<Name, Node> nodes;
  private final Leaves leaves;
  private final Record[] explicit;
  private final List<Record> records;
  private final boolean hasCuts;
  private final boolean hasDnames;
  private final int labels;

  Zone(
      Name origin,
      String source,
      SOARecord soa,
      Map<Name, Node> nodes,
      Leaves leaves,
      Record[] records,
      boolean hasCuts,
      boolean hasDnames) {
    this.origin = origin;
    this.source = source;
    this.soa = soa;
    // RFC 2308 section 3: the SOA in a negative answer carries min(SOA TTL, SOA MINIMUM).
    long negTtl = Math.min(soa.getTTL(), soa.getMinimum());
    this.negativeSoa =
        new SOARecord(
            soa.getName(),
            soa.getDClass(),
            negTtl,
            soa.getHost(),
            soa.getAdmin(),
            soa.getSerial(),
            soa.getRefresh(),
            soa.getRetry(),
            soa.getExpire(),
            soa.getMinimum());
    // the builder's own map and array, handed over and never written again: a copy of a
    // million-entry map costs as much as building it
    this.nodes = java.util.Collections.unmodifiableMap(nodes);
    this.leaves = leaves;
    this.explicit = records;
    this.records = new RecordList();
    this.hasCuts = hasCuts;
    this.hasDnames = hasDnames;
    this.labels = origin.labels();
  }

  public Name origin() {
    return origin;
  }

  /** Where the zone came from, for logs (a file path). */
  public String source() {
    return source;
  }

  public SOARecord soa() {
    return soa;
  }

  public long serial() {
    return soa.getSerial();
  }

  /** The SOA to put in the authority section of NXDOMAIN and NODATA answers. */
  public SOARecord negativeSoa() {
    return negativeSoa;
  }

  /** Every record of the zone, SOA first, for transfers and counts. */
  public List<Record> records() {
    return records;
  }

  public int recordCount() {
    return explicit.length + leaves.recordCount();
  }

  /**
   * The records of the nodes first, then the leaves' (made as they are read: a transfer of a
   * million-record zone does not keep a million records).
   */
  private final class RecordList extends java.util.AbstractList<Record>
      implements java.util.RandomAccess {
    @Override
    public Record get(int i) {
      return i < explicit.length ? explicit[i] : leaves.record(i - explicit.length, origin);
    }

    @Override
    public int size() {
      return recordCount();
    }
  }

  /**
   * True when {@code other} holds the same records (the nodes' in any order, the leaves' in the
   * same order, with the same TTLs).
   */
  public boolean sameData(Zone other) {
    return explicit.length == other.explicit.length
        && leaves.sameAs(other.leaves)
        && new java.util.HashSet<>(java.util.Arrays.asList(explicit))
            .equals(new java.util.HashSet<>(java.util.Arrays.asList(other.explicit)));
  }

  /**
   * The zone's leaves: most of the names of a large zone, held compactly; {@link #node} and {@link
   * #nodes} do not list them.
   */
  public Leaves leaves() {
    return leaves;
  }

  /** RFC 1982 serial number arithmetic: true when serial {@code a} comes before {@code b}. */
  public static boolean serialBefore(long a, long b) {
    long diff = (b - a) & 0xFFFFFFFFL;
    return diff != 0 && diff < 0x80000000L;
  }

  /**
   * Every node: owner names and empty non-terminals, in no particular order, except the {@link
   * #leaves}.
   */
  public java.util.Collection<Node> nodes() {
    return nodes.values();
  }

  /** Every name of the zone: the nodes' and the leaves' (made now: for tools and tests). */
  public java.util.List<Name> names() {
    java.util.List<Name> all = new java.util.ArrayList<>(nodes.size() + leaves.count());
    all.addAll(nodes.keySet());
    for (int i = 0; i < leaves.count(); i++) {
      all.add(leaves.name(i, origin));
    }
    return all;
  }

  /** The node at exactly {@code name}, or null; a leaf's node is made now. */
  public Node node(Name name) {
    Node n = nodes.get(name);
    if (n != null || leaves.count() == 0) {
      return n;
    }
    int k = leaves.find(name, origin);
    return k < 0 ? null : leaves.node(k, origin);
  }

  /** True when {@code name} is at or below the apex. */
  public boolean contains(Name name) {
    return name.subdomain(origin);
  }

  /**
   * The first node met walking down from the apex towards {@code name} that takes the answer out of
   * the zone's data: a delegation point at or above {@code name} (below the apex), or a DNAME owner
   * strictly above it (the apex included; RFC 6672 section 2.3: names below a DNAME are occluded).
   * Null when neither is on the way.
   */
  public Node interceptAbove(Name name) {
    if (!hasCuts && !hasDnames) {
      return null;
    }
    int total = name.labels();
    if (hasDnames && total > labels) {
      Node apex = nodes.get(origin);
      if (apex != null && apex.has(Type.DNAME)) {
        return apex;
      }
    }
    for (int l = labels + 1; l <= total; l++) {
      Node n = nodes.get(l == total ? name : new Name(name, total - l));
      if (n == null) {
        return null; // no node here, so none below either: empty non-terminals are nodes
      }
      if (n.isCut() || (l < total && n.has(Type.DNAME))) {
        return n;
      }
    }
    return null;
  }

  /** The deepest existing node that is an ancestor of {@code name} (RFC 4592 closest encloser). */
  public Node closestEncloser(Name name) {
    int total = name.labels();
    for (int strip = 1; total - strip >= labels; strip++) {
      Node n = node(new Name(name, strip));
      if (n != null) {
        return n;
      }
    }
    return nodes.get(origin);
  }
}
