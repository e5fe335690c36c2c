package dev.meridian.zone;

import java.util.concurrent.atomic.AtomicInteger;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DNAMERecord;
import org.xbill.DNS.Flags;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.NameTooLongException;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The authoritative answer algorithm of RFC 1034 section 4.3.2, with RFC 4592 wildcards, RFC 2308
 * negative answers and RFC 6604 CNAME chains. A pure function of zone, question and options that
 * writes the answer into a response {@link Message}; stateless and thread-safe.
 */
public final class ZoneLookup {
  /** Longest CNAME chain followed inside a zone; BIND stops at 16 as well. */
  static final int MAX_CHAIN = 16;

  private ZoneLookup() {}

  /**
   * Fills {@code out}'s rcode, AA flag and answer, authority and additional sections for the
   * question ({@code qname}, {@code qtype}) in one zone alone. The question section is the
   * caller's.
   *
   * @param options how to shape the answer
   */
  public static void answer(Zone zone, Name qname, int qtype, LookupOptions options, Message out) {
    answer(new ZoneIndex(java.util.List.of(zone)), zone, qname, qtype, options, null, out);
  }

  /**
   * As {@link #answer(Zone, Name, int, LookupOptions, Message)} starting in {@code start}, with A
   * and AAAA answers at names that {@code managed} (when not null) supplies, also at the end of a
   * chain. A CNAME or DNAME chain goes on in whichever zone of {@code zones} holds its target, as
   * NSD does: the resolver then gets the whole chain in one answer.
   */
  public static void answer(
      ZoneIndex zones,
      Zone start,
      Name qname,
      int qtype,
      LookupOptions options,
      AddressSource managed,
      Message out) {
    Zone zone = start;
    out.getHeader().setFlag(Flags.AA);
    Name name = qname;
    Name[] chain = null;
    for (int step = 0; ; step++) {
      Node stop = zone.interceptAbove(name);
      if (stop != null && stop.isCut() && !(qtype == Type.DS && stop.name().equals(name))) {
        referral(zone, stop, out, step == 0);
        return;
      }
      Name target;
      if (stop != null && !stop.isCut()) {
        target = synthesize(stop, name, out);
        if (target == null) {
          return; // YXDOMAIN: the substituted name is too long
        }
      } else {
        Node node = zone.node(name);
        Node source = node;
        if (node == null) {
          Node encloser = zone.closestEncloser(name);
          source = encloser.wildcard();
          if (source == null) {
            out.getHeader().setRcode(Rcode.NXDOMAIN);
            out.addRecord(zone.negativeSoa(), Section.AUTHORITY);
            return;
          }
        }
        if (answerManaged(zone, node, name, qtype, options, managed, out)) {
          return;
        }
        Record[] cname = source.get(Type.CNAME);
        if (cname == null || qtype == Type.CNAME || qtype == Type.ANY) {
          if (answerAt(zone, source, name, node == null, qtype, options, out)
              && !options.minimalResponses()) {
            addApexNs(zone, qtype, out);
          }
          return;
        }
        CNAMERecord c = (CNAMERecord) cname[0];
        out.addRecord(node == null ? c.withName(name) : c, Section.ANSWER);
        target = c.getTarget();
      }
      zone = zones.find(target, qtype);
      if (zone == null || step + 1 >= MAX_CHAIN) {
        return; // not ours: the resolver follows it (RFC 1034 section 4.3.2 step 3a)
      }
      if (chain == null) {
        chain = new Name[MAX_CHAIN];
      }
      chain[step] = name;
      for (int i = 0; i <= step; i++) {
        if (chain[i].equals(target)) {
          return; // a loop: what we have is the answer
        }
      }
      name = target;
    }
  }

  /**
   * Answers from a traffic policy when {@code managed} supplies {@code name}; true when that
   * settled the answer (addresses or NODATA).
   */
  private static boolean answerManaged(
      Zone zone,
      Node node,
      Name name,
      int qtype,
      LookupOptions options,
      AddressSource managed,
      Message out) {
    if (managed == null || node == null || (qtype != Type.A && qtype != Type.AAAA)) {
      return false;
    }
    int result = managed.addAddresses(name, qtype, out);
    if (result == AddressSource.ANSWERED) {
      if (!options.minimalResponses()) {
        addApexNs(zone, qtype, out);
      }
      return true;
    }
    if (result == AddressSource.NODATA) {
      out.addRecord(zone.negativeSoa(), Section.AUTHORITY);
      return true;
    }
    return false;
  }

  /**
   * RFC 6672 section 3.2: answers the DNAME at {@code owner} and a CNAME from {@code name} to the
   * substituted name, with the DNAME's TTL; returns that name, or null after setting YXDOMAIN when
   * it would exceed 255 octets.
   */
  private static Name synthesize(Node owner, Name name, Message out) {
    DNAMERecord dname = (DNAMERecord) owner.get(Type.DNAME)[0];
    out.addRecord(dname, Section.ANSWER);
    Name target;
    try {
      target = name.fromDNAME(dname);
    } catch (NameTooLongException e) {
      out.getHeader().setRcode(Rcode.YXDOMAIN);
      return null;
    }
    out.addRecord(new CNAMERecord(name, dname.getDClass(), dname.getTTL(), target), Section.ANSWER);
    return target;
  }

  /** Adds the data at {@code node}; false when it was NODATA. */
  private static boolean answerAt(
      Zone zone,
      Node node,
      Name owner,
      boolean synthesized,
      int qtype,
      LookupOptions options,
      Message out) {
    if (qtype == Type.ANY && node.size() > 0) {
      if (options.minimalAny()) {
        addSet(zone, node, preferredForAny(node), owner, synthesized, options, out);
      } else {
        for (int i = 0; i < node.size(); i++) {
          addSet(zone, node, i, owner, synthesized, options, out);
        }
      }
      return true;
    }
    int index = qtype == Type.ANY ? -1 : node.indexOf(qtype);
    if (index >= 0) {
      addSet(zone, node, index, owner, synthesized, options, out);
      return true;
    }
    out.addRecord(zone.negativeSoa(), Section.AUTHORITY); // NODATA, RFC 2308 section 2.2
    return false;
  }

  /**
   * RFC 8482 section 4.1 lets us pick one RRset; like NSD, prefer small popular types (A, AAAA,
   * SOA, MX, PTR), then anything but DNSSEC types and DNAME, in zone-file order (NSD and Knot
   * answer ANY at a DNAME owner with its other data).
   */
  static int preferredForAny(Node node) {
    int normal = -1;
    int other = -1;
    for (int i = 0; i < node.size(); i++) {
      int t = node.set(i)[0].getType();
      switch (t) {
        case Type.A, Type.AAAA, Type.SOA, Type.MX, Type.PTR -> {
          return i;
        }
        case Type.DNSKEY, Type.RRSIG, Type.NSEC, Type.DNAME -> other = other < 0 ? i : other;
        default -> normal = normal < 0 ? i : normal;
      }
    }
    return normal >= 0 ? normal : other;
  }

  /**
   * NSD and BIND put the apex NS RRset in the authority section of positive answers (and its
   * addresses in additional); it is optional data that the wire layer drops first when space runs
   * short. Not for ANY, DS or DNSKEY (NSD bug 253: it makes priming truncate), nor twice.
   */
  private static void addApexNs(Zone zone, int qtype, Message out) {
    if (qtype == Type.ANY || qtype == Type.DS || qtype == Type.DNSKEY) {
      return;
    }
    Node apex = zone.node(zone.origin());
    Record[] ns = apex == null ? null : apex.get(Type.NS);
    if (ns == null || out.findRecord(ns[0], Section.ANSWER)) {
      return;
    }
    for (Record r : ns) {
      out.addRecord(r, Section.AUTHORITY);
    }
    for (Record r : ns) {
      addAddresses(zone, ((NSRecord) r).getTarget(), out);
    }
  }

  /**
   * Adds the {@code index}-th RRset of {@code node}; address RRsets of more than one record start
   * one further along at each response when the zone rotates (BIND's rrset-order cyclic).
   */
  private static void addSet(
      Zone zone,
      Node node,
      int index,
      Name owner,
      boolean synthesized,
      LookupOptions options,
      Message out) {
    Record[] set = node.set(index);
    int start = 0;
    AtomicInteger turn = node.turn(index);
    if (turn != null && options.rotates(zone.origin())) {
      int k = options.fixedTurn() >= 0 ? options.fixedTurn() : turn.getAndIncrement();
      start = Math.floorMod(k, set.length);
    }
    for (int k = 0; k < set.length; k++) {
      Record r = set[(start + k) % set.length];
      out.addRecord(synthesized ? r.withName(owner) : r, Section.ANSWER);
    }
    for (Record r : set) {
      Name target = additionalTarget(r);
      if (target != null) {
        addAddresses(zone, target, out);
      }
    }
  }

  /** RFC 1034 section 3.7: NS, MX and SRV answers carry the targets' addresses if we have them. */
  private static Name additionalTarget(Record r) {
    if (r instanceof NSRecord ns) {
      return ns.getTarget();
    }
    if (r instanceof MXRecord mx) {
      return mx.getTarget();
    }
    if (r instanceof SRVRecord srv) {
      return srv.getTarget();
    }
    return null;
  }

  /**
   * A referral: the cut's NS RRset in authority and the glue we hold. RFC 9471: glue for in-domain
   * servers (below the cut) must be sent, so it comes first, name by name with A before AAAA (as
   * Knot orders it); sibling glue follows. The wire layer keeps what fits and sets TC when
   * in-domain glue is left out.
   */
  private static void referral(Zone zone, Node cut, Message out, boolean first) {
    if (first) {
      out.getHeader().unsetFlag(Flags.AA); // RFC 1034 section 4.3.2 step 3b
    }
    Record[] ns = cut.get(Type.NS);
    for (Record r : ns) {
      out.addRecord(r, Section.AUTHORITY);
    }
    for (boolean inDomain : new boolean[] {true, false}) {
      for (Record r : ns) {
        Name target = ((NSRecord) r).getTarget();
        if (target.subdomain(cut.name()) == inDomain) {
          addAddresses(zone, target, out);
        }
      }
    }
  }

  private static void addAddresses(Zone zone, Name target, Message out) {
    if (!zone.contains(target)) {
      return;
    }
    Node t = zone.node(target);
    if (t == null) {
      return;
    }
    addOnce(t.get(Type.A), out);
    addOnce(t.get(Type.AAAA), out);
  }

  private static void addOnce(Record[] set, Message out) {
    if (set == null || out.findRecord(set[0], Section.ADDITIONAL)) {
      return;
    }
    for (Record r : set) {
      out.addRecord(r, Section.ADDITIONAL);
    }
  }
}
