package dev.meridian.zone;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Type;

/**
 * Applies RFC 2136 section 3.4.2 update operations to a copy of a zone's records and builds the
 * next immutable {@link Zone}. Confined to the updating thread.
 */
public final class ZoneEditor {
  private final Zone base;
  private final Map<Name, Map<Integer, List<Record>>> data = new LinkedHashMap<>();
  private final List<Record> removed = new ArrayList<>();
  private final List<Record> added = new ArrayList<>();
  private SOARecord soa;
  private boolean serialSet;

  public ZoneEditor(Zone base) {
    this.base = base;
    this.soa = base.soa();
    for (Record r : base.records()) {
      if (r.getType() != Type.SOA) {
        data.computeIfAbsent(r.getName(), k -> new LinkedHashMap<>())
            .computeIfAbsent(r.getType(), k -> new ArrayList<>())
            .add(r);
      }
    }
  }

  /** The records (name, type) now, possibly empty. */
  public List<Record> rrset(Name name, int type) {
    if (type == Type.SOA) {
      return name.equals(base.origin()) ? List.of(soa) : List.of();
    }
    Map<Integer, List<Record>> sets = data.get(name);
    List<Record> l = sets == null ? null : sets.get(type);
    return l == null ? List.of() : List.copyOf(l);
  }

  /** Whether any record exists at {@code name}. */
  public boolean nameInUse(Name name) {
    return name.equals(base.origin()) || (data.containsKey(name) && !data.get(name).isEmpty());
  }

  /** Adds {@code r} (class IN) unless it breaks the CNAME rule (RFC 2136 section 3.4.2.2). */
  public void add(Record r) {
    if (r.getType() == Type.SOA) {
      SOARecord s = (SOARecord) r;
      if (r.getName().equals(base.origin()) && Zone.serialBefore(soa.getSerial(), s.getSerial())) {
        removed.add(soa);
        added.add(s);
        soa = s;
        serialSet = true;
      }
      return;
    }
    Map<Integer, List<Record>> sets = data.computeIfAbsent(r.getName(), k -> new LinkedHashMap<>());
    boolean hasCname = sets.containsKey(Type.CNAME) && !sets.get(Type.CNAME).isEmpty();
    boolean hasOther =
        sets.keySet().stream().anyMatch(t -> t != Type.CNAME && !sets.get(t).isEmpty());
    if ((r.getType() == Type.CNAME && hasOther) || (r.getType() != Type.CNAME && hasCname)) {
      return;
    }
    List<Record> set = sets.computeIfAbsent(r.getType(), k -> new ArrayList<>());
    if (r.getType() == Type.CNAME && !set.isEmpty()) {
      removed.addAll(set);
      set.clear();
    }
    if (!set.contains(r)) {
      set.add(r);
      added.add(r);
    }
  }

  /** Deletes an RRset ({@code type} ANY: every RRset at the name); apex SOA and NS stay. */
  public void deleteRrset(Name name, int type) {
    Map<Integer, List<Record>> sets = data.get(name);
    if (sets == null) {
      return;
    }
    boolean apex = name.equals(base.origin());
    for (var e : sets.entrySet()) {
      if ((type == Type.ANY || e.getKey() == type) && !(apex && e.getKey() == Type.NS)) {
        removed.addAll(e.getValue());
        e.getValue().clear();
      }
    }
  }

  /** Deletes one record (matched by name, type and rdata); never the SOA or the last apex NS. */
  public void deleteRecord(Record r) {
    List<Record> set =
        data.containsKey(r.getName()) ? data.get(r.getName()).get(r.getType()) : null;
    if (set == null || r.getType() == Type.SOA) {
      return;
    }
    if (r.getType() == Type.NS && r.getName().equals(base.origin()) && set.size() == 1) {
      return;
    }
    Record match = null;
    for (Record x : set) {
      if (x.rdataToString().equals(r.rdataToString())) {
        match = x;
      }
    }
    if (match != null) {
      set.remove(match);
      removed.add(match);
    }
  }

  public boolean changed() {
    return !added.isEmpty() || !removed.isEmpty();
  }

  /** Records removed so far (the old SOA among them when the serial moved). */
  public List<Record> removed() {
    return List.copyOf(removed);
  }

  /** Records added so far (the new SOA among them). */
  public List<Record> added() {
    return List.copyOf(added);
  }

  /**
   * The next zone: the serial goes up by one unless the update raised it itself (RFC 2136 section
   * 3.6), and every check of a zone file applies.
   */
  public Zone build() throws ZoneException {
    if (changed() && !serialSet) {
      long next = (base.serial() + 1) & 0xFFFFFFFFL;
      SOARecord s =
          new SOARecord(
              soa.getName(),
              DClass.IN,
              soa.getTTL(),
              soa.getHost(),
              soa.getAdmin(),
              next,
              soa.getRefresh(),
              soa.getRetry(),
              soa.getExpire(),
              soa.getMinimum());
      removed.add(soa);
      added.add(s);
      soa = s;
      serialSet = true;
    }
    ZoneBuilder b = new ZoneBuilder(base.origin(), base.source());
    b.add(soa, base.source());
    for (var sets : data.values()) {
      for (List<Record> set : sets.values()) {
        for (Record r : set) {
          b.add(r, base.source());
        }
      }
    }
    return b.build();
  }
}
