package dev.meridian.engine;

/**
 * The pre-encoded responses of one zone: for each node its answers by type (one variant per
 * rotation of a rotating RRset) and its NODATA response, and the zone's NXDOMAIN response as a
 * {@link Template}. Built by {@link FastAnswers}; immutable.
 */
final class ZoneAnswers {
  final dev.meridian.zone.Zone zone;
  final NameTable<NodeAnswers> names;
  final Template nxdomain; // null: NXDOMAIN takes the general path
  final boolean hasLeaves; // the zone has leaves: names not in this table may be its leaves
  final LeafAnswers leaves; // null: the leaves' questions take the general path

  ZoneAnswers(
      dev.meridian.zone.Zone zone,
      NameTable<NodeAnswers> names,
      Template nxdomain,
      LeafAnswers leaves) {
    this.zone = zone;
    this.names = names;
    this.nxdomain = nxdomain;
    this.hasLeaves = zone.leaves().count() > 0;
    this.leaves = leaves;
  }

  /** One owner name's responses. Immutable. */
  static final class NodeAnswers {
    private final int[] types; // shared among nodes with the same types
    // by type: a byte[] (the one answer) or a byte[][] (one per rotation); null: the general path.
    // A million-name zone holds a million of these, so one answer is not wrapped in an array.
    private final Object[] answers;
    private final byte[] nodata; // null: types not listed take the general path
    private final boolean general; // every question for this name takes the general path
    private final boolean generalBelow; // names below it that are not nodes: the general path

    NodeAnswers(
        int[] types, byte[][][] variants, byte[] nodata, boolean general, boolean generalBelow) {
      this.types = types;
      this.answers = new Object[variants.length];
      for (int i = 0; i < variants.length; i++) {
        byte[][] v = variants[i];
        answers[i] = v != null && v.length == 1 ? v[0] : v;
      }
      this.nodata = nodata;
      this.general = general;
      this.generalBelow = generalBelow;
    }

    /** Whether a missing name below this closest encloser needs the general path. */
    boolean isGeneralBelow() {
      return generalBelow;
    }

    /** Writes the response to {@code q}; its length, or -1 for the general path. */
    int write(WireQuery q, byte[] out) {
      if (general) {
        return -1;
      }
      for (int i = 0; i < types.length; i++) {
        if (types[i] == q.qtype) {
          Object a = answers[i];
          if (a instanceof byte[] one) {
            return copy(one, q, out, false);
          }
          if (a == null) {
            return -1;
          }
          byte[][] v = (byte[][]) a;
          return copy(v[q.nextTurn() % v.length], q, out, false);
        }
      }
      return nodata == null ? -1 : copy(nodata, q, out, true);
    }

    static int copy(byte[] response, WireQuery q, byte[] out, boolean patchType) {
      if (response.length > out.length) {
        return -1;
      }
      System.arraycopy(response, 0, out, 0, response.length);
      // the name as the client wrote it (same length, so no pointer moves), and for NODATA its type
      System.arraycopy(q.packet, 12, out, 12, q.nameLength + (patchType ? 2 : 0));
      FastAnswers.patchHeader(q, out);
      return response.length;
    }
  }
}
