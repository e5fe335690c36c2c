package dev.meridian.engine;

import dev.meridian.zone.Node;
import dev.meridian.zone.Zone;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Type;

/**
 * Derives the responses of a zone's ordinary names from one response rendered per shape, instead of
 * rendering every name through dnsjava's {@code Message} (which cost a million-name zone two
 * million renderings and four gigabytes of garbage at load). A response's shape is what the general
 * path does with the question: for one address record at an ordinary name, the header, the answer's
 * owner as a pointer to the question, and the authority and additional data (the apex NS RRset and
 * its glue, or the SOA of a NODATA answer) are the same for every name of one length, since those
 * sections compress against the question name only at the apex's offset, which the length fixes.
 * The exception is a name at or below one of the tail's names (an NS target, the SOA's names):
 * those compress into the question further down, so they are rendered. The first answers derived in
 * each zone are compared with a rendering; a difference turns derivation off for that zone.
 * Confined to the encoder of one zone.
 */
final class AnswerShapes {
  /** Renders the general path's response to (qname, qtype), or null. */
  interface Renderer {
    byte[] render(Name qname, int qtype);
  }

  /** Derived responses compared with a rendering in each zone before the rest are trusted. */
  static final int CHECKED = 32;

  private final Zone zone;
  private final Renderer renderer;
  private final Set<Name> tailNames = new HashSet<>();
  private final Map<Long, byte[]> answers = new HashMap<>(); // (qtype, name length, rdlength)
  private final Map<Integer, byte[]> nodata = new HashMap<>(); // by name length
  private int checked;
  private boolean off;

  AnswerShapes(Zone zone, Renderer renderer) {
    this.zone = zone;
    this.renderer = renderer;
    SOARecord soa = zone.negativeSoa();
    addTail(soa.getHost());
    addTail(soa.getAdmin());
    Node apex = zone.node(zone.origin());
    Record[] ns = apex == null ? null : apex.get(Type.NS);
    if (ns != null) {
      for (Record r : ns) {
        addTail(((NSRecord) r).getTarget());
      }
    }
  }

  /** {@code name} and its ancestors below the apex, where the question may meet tail names. */
  private void addTail(Name name) {
    Name apex = zone.origin();
    if (!name.subdomain(apex)) {
      return;
    }
    for (Name n = name; n.labels() > apex.labels(); n = new Name(n, 1)) {
      tailNames.add(n);
    }
  }

  /** True when the tail may compress into {@code name} below the apex: render it. */
  boolean meetsTail(Name name) {
    if (tailNames.isEmpty()) {
      return false;
    }
    int apexLabels = zone.origin().labels();
    for (Name n = name; n.labels() > apexLabels; n = new Name(n, 1)) {
      if (tailNames.contains(n)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The response to an A or AAAA question at {@code name}, whose RRset of that type is the one
   * record {@code r}.
   */
  byte[] address(Name name, int qtype, Record r) {
    if (off || meetsTail(name)) {
      return renderer.render(name, qtype);
    }
    byte[] rdata = r.rdataToWireCanonical(); // A and AAAA hold no names: the rdata as written
    int n = name.length();
    long key = ((long) qtype << 32) | ((long) n << 16) | rdata.length;
    byte[] shape = answers.get(key);
    if (shape == null) {
      byte[] first = renderer.render(name, qtype);
      if (first != null && isAddressShape(first, n, rdata.length)) {
        answers.put(key, first);
      }
      return first;
    }
    byte[] out = shape.clone();
    byte[] wire = name.toWire();
    System.arraycopy(wire, 0, out, 12, n);
    putTtl(out, n, r.getTTL());
    System.arraycopy(rdata, 0, out, rdataAt(n), rdata.length);
    return checked(out, name, qtype);
  }

  /**
   * The response that {@link #address} derives answers from for (qtype, names of {@code name}'s
   * length, rdata of {@code rdlength} octets), rendered for {@code name} if none is known yet; null
   * when that rendering is not such a shape. Whether a name may use it is {@link #meetsTail}'s
   * question.
   */
  byte[] addressShape(Name name, int qtype, int rdlength) {
    int n = name.length();
    long key = ((long) qtype << 32) | ((long) n << 16) | rdlength;
    byte[] shape = answers.get(key);
    if (shape == null && !off) {
      byte[] first = renderer.render(name, qtype);
      if (first != null && isAddressShape(first, n, rdlength)) {
        answers.put(key, first);
        shape = first;
      }
    }
    return shape;
  }

  /** False once a derived response differed from a rendering: no shape is to be trusted. */
  boolean trusted() {
    return !off;
  }

  /** The names (and their ancestors below the apex) that the tail compresses into. */
  Set<Name> tailNames() {
    return tailNames;
  }

  /** Writes the TTL of a derived answer, whose question name is {@code n} octets long. */
  static void putTtl(byte[] out, int n, long ttl) {
    int p = 12 + n + 4 + 6; // question, then the answer's pointer, type and class
    out[p] = (byte) (ttl >>> 24);
    out[p + 1] = (byte) (ttl >>> 16);
    out[p + 2] = (byte) (ttl >>> 8);
    out[p + 3] = (byte) ttl;
  }

  /** Where a derived answer's rdata starts, for a question name of {@code n} octets. */
  static int rdataAt(int n) {
    return 12 + n + 4 + 12;
  }

  /**
   * The NODATA response at {@code name}, rendered for the stand-in type {@code standIn}; one array
   * for all names of a length (the query's name and type are copied over it).
   */
  byte[] nodata(Name name, int standIn) {
    if (off || meetsTail(name)) {
      return renderer.render(name, standIn);
    }
    int n = name.length();
    byte[] shape = nodata.get(n);
    if (shape == null) {
      byte[] first = renderer.render(name, standIn);
      if (first != null) {
        nodata.put(n, first);
      }
      return first;
    }
    if (checked < CHECKED) {
      byte[] rendered = renderer.render(name, standIn);
      checked++;
      if (rendered == null || !sameOutsideName(rendered, shape, n)) {
        off = true;
        return rendered;
      }
    }
    return shape;
  }

  private byte[] checked(byte[] derived, Name name, int qtype) {
    if (checked >= CHECKED) {
      return derived;
    }
    checked++;
    byte[] rendered = renderer.render(name, qtype);
    if (!Arrays.equals(rendered, derived)) {
      off = true; // a shape this class does not know: render every name of this zone
      return rendered;
    }
    return derived;
  }

  /** One answer record whose owner points at the question, right after it. */
  private static boolean isAddressShape(byte[] r, int n, int rdlength) {
    int p = 12 + n + 4;
    return r.length >= p + 12 + rdlength
        && r[6] == 0
        && r[7] == 1 // ANCOUNT 1
        && (r[p] & 0xFF) == 0xC0
        && r[p + 1] == 12
        && ((r[p + 10] & 0xFF) << 8 | (r[p + 11] & 0xFF)) == rdlength;
  }

  private static boolean sameOutsideName(byte[] a, byte[] b, int n) {
    return a.length == b.length
        && Arrays.equals(a, 0, 12, b, 0, 12)
        && Arrays.equals(a, 12 + n, a.length, b, 12 + n, b.length);
  }
}
