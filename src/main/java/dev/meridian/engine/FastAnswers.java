package dev.meridian.engine;

import dev.meridian.zone.AddressSource;
import dev.meridian.zone.Leaves;
import dev.meridian.zone.LookupOptions;
import dev.meridian.zone.Node;
import dev.meridian.zone.Zone;
import dev.meridian.zone.ZoneIndex;
import dev.meridian.zone.ZoneLookup;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Every static answer of a snapshot encoded at load (gdnsd and Knot do the same): a query that the
 * wire layer could read without dnsjava is answered by copying bytes and patching ID, RD, the
 * question's case and type. The bytes are what the general path renders ({@link ZoneLookup} and
 * dnsjava), rendered once per name, type and rotation, so both paths answer alike. What is not here
 * takes the general path: managed names' addresses, ANY, DS, referrals, wildcards, DNAME, chains
 * across zones. Immutable; {@link #answer} allocates nothing.
 */
public final class FastAnswers {
  /** Rotating RRsets larger than this rotate among this many starting points. */
  static final int MAX_VARIANTS = 64;

  /**
   * A private-use type (RFC 6895) that NODATA responses are rendered for; the query's replaces it.
   */
  static final int STAND_IN_TYPE = 65534;

  /** A table that answers nothing: every query takes the general path. */
  static final FastAnswers NONE =
      new FastAnswers(new NameTable<>(List.of(), List.of()), null, null);

  private final NameTable<ZoneAnswers> zones;
  private final NameTable<ServiceAnswers> services; // null: none
  private final java.util.IdentityHashMap<Zone, ZoneAnswers> byZone; // reused when zones are

  private FastAnswers(
      NameTable<ZoneAnswers> zones,
      java.util.IdentityHashMap<Zone, ZoneAnswers> byZone,
      NameTable<ServiceAnswers> services) {
    this.zones = zones;
    this.byZone = byZone == null ? new java.util.IdentityHashMap<>() : byZone;
    this.services = services;
  }

  /**
   * These zone answers with the managed names' answers encoded for {@code health} (called for every
   * new health table, off the query path).
   */
  FastAnswers withServices(
      ZoneIndex index,
      LookupOptions options,
      PolicyTable policies,
      dev.meridian.health.HealthView health) {
    NameTable<ServiceAnswers> s =
        policies.isEmpty() ? null : ServiceAnswers.encodeAll(index, options, policies, health);
    return new FastAnswers(zones, byZone, s);
  }

  /**
   * Encodes the answers of every zone in {@code index}; a zone whose answers {@code previous}
   * already holds (the same zone object) is taken from there.
   *
   * @param managed the names whose A and AAAA answers come from a policy
   */
  static FastAnswers build(
      ZoneIndex index, LookupOptions options, Set<Name> managed, FastAnswers previous) {
    List<byte[]> keys = new ArrayList<>();
    List<ZoneAnswers> values = new ArrayList<>();
    java.util.IdentityHashMap<Zone, ZoneAnswers> byZone = new java.util.IdentityHashMap<>();
    for (Zone z : index.zones()) {
      ZoneAnswers za = previous == null ? null : previous.byZone.get(z);
      if (za == null) {
        za = new Encoder(index, z, options, managed).zone();
      }
      keys.add(z.origin().toWireCanonical());
      values.add(za);
      byZone.put(z, za);
    }
    return new FastAnswers(new NameTable<>(keys, values), byZone, null);
  }

  /**
   * Writes the response to {@code q} into {@code out}, without OPT; returns its length, or -1 when
   * the general path must answer.
   */
  public int answer(WireQuery q, byte[] out) {
    int t = q.qtype;
    if (t == Type.DS || t == Type.ANY || t == Type.AXFR || t == Type.IXFR || t == Type.OPT) {
      return -1; // the parent side of a cut, RFC 8482, transfers, and the rest of the rare
    }
    int n = q.nameLength;
    if (services != null && (t == Type.A || t == Type.AAAA)) {
      ServiceAnswers managed = services.get(q.lower, 0, n);
      if (managed != null) {
        return managed.write(q, out);
      }
    }
    ZoneAnswers za = null;
    int apexStart = n - 1; // where the zone's apex starts in the question name
    for (int i = 0; i < q.labels && za == null; i++) {
      apexStart = q.labelStarts[i];
      za = zones.get(q.lower, apexStart, n);
    }
    if (za == null) {
      apexStart = n - 1;
      za = zones.get(q.lower, apexStart, n); // the root zone, if served
      if (za == null) {
        return -1; // not ours: REFUSED by the general path
      }
    }
    ZoneAnswers.NodeAnswers node = za.names.get(q.lower, 0, n);
    if (node != null) {
      return node.write(q, out);
    }
    if (za.hasLeaves && apexStart > 0) {
      if (za.leaves == null) {
        return -1;
      }
      int leaf = za.leaves.find(q, apexStart);
      if (leaf >= 0) {
        return za.leaves.write(leaf, q, out);
      }
    }
    for (int i = 1; i < q.labels; i++) {
      int from = q.labelStarts[i];
      ZoneAnswers.NodeAnswers encloser = za.names.get(q.lower, from, n);
      if (encloser != null) {
        return encloser.isGeneralBelow() || za.nxdomain == null ? -1 : za.nxdomain.write(q, out);
      }
      if (za.leaves != null && from < apexStart && za.leaves.isLeaf(q, from, apexStart)) {
        return za.nxdomain == null ? -1 : za.nxdomain.write(q, out); // nothing is below a leaf
      }
    }
    return -1;
  }

  /** Sets the response's ID and RD from the query; the rest of the header is pre-encoded. */
  static void patchHeader(WireQuery q, byte[] out) {
    out[0] = q.packet[0];
    out[1] = q.packet[1];
    out[2] = (byte) ((out[2] & 0xFE) | (q.rd ? 1 : 0));
  }

  /** A response compared and hashed without its question name (offset 12, {@code skip} octets). */
  private static final class SharedKey {
    private final byte[] bytes;
    private final int skip;
    private final int hash;

    SharedKey(byte[] bytes, int skip) {
      this.bytes = bytes;
      this.skip = skip;
      int h = skip;
      for (int i = 0; i < bytes.length; i++) {
        if (i < 12 || i >= 12 + skip) {
          h = 31 * h + bytes[i];
        }
      }
      this.hash = h;
    }

    @Override
    public int hashCode() {
      return hash;
    }

    @Override
    public boolean equals(Object o) {
      if (!(o instanceof SharedKey k) || k.skip != skip || k.bytes.length != bytes.length) {
        return false;
      }
      int end = 12 + skip;
      return Arrays.equals(bytes, 0, 12, k.bytes, 0, 12)
          && Arrays.equals(bytes, end, bytes.length, k.bytes, end, bytes.length);
    }
  }

  /** Renders one zone's responses with the general path's own lookup. Confined to the builder. */
  private static final class Encoder {
    private final ZoneIndex index;
    private final Zone zone;
    private final LookupOptions options;
    private final Set<Name> managed;
    private final boolean hasChildZones; // another zone served here lies below this apex
    private final AnswerShapes shapes;
    private final java.util.Map<SharedKey, byte[]> shared = new java.util.HashMap<>();
    private final java.util.Map<java.nio.IntBuffer, int[]> typeArrays = new java.util.HashMap<>();
    private boolean dynamic; // the last rendering met a managed name

    Encoder(ZoneIndex index, Zone zone, LookupOptions options, Set<Name> managed) {
      this.index = index;
      this.zone = zone;
      this.options = options;
      this.managed = managed;
      boolean children = false;
      for (Zone z : index.zones()) {
        children |= z != zone && z.origin().subdomain(zone.origin());
      }
      this.hasChildZones = children;
      this.shapes = new AnswerShapes(zone, (qname, qtype) -> render(qname, qtype, 0));
    }

    /** Whether this zone (not a child zone served here) answers for {@code name}. */
    private boolean owns(Name name) {
      return hasChildZones ? index.find(name) == zone : name.subdomain(zone.origin());
    }

    ZoneAnswers zone() {
      List<byte[]> keys = new ArrayList<>();
      List<ZoneAnswers.NodeAnswers> values = new ArrayList<>();
      for (Node node : zone.nodes()) {
        if (!owns(node.name())) {
          continue; // a child zone served here answers for this name
        }
        keys.add(node.name().toWireCanonical());
        values.add(node(node));
      }
      Leaves leaves = zone.leaves();
      LeafAnswers leafAnswers =
          LeafAnswers.build(
              zone,
              shapes,
              (qname, qtype) -> render(qname, qtype, 0),
              managed,
              i -> {
                Name name = leaves.name(i, zone.origin());
                keys.add(name.toWireCanonical());
                values.add(node(zone.node(name)));
              });
      return new ZoneAnswers(zone, new NameTable<>(keys, values), nxdomain(), leafAnswers);
    }

    private ZoneAnswers.NodeAnswers node(Node node) {
      Name name = node.name();
      boolean general = node.isCut() || zone.interceptAbove(name) != null;
      boolean generalBelow = general || node.hasWildcard() || node.has(Type.DNAME);
      if (general) {
        return new ZoneAnswers.NodeAnswers(new int[0], new byte[0][][], null, true, true);
      }
      List<Integer> types = new ArrayList<>();
      for (int i = 0; i < node.size(); i++) {
        types.add(node.type(i));
      }
      boolean cname = node.isCname();
      boolean isManaged = managed.contains(name);
      if (cname || isManaged) {
        for (int t : new int[] {Type.A, Type.AAAA}) {
          if (!types.contains(t)) {
            types.add(t);
          }
        }
      }
      types.remove(Integer.valueOf(Type.DS));
      int[] typeArray = sharedTypes(types.stream().mapToInt(Integer::intValue).toArray());
      byte[][][] variants = new byte[typeArray.length][][];
      for (int i = 0; i < typeArray.length; i++) {
        Record[] set = node.get(typeArray[i]);
        // only a CNAME's target or an address RRset of 2+ records rotates (ZoneLookup.addSet)
        boolean rotates = cname || (set != null && set.length > 1);
        int t = typeArray[i];
        if (!rotates && !isManaged && set != null && (t == Type.A || t == Type.AAAA)) {
          byte[] one = shapes.address(name, t, set[0]);
          variants[i] = one == null ? null : new byte[][] {one};
        } else {
          variants[i] = rotates ? variants(name, t) : single(name, t);
        }
      }
      byte[] nodata =
          cname || types.contains(STAND_IN_TYPE)
              ? null
              : shared(shapes.nodata(name, STAND_IN_TYPE), name.length());
      return new ZoneAnswers.NodeAnswers(typeArray, variants, nodata, false, generalBelow);
    }

    /** {@code types}, or an equal array met before: most nodes of a large zone have the same. */
    private int[] sharedTypes(int[] types) {
      int[] prior = typeArrays.putIfAbsent(java.nio.IntBuffer.wrap(types), types);
      return prior == null ? types : prior;
    }

    /** The one answer to (name, type) that cannot rotate, or null for the general path. */
    private byte[][] single(Name name, int type) {
      byte[] r = render(name, type, 0);
      return r == null ? null : new byte[][] {r};
    }

    /**
     * {@code response} or an equal one already rendered: the query's name overwrites the question
     * ({@link ZoneAnswers.NodeAnswers#copy}), so responses that differ only there are one (the
     * NODATA responses of all names of one length, mostly).
     */
    private byte[] shared(byte[] response, int nameLength) {
      if (response == null) {
        return null;
      }
      SharedKey k = new SharedKey(response, nameLength);
      byte[] prior = shared.putIfAbsent(k, response);
      return prior == null ? response : prior;
    }

    /** Every rotation of the answer to (name, type), or null when it takes the general path. */
    private byte[][] variants(Name name, int type) {
      List<byte[]> out = new ArrayList<>();
      for (int turn = 0; turn < MAX_VARIANTS; turn++) {
        byte[] r = render(name, type, turn);
        if (r == null) {
          return null;
        }
        if (!out.isEmpty() && Arrays.equals(r, out.get(0))) {
          break; // back at the first rotation
        }
        out.add(r);
      }
      return out.toArray(new byte[0][]);
    }

    /**
     * The response the general path gives a query without EDNS, ID 0 and RD clear; null when it
     * depends on more than the question (a managed name, another zone's data).
     */
    private byte[] render(Name qname, int qtype, int turn) {
      Message m = new Message(0);
      m.getHeader().setFlag(Flags.QR);
      m.addRecord(Record.newRecord(qname, qtype, DClass.IN), Section.QUESTION);
      dynamic = false;
      AddressSource source =
          (owner, t, out) -> {
            dynamic |= managed.contains(owner);
            return AddressSource.FALL_BACK;
          };
      ZoneLookup.answer(index, zone, qname, qtype, options.withTurn(turn), source, m);
      if (dynamic) {
        return null;
      }
      for (int section : new int[] {Section.ANSWER, Section.AUTHORITY, Section.ADDITIONAL}) {
        for (Record r : m.getSection(section)) {
          if (!owns(r.getName())) {
            return null; // a chain into another zone: that zone may change on its own
          }
        }
      }
      return m.toWire(65535);
    }

    /**
     * The zone's NXDOMAIN response as a template: rendered for two stand-in names one octet apart
     * to find the pointers that move with the name's length.
     */
    private Template nxdomain() {
      Name a;
      Name b;
      try {
        a = Name.concatenate(Name.fromConstantString("meridian-nx-a"), zone.origin());
        b = Name.concatenate(Name.fromConstantString("meridian-nx-ab"), zone.origin());
      } catch (org.xbill.DNS.NameTooLongException e) {
        return null; // an apex this long leaves no room: the general path answers
      }
      if (zone.node(a) != null || zone.node(b) != null || zone.node(zone.origin()) == null) {
        return null;
      }
      Node apex = zone.node(zone.origin());
      if (apex.hasWildcard() || apex.has(Type.DNAME)) {
        return null;
      }
      byte[] shorter = render(a, Type.A, 0);
      byte[] longer = render(b, Type.A, 0);
      if (shorter == null || longer == null || (shorter[3] & 0xF) != org.xbill.DNS.Rcode.NXDOMAIN) {
        return null;
      }
      int length = a.length();
      int[] pointers = Template.movedPointers(shorter, longer, length);
      if (pointers == null) {
        return null;
      }
      SOARecord soa = zone.negativeSoa();
      List<byte[]> avoid = new ArrayList<>();
      for (Name n : new Name[] {soa.getHost(), soa.getAdmin()}) {
        for (Name up = n; up.subdomain(zone.origin()) && !up.equals(zone.origin()); ) {
          avoid.add(up.toWireCanonical());
          up = new Name(up, 1);
        }
      }
      return new Template(shorter, length, pointers, avoid);
    }
  }
}
