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
  private final Map<Name, Map<Integer, List<Record>>> owners = new LinkedHashMap<>();
  private final Map<Name, String> firstLocation = new HashMap<>();
  private final List<String> problems = new ArrayList<>();
  private final List<String> warnings = new ArrayList<>();
  private SOARecord soa;

  /**
   * @param origin the apex
   * @param source names the input in messages (a file path)
   */
  public ZoneBuilder(Name origin, String source) {
    this.origin = origin;
    this.source = source;
  }

  /** Adds one record; {@code location} is {@code file:line} for error messages. */
  public void add(Record r, String location) {
    if (r.getDClass() != DClass.IN) {
      problem(
          location
              + ": "
              + r.getName()
              + ": class "
              + DClass.string(r.getDClass())
              + " is not served; only IN");
      return;
    }
    if (!r.getName().subdomain(origin)) {
      problem(location + ": " + r.getName() + ": out-of-zone data, the zone is " + origin);
      return;
    }
    if (r instanceof SOARecord s) {
      if (!r.getName().equals(origin)) {
        problem(location + ": SOA at " + r.getName() + " but the zone apex is " + origin);
        return;
      }
      if (soa != null) {
        problem(location + ": a second SOA record; a zone has exactly one");
        return;
      }
      soa = s;
    }
    firstLocation.putIfAbsent(r.getName(), location);
    List<Record> set =
        owners
            .computeIfAbsent(r.getName(), k -> new LinkedHashMap<>())
            .computeIfAbsent(r.getType(), k -> new ArrayList<>());
    if (!set.contains(r)) { // RFC 2181 section 5: an RRset holds no duplicate records
      set.add(r);
    }
  }

  /** Checks the whole zone and builds it, or reports every problem found. */
  public Zone build() throws ZoneException {
    if (soa == null) {
      problem(source + ": no SOA record at the apex " + origin);
    }
    Map<Integer, List<Record>> apex = owners.get(origin);
    if (apex == null || !apex.containsKey(Type.NS)) {
      problem(source + ": no NS records at the apex " + origin);
    }
    for (var e : owners.entrySet()) {
      Map<Integer, List<Record>> sets = e.getValue();
      List<Record> dname = sets.get(Type.DNAME);
      if (dname != null && dname.size() > 1) {
        problem(
            firstLocation.get(e.getKey())
                + ": "
                + e.getKey()
                + ": more than one DNAME record (RFC 6672 section 2.4)");
      }
      List<Record> cname = sets.get(Type.CNAME);
      if (cname == null) {
        continue;
      }
      if (cname.size() > 1) {
        problem(firstLocation.get(e.getKey()) + ": " + e.getKey() + ": more than one CNAME record");
      }
      for (int type : sets.keySet()) {
        if (type != Type.CNAME && type != Type.RRSIG && type != Type.NSEC) {
          problem(
              firstLocation.get(e.getKey())
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
    Map<Name, Node> nodes = new HashMap<>();
    List<Record> all = new ArrayList<>();
    all.add(soa);
    boolean hasCuts = false;
    boolean hasDnames = false;
    for (var e : owners.entrySet()) {
      Name name = e.getKey();
      Map<Integer, List<Record>> sets = e.getValue();
      int[] types = new int[sets.size()];
      Record[][] arrays = new Record[sets.size()][];
      int i = 0;
      for (var s : sets.entrySet()) {
        types[i] = s.getKey();
        arrays[i] = sameTtl(s.getValue());
        for (Record r : arrays[i]) {
          if (r.getType() != Type.SOA) {
            all.add(r);
          }
        }
        i++;
      }
      boolean cut = !name.equals(origin) && sets.containsKey(Type.NS);
      hasCuts |= cut;
      hasDnames |= sets.containsKey(Type.DNAME);
      nodes.put(name, new Node(name, types, arrays, cut));
    }
    addEmptyNonTerminals(nodes);
    for (Node n : nodes.values()) {
      n.setWildcard(nodes.get(wildcardOf(n.name())));
    }
    checkGlue(nodes);
    if (hasDnames) {
      checkOccluded(nodes);
    }
    return new Zone(origin, source, soa, nodes, all, hasCuts, hasDnames);
  }

  /** RFC 2181 section 5.2: an RRset has one TTL; dnsjava's RRset lowers all to the smallest. */
  private static Record[] sameTtl(List<Record> records) {
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
                firstLocation.get(n.name())
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
              firstLocation.get(name)
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
