package dev.meridian.engine;

import dev.meridian.zone.Leaves;
import dev.meridian.zone.Zone;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.function.IntConsumer;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;

/**
 * The fast path's answers at a zone's {@link Leaves}: per question name length, one A response, one
 * AAAA response and one NODATA response, rendered at load by the general path ({@link
 * AnswerShapes}); a query copies the one for its name's length and writes the leaf's TTL and
 * address into it. A leaf thus costs the fast path no bytes of its own, where a pre-encoded answer
 * per name cost a million-name zone a million arrays. Leaves whose answers depend on more than
 * their own data (the names the SOA and NS records compress into, managed names) are left to the
 * caller to encode as nodes. The first answers are checked against renderings; a difference leaves
 * every leaf of the zone to the general path. Immutable; {@link #write} allocates nothing.
 */
final class LeafAnswers {
  private final Leaves leaves;
  private final byte[][] a = new byte[WireQuery.MAX_NAME + 1][];
  private final byte[][] aaaa = new byte[WireQuery.MAX_NAME + 1][];
  private final byte[][] nodata = new byte[WireQuery.MAX_NAME + 1][];

  private LeafAnswers(Leaves leaves) {
    this.leaves = leaves;
  }

  /** Whether this zone holds the leaf named by {@code q.lower[0..apexStart)}; which, or -1. */
  int find(WireQuery q, int apexStart) {
    return leaves.find(q.lower, 0, apexStart);
  }

  /** Whether a leaf's name is {@code q.lower[from..apexStart)}: a closest encloser. */
  boolean isLeaf(WireQuery q, int from, int apexStart) {
    return leaves.find(q.lower, from, apexStart) >= 0;
  }

  /** Writes the response to {@code q} at leaf i; its length, or -1 for the general path. */
  int write(int i, WireQuery q, byte[] out) {
    int n = q.nameLength;
    boolean a = q.qtype == Type.A && leaves.hasA(i);
    if (!a && !(q.qtype == Type.AAAA && leaves.hasAaaa(i))) {
      return copy(nodata[n], q, out, true);
    }
    int len = copy(a ? this.a[n] : aaaa[n], q, out, false);
    if (len > 0) {
      AnswerShapes.putTtl(out, n, a ? leaves.aTtl(i) : leaves.aaaaTtl(i));
      if (a) {
        leaves.copyA(i, out, AnswerShapes.rdataAt(n));
      } else {
        leaves.copyAaaa(i, out, AnswerShapes.rdataAt(n));
      }
    }
    return len;
  }

  private static int copy(byte[] shape, WireQuery q, byte[] out, boolean patchType) {
    return shape == null ? -1 : ZoneAnswers.NodeAnswers.copy(shape, q, out, patchType);
  }

  /**
   * The answers at {@code zone}'s leaves, or null when it has none or they are all left to the
   * general path.
   *
   * @param managed every managed name (their addresses come from a policy)
   * @param exceptions receives the leaves the caller must encode as nodes
   */
  static LeafAnswers build(
      Zone zone,
      AnswerShapes shapes,
      AnswerShapes.Renderer renderer,
      Collection<Name> managed,
      IntConsumer exceptions) {
    Leaves leaves = zone.leaves();
    if (leaves.count() == 0) {
      return null;
    }
    boolean[] own = exceptions(zone, shapes, managed);
    Name origin = zone.origin();
    int apex = origin.length();
    LeafAnswers answers = new LeafAnswers(leaves);
    boolean[] tried = new boolean[3 * (WireQuery.MAX_NAME + 1)];
    int checked = 0;
    for (int i = 0; i < leaves.count(); i++) {
      if (own[i]) {
        exceptions.accept(i);
        continue;
      }
      int n = leaves.nameLength(i) + apex;
      boolean needA = leaves.hasA(i) && !tried[n];
      boolean needAaaa = leaves.hasAaaa(i) && !tried[256 + n];
      boolean needNodata = !tried[512 + n];
      if (!needA && !needAaaa && !needNodata && checked >= AnswerShapes.CHECKED) {
        continue; // most leaves: nothing to render, nothing to check
      }
      Name name = leaves.name(i, origin);
      if (needA) {
        answers.a[n] = shapes.addressShape(name, Type.A, 4);
        tried[n] = true;
      }
      if (needAaaa) {
        answers.aaaa[n] = shapes.addressShape(name, Type.AAAA, 16);
        tried[256 + n] = true;
      }
      if (needNodata) {
        answers.nodata[n] = shapes.nodata(name, FastAnswers.STAND_IN_TYPE);
        tried[512 + n] = true;
      }
      if (checked < AnswerShapes.CHECKED) {
        checked++;
        if (!answers.agrees(i, name, renderer)) {
          return null;
        }
      }
    }
    return shapes.trusted() ? answers : null;
  }

  /**
   * True when the answers to A, AAAA and a type the leaf lacks at leaf i are what the general path
   * renders (a query as the wire layer reads it, ID 0, RD clear, no EDNS).
   */
  private boolean agrees(int i, Name name, AnswerShapes.Renderer renderer) {
    byte[] out = new byte[65535];
    for (int type : new int[] {Type.A, Type.AAAA, Type.MX}) {
      byte[] wire = name.toWire();
      byte[] packet = new byte[12 + wire.length + 4];
      packet[5] = 1; // QDCOUNT
      System.arraycopy(wire, 0, packet, 12, wire.length);
      packet[12 + wire.length + 1] = (byte) type;
      packet[12 + wire.length + 3] = 1; // IN
      WireQuery q = new WireQuery();
      if (q.readQuestion(packet, packet.length) < 0) {
        return false;
      }
      int len = write(i, q, out);
      byte[] rendered = renderer.render(name, type);
      if (len >= 0
          && (rendered == null || !Arrays.equals(out, 0, len, rendered, 0, rendered.length))) {
        return false;
      }
    }
    return true;
  }

  /**
   * The leaves whose answers depend on more than their data: at or below a name the tail compresses
   * into, or managed.
   */
  private static boolean[] exceptions(Zone zone, AnswerShapes shapes, Collection<Name> managed) {
    Leaves leaves = zone.leaves();
    Name origin = zone.origin();
    int apex = origin.length();
    boolean[] own = new boolean[leaves.count()];
    List<byte[]> keys = new ArrayList<>();
    for (Name t : shapes.tailNames()) {
      keys.add(Arrays.copyOf(t.toWireCanonical(), t.length() - apex));
    }
    if (!keys.isEmpty()) {
      NameTable<Boolean> tail = new NameTable<>(keys, Collections.nCopies(keys.size(), true));
      byte[] scratch = new byte[WireQuery.MAX_NAME];
      for (int i = 0; i < own.length; i++) {
        int len = leaves.copyLowerName(i, scratch);
        for (int p = 0; p < len && !own[i]; p += (scratch[p] & 0xFF) + 1) {
          own[i] = tail.get(scratch, p, len) != null;
        }
      }
    }
    for (Name m : managed) {
      if (m.labels() > origin.labels() && m.subdomain(origin)) {
        int k = leaves.find(m.toWire(), 0, m.length() - apex);
        if (k >= 0) {
          own[k] = true;
        }
      }
    }
    return own;
  }
}
