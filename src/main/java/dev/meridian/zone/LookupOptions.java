package dev.meridian.zone;

import java.util.Map;
import org.xbill.DNS.Name;

/**
 * How answers are shaped. Immutable.
 *
 * @param minimalAny answer ANY with one RRset (RFC 8482 section 4.1) rather than all
 * @param minimalResponses leave the apex NS RRset out of the authority section of positive answers
 *     (Knot's behaviour); when false, add it as NSD and BIND do by default
 * @param rotate whether address RRsets of zone data rotate per response by default
 * @param rotateZones per-zone exceptions to {@code rotate}, by apex
 * @param fixedTurn when 0 or more, rotating RRsets start this many records along instead of at
 *     their shared counter: how pre-encoded answers render each rotation once; -1 otherwise
 */
public record LookupOptions(
    boolean minimalAny,
    boolean minimalResponses,
    boolean rotate,
    Map<Name, Boolean> rotateZones,
    int fixedTurn) {
  /** NSD's defaults (minimal ANY, NS in authority), without rotation. */
  public static final LookupOptions NSD_LIKE = new LookupOptions(true, false, false, Map.of());

  public LookupOptions {
    rotateZones = Map.copyOf(rotateZones);
  }

  /** Options whose rotating RRsets follow their shared counters. */
  public LookupOptions(
      boolean minimalAny,
      boolean minimalResponses,
      boolean rotate,
      Map<Name, Boolean> rotateZones) {
    this(minimalAny, minimalResponses, rotate, rotateZones, -1);
  }

  /** These options with every rotating RRset started {@code turn} records along. */
  public LookupOptions withTurn(int turn) {
    return new LookupOptions(minimalAny, minimalResponses, rotate, rotateZones, turn);
  }

  /** Options without rotation. */
  public LookupOptions(boolean minimalAny, boolean minimalResponses) {
    this(minimalAny, minimalResponses, false, Map.of());
  }

  /** Whether the address RRsets of the zone at {@code apex} rotate. */
  public boolean rotates(Name apex) {
    if (rotateZones.isEmpty()) {
      return rotate;
    }
    Boolean b = rotateZones.get(apex);
    return b == null ? rotate : b;
  }
}
