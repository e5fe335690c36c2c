package dev.meridian.engine;

import dev.meridian.zone.AddressSource;
import dev.meridian.zone.LookupOptions;
import dev.meridian.zone.Node;
import dev.meridian.zone.Zone;
import dev.meridian.zone.ZoneIndex;
import dev.meridian.zone.ZoneLookup;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;
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
  private static final int STAND_IN_TYPE = 65534;

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
      ZoneIndex index, LookupOptions options, Predicate<Name> managed, FastAnswers previous) {
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
    for (int i = 0; i < q.labels && za == null; i++) {
      za = zones.get(q.lower, q.labelStarts[i], n);
    }
    if (za == null) {
      za = zones.get(q.lower, n - 1, n); // the root zone, if served
      if (za == null) {
        return -1; // not ours: REFUSED by the general path
      }
    }
    ZoneAnswers.NodeAnswers node = za.names.get(q.lower, 0, n);
    if (node != null) {
      return node.write(q, out);
    }
    for (int i = 1; i < q.labels; i++) {
      ZoneAnswers.NodeAnswers encloser = za.names.get(q.lower, q.labelStarts[i], n);
      if (encloser != null) {
        return encloser.isGeneralBelow() || za.nxdomain == null ? -1 : za.nxdomain.write(q, out);
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

  /** Renders one zone's responses with the general path's own lookup. Confined to the builder. */
  private static final class Encoder {
    private final ZoneIndex index;
    private final Zone zone;
    private final LookupOptions options;
    private final Predicate<Name> managed;
    private boolean dynamic; // the last rendering met a managed name

    Encoder(ZoneIndex index, Zone zone, LookupOptions options, Predicate<Name> managed) {
      this.index = index;
      this.zone = zone;
      this.options = options;
      this.managed = managed;
    }

    ZoneAnswers zone() {
      List<byte[]> keys = new ArrayList<>();
      List<ZoneAnswers.NodeAnswers> values = new ArrayList<>();
      for (Node node : zone.nodes()) {
        if (index.find(node.name()) != zone) {
          continue; // a child zone served here answers for this name
        }
        keys.add(node.name().toWireCanonical());
        values.add(node(node));
      }
      return new ZoneAnswers(zone, new NameTable<>(keys, values), nxdomain());
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
      if (cname || managed.test(name)) {
        for (int t : new int[] {Type.A, Type.AAAA}) {
          if (!types.contains(t)) {
            types.add(t);
          }
        }
      }
      types.remove(Integer.valueOf(Type.DS));
      int[] typeArray = types.stream().mapToInt(Integer::intValue).toArray();
      byte[][][] variants = new byte[typeArray.length][][];
      for (int i = 0; i < typeArray.length; i++) {
        variants[i] = variants(name, typeArray[i]);
      }
      byte[] nodata =
          cname || types.contains(STAND_IN_TYPE) ? null : render(name, STAND_IN_TYPE, 0);
      return new ZoneAnswers.NodeAnswers(typeArray, variants, nodata, false, generalBelow);
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
            dynamic |= managed.test(owner);
            return AddressSource.FALL_BACK;
          };
      ZoneLookup.answer(index, zone, qname, qtype, options.withTurn(turn), source, m);
      if (dynamic) {
        return null;
      }
      for (int section : new int[] {Section.ANSWER, Section.AUTHORITY, Section.ADDITIONAL}) {
        for (Record r : m.getSection(section)) {
          if (index.find(r.getName()) != zone) {
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
