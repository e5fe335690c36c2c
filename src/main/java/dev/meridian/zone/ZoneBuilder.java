package dev.meridian.zone;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.xbill.DNS.DClass;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Type;

/**
 * Collects the records of one zone, checks them as named-checkzone does, and builds the immutable
 * {@link Zone}. Confined to the loading thread.
 */
public final class ZoneBuilder {
  private static final int MAX_PROBLEMS = 50;

  private final Name origin;
  private final String source;
  private final Map<Name, Owner> owners = new LinkedHashMap<>();
  private int recordCount;
  private boolean hasWildcards;
  private final List<String> problems = new ArrayList<>();
  private final List<String> warnings = new ArrayList<>();
  private SOARecord soa;
  private LeavesBuilder leaves = new LeavesBuilder();
  private final byte[] originWire;

  /**
   * @param origin the apex
   * @param source names the input in messages (a file path)
   */
  public ZoneBuilder(Name origin, String source) {
    this.origin = origin;
    this.source = source;
    this.originWire = origin.toWire();
  }

  /**
   * The RRsets of one owner name in file order, and where the name first appeared. Most owners of a
   * large zone hold one RRset of one record, so this is two small arrays rather than maps and lists
   * (a million-record zone allocated half a gigabyte of those at load).
   */
  private static final class Owner {
    final String file;
    final int line; // 0: the location is the file alone
    int[] types = new int[1];
    Record[][] sets = new Record[1][];
    int[] sizes = new int[1];
    int count;

    Owner(String file, int line) {
      this.file = file;
      this.line = line;
    }

    String location() {
      return line > 0 ? file + ":" + line : file;
    }

    int indexOf(int type) {
      for (int i = 0; i < count; i++) {
        if (types[i] == type) {
          return i;
        }
      }
      return -1;
    }

    boolean has(int type) {
      return indexOf(type) >= 0;
    }

    /** Adds {@code r} to its RRset unless an equal record is there (RFC 2181 section 5). */
    boolean add(Record r) {
      int i = indexOf(r.getType());
      if (i < 0) {
        if (count == types.length) {
          types = java.util.Arrays.copyOf(types, count * 2);
          sets = java.util.Arrays.copyOf(sets, count * 2);
          sizes = java.util.Arrays.copyOf(sizes, count * 2);
        }
        i = count++;
        types[i] = r.getType();
        sets[i] = new Record[] {r};
        sizes[i] = 1;
        return true;
      }
      Record[] set = sets[i];
      for (int k = 0; k < sizes[i]; k++) {
        if (set[k].equals(r)) {
          return false;
        }
      }
      if (sizes[i] == set.length) {
        sets[i] = set = java.util.Arrays.copyOf(set, set.length * 2);
      }
      set[sizes[i]++] = r;
      return true;
    }

    /** The i-th RRset, trimmed to its records. */
    Record[] set(int i) {
      return sizes[i] == sets[i].length ? sets[i] : java.util.Arrays.copyOf(sets[i], sizes[i]);
    }
  }

  /** Makes room for about {@code n} leaves before any record is added (a file's simple lines). */
  void expectLeaves(int n) {
    if (leaves.size() == 0) {
      leaves = new LeavesBuilder(n);
    }
  }

  /** Adds one record; {@code location} is {@code file:line} for error messages. */
  public void add(Record r, String location) {
    add(r, location, 0);
  }

  /**
   * Adds one record read at {@code file:line}; the location string is made only for a message, not
   * per record.
   */
  public void add(Record r, String file, int line) {
    if (r.getDClass() != DClass.IN) {
      problem(
          at(file, line)
              + ": "
              + r.getName()
              + ": class "
              + DClass.string(r.getDClass())
              + " is not served; only IN");
      return;
    }
    if (!r.getName().subdomain(origin)) {
      problem(at(file, line) + ": " + r.getName() + ": out-of-zone data, the zone is " + origin);
      return;
    }
    if (r instanceof SOARecord s) {
      if (!r.getName().equals(origin)) {
        problem(at(file, line) + ": SOA at " + r.getName() + " but the zone apex is " + origin);
        return;
      }
      if (soa != null) {
        problem(at(file, line) + ": a second SOA record; a zone has exactly one");
        return;
      }
      soa = s;
    }
    Name name = r.getName();
    Owner o = owners.get(name);
    if (o == null) {
      int rel = name.length() - origin.length();
      if (rel > 0) { // below the apex: the leaves' table knows every such name
        byte[] wire = name.toWire();
        int k = leaves.find(wire, 0, rel);
        boolean address = isAddress(r) && !name.isWild();
        if (k == LeavesBuilder.ABSENT && address) {
          k = leaves.add(wire, 0, rel, line);
        }
        if (k != LeavesBuilder.ABSENT && leaves.isLeaf(k)) {
          int added = address ? leaves.addAddress(k, r) : LeavesBuilder.CONFLICT;
          if (added != LeavesBuilder.CONFLICT) {
            recordCount += added;
            return;
          }
          o = promote(k, name);
        } else if (k == LeavesBuilder.ABSENT) {
          leaves.markOther(leaves.add(wire, 0, rel, line));
        }
      }
    }
    if (o == null) {
      o = new Owner(file, line);
      owners.put(name, o);
      hasWildcards |= name.isWild();
    }
    if (o.add(r)) { // RFC 2181 section 5: an RRset holds no duplicate records
      recordCount++;
    }
  }

  /**
   * Adds an A or AAAA record of class IN read at {@code file:line} without dnsjava: its owner, an
   * absolute name, in wire form in {@code wire[from..to)}, its rdata at {@code rdata[rdFrom..]}. A
   * leaf's record goes to the leaves' arrays without becoming objects; any other takes {@link
   * #add(Record, String, int)}.
   */
  void addAddress(
      byte[] wire,
      int from,
      int to,
      int type,
      long ttl,
      byte[] rdata,
      int rdFrom,
      String file,
      int line) {
    int rel = to - from - origin.length();
    if (rel > 0 && isBelowOrigin(wire, from, rel) && !(wire[from] == 1 && wire[from + 1] == '*')) {
      int k = leaves.find(wire, from, from + rel);
      if (k == LeavesBuilder.ABSENT) {
        k = leaves.add(wire, from, from + rel, line);
      }
      if (leaves.isLeaf(k)) {
        int added = leaves.addAddress(k, type, ttl, rdata, rdFrom);
        if (added != LeavesBuilder.CONFLICT) {
          recordCount += added;
          return;
        }
      }
    }
    Name owner = Leaves.name(wire, from, to - 1, Name.root);
    byte[] data = java.util.Arrays.copyOfRange(rdata, rdFrom, rdFrom + (type == Type.A ? 4 : 16));
    add(Record.newRecord(owner, type, DClass.IN, ttl, data), file, line);
  }

  /** Whether {@code wire[from + rel..]} is the apex and {@code rel} falls between two labels. */
  private boolean isBelowOrigin(byte[] wire, int from, int rel) {
    int p = from;
    while (p < from + rel) {
      p += (wire[p] & 0xFF) + 1;
    }
    if (p != from + rel) {
      return false;
    }
    byte[] apex = originWire;
    for (int i = 0; i < apex.length; i++) {
      byte a = wire[p + i];
      byte b = apex[i];
      if (Leaves.lower(a) != Leaves.lower(b)) {
        return false;
      }
    }
    return true;
  }

  private static boolean isAddress(Record r) {
    return r.getType() == Type.A || r.getType() == Type.AAAA;
  }

  /**
   * Makes leaf k, named {@code name}, an owner like any other (it gets a record a leaf cannot hold,
   * or a name below it): its records move from the leaves' arrays to an {@link Owner}.
   */
  private Owner promote(int k, Name name) {
    Owner o = new Owner(source, leaves.line(k));
    for (Record r : leaves.records(k, name)) {
      o.add(r);
    }
    leaves.markOther(k);
    owners.put(name, o);
    return o;
  }

  private static String at(String file, int line) {
    return line > 0 ? file + ":" + line : file;
  }

  /** Checks the whole zone and builds it, or reports every problem found. */
  public Zone build() throws ZoneException {
    if (soa == null) {
      problem(source + ": no SOA record at the apex " + origin);
    }
    Owner apex = owners.get(origin);
    if (apex == null || !apex.has(Type.NS)) {
      problem(source + ": no NS records at the apex " + origin);
    }
    for (var e : owners.entrySet()) {
      Owner o = e.getValue();
      int d = o.indexOf(Type.DNAME);
      if (d >= 0 && o.sizes[d] > 1) {
        problem(
            o.location()
                + ": "
                + e.getKey()
                + ": more than one DNAME record (RFC 6672 section 2.4)");
      }
      int c = o.indexOf(Type.CNAME);
      if (c < 0) {
        continue;
      }
      if (o.sizes[c] > 1) {
        problem(o.location() + ": " + e.getKey() + ": more than one CNAME record");
      }
      for (int i = 0; i < o.count; i++) {
        int type = o.types[i];
        if (type != Type.CNAME && type != Type.RRSIG && type != Type.NSEC) {
          problem(
              o.location()
                  + ": "
                  + e.getKey()
                  + ": CNAME and other data ("
                  + Type.string(type)
                  + ") at the same name (RFC 1034 section 3.6.2)");
          break;
        }
      }
    }
    if (!problems.isEmpty()) {
      throw new ZoneException(problems);
    }
    return assemble();
  }

  /** Problems that do not stop the zone from loading (such as missing glue). */
  public List<String> warnings() {
    return List.copyOf(warnings);
  }

  private Zone assemble() {
    List<Name> leafParents = settleLeaves();
    Leaves leafSet = leaves.build();
    Map<Name, Node> nodes = new HashMap<>(owners.size() * 4 / 3 + 16);
    Map<java.nio.IntBuffer, int[]> typeArrays = new HashMap<>();
    Record[] all = new Record[recordCount - leafSet.recordCount()];
    int n = 0;
    all[n++] = soa;
    boolean hasCuts = false;
    boolean hasDnames = false;
    for (var e : owners.entrySet()) {
      Name name = e.getKey();
      Owner o = e.getValue();
      int[] types = sharedTypes(typeArrays, java.util.Arrays.copyOf(o.types, o.count));
      Record[][] arrays = new Record[o.count][];
      for (int i = 0; i < o.count; i++) {
        arrays[i] = sameTtl(o.set(i));
        for (Record r : arrays[i]) {
          if (r.getType() != Type.SOA) {
            all[n++] = r;
          }
        }
      }
      boolean cut = !name.equals(origin) && o.has(Type.NS);
      hasCuts |= cut;
      hasDnames |= o.has(Type.DNAME);
      nodes.put(name, new Node(name, types, arrays, cut));
    }
    addEmptyNonTerminals(nodes);
    for (Name parent : leafParents) {
      nodes.putIfAbsent(parent, new Node(parent, new int[0], new Record[0][], false));
    }
    if (hasWildcards) { // else no node has a *.name child: skip a million lookups
      for (Node node : nodes.values()) {
        node.setWildcard(nodes.get(wildcardOf(node.name())));
      }
    }
    checkGlue(nodes);
    if (hasDnames) {
      checkOccluded(nodes);
    }
    Record[] records = n == all.length ? all : java.util.Arrays.copyOf(all, n);
    return new Zone(origin, source, soa, nodes, leafSet, records, hasCuts, hasDnames);
  }

  /**
   * Makes owners of the leaves that cannot stay leaves: those with a name below them, and those
   * below a delegation or a DNAME (the general path answers there); returns the empty non-terminals
   * above the remaining leaves.
   */
  private List<Name> settleLeaves() {
    if (leaves.leafCount() == 0) {
      return List.of();
    }
    int apexLabels = origin.labels();
    for (Name name : new ArrayList<>(owners.keySet())) {
      for (int strip = 1; name.labels() - strip > apexLabels; strip++) {
        Name parent = new Name(name, strip);
        int k = leaves.find(parent.toWire(), 0, parent.length() - origin.length());
        if (k != LeavesBuilder.ABSENT && leaves.isLeaf(k)) {
          promote(k, parent);
        }
      }
    }
    Owner apex = owners.get(origin);
    boolean apexDname = apex != null && apex.has(Type.DNAME);
    for (var e : owners.entrySet()) {
      Owner o = e.getValue();
      Name name = e.getKey();
      if (!name.equals(origin) && (o.has(Type.NS) || o.has(Type.DNAME))) {
        int k = leaves.find(name.toWire(), 0, name.length() - origin.length());
        if (k != LeavesBuilder.ABSENT) {
          leaves.markIntercept(k);
        }
      }
    }
    List<Name> parents = new ArrayList<>();
    byte[] own = new byte[256];
    for (int k = 0; k < leaves.size(); k++) {
      if (!leaves.isLeaf(k)) {
        continue;
      }
      int len = leaves.nameStart(k + 1) - leaves.nameStart(k);
      System.arraycopy(leaves.names(), leaves.nameStart(k), own, 0, len);
      boolean below = apexDname;
      for (int p = (own[0] & 0xFF) + 1; p < len; p += (own[p] & 0xFF) + 1) {
        int up = leaves.find(own, p, len);
        if (up == LeavesBuilder.ABSENT) {
          leaves.markOther(leaves.add(own, p, len, leaves.line(k)));
          parents.add(Leaves.name(own, p, len, origin));
        } else if (leaves.isLeaf(up)) {
          promote(up, Leaves.name(own, p, len, origin));
        } else {
          below |= leaves.isIntercept(up);
        }
      }
      if (below) {
        promote(k, Leaves.name(own, 0, len, origin));
      }
    }
    return parents;
  }

  /** {@code types}, or an equal array met before: most owners of a large zone have the same. */
  private static int[] sharedTypes(Map<java.nio.IntBuffer, int[]> seen, int[] types) {
    int[] prior = seen.putIfAbsent(java.nio.IntBuffer.wrap(types), types);
    return prior == null ? types : prior;
  }

  /** RFC 2181 section 5.2: an RRset has one TTL; dnsjava's RRset lowers all to the smallest. */
  private static Record[] sameTtl(Record[] records) {
    if (records.length == 1) {
      return records; // one record: one TTL already
    }
    RRset set = new RRset();
    for (Record r : records) {
      set.addRR(r);
    }
    return set.rrs(false).toArray(new Record[0]);
  }

  private void addEmptyNonTerminals(Map<Name, Node> nodes) {
    int apexLabels = origin.labels();
    for (Name name : new ArrayList<>(nodes.keySet())) {
      for (int strip = 1; name.labels() - strip > apexLabels; strip++) {
        Name parent = new Name(name, strip);
        nodes.putIfAbsent(parent, new Node(parent, new int[0], new Record[0][], false));
      }
    }
    nodes.putIfAbsent(origin, new Node(origin, new int[0], new Record[0][], false));
  }

  private static Name wildcardOf(Name name) {
    try {
      return Name.concatenate(Name.fromConstantString("*"), name);
    } catch (org.xbill.DNS.NameTooLongException e) {
      return Name.empty; // no wildcard can exist below a name this long
    }
  }

  private void checkGlue(Map<Name, Node> nodes) {
    for (Node n : nodes.values()) {
      Record[] ns = n.get(Type.NS);
      if (ns == null || !n.isCut()) {
        continue;
      }
      for (Record r : ns) {
        Name target = ((NSRecord) r).getTarget();
        if (target.subdomain(n.name())) {
          Node t = nodes.get(target);
          if (t == null || !(t.has(Type.A) || t.has(Type.AAAA))) {
            warnings.add(
                owners.get(n.name()).location()
                    + ": "
                    + n.name()
                    + ": NS "
                    + target
                    + " is below the delegation but has no A or AAAA glue");
          }
        }
      }
    }
  }

  /**
   * Names below a DNAME are never answered (RFC 6672 section 2.3: the DNAME substitutes for the
   * whole subtree). NSD and Knot refuse to load such a zone; we load it and say what is hidden.
   */
  private void checkOccluded(Map<Name, Node> nodes) {
    int apexLabels = origin.labels();
    for (Node n : nodes.values()) {
      if (n.size() == 0) {
        continue; // an empty non-terminal holds nothing to hide
      }
      Name name = n.name();
      for (int strip = 1; name.labels() - strip >= apexLabels; strip++) {
        Node above = nodes.get(new Name(name, strip));
        if (above != null && above.has(Type.DNAME)) {
          warnings.add(
              owners.get(name).location()
                  + ": "
                  + name
                  + ": below the DNAME at "
                  + above.name()
                  + ", so never answered (occluded, RFC 6672 section 2.3)");
          break;
        }
      }
    }
  }

  private void problem(String p) {
    if (problems.size() < MAX_PROBLEMS) {
      problems.add(p);
    } else if (problems.size() == MAX_PROBLEMS) {
      problems.add(source + ": more problems not shown");
    }
  }
}
