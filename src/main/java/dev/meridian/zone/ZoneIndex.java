package dev.meridian.zone;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;

/** Every zone served, found by closest enclosing apex. Immutable. */
public final class ZoneIndex {
  private final Map<Name, Zone> byApex;
  private final List<Zone> zones;
  private final int minLabels;
  private final int maxLabels;

  public ZoneIndex(List<Zone> zones) {
    Map<Name, Zone> m = new HashMap<>();
    int min = Integer.MAX_VALUE;
    int max = 0;
    for (Zone z : zones) {
      m.put(z.origin(), z);
      min = Math.min(min, z.origin().labels());
      max = Math.max(max, z.origin().labels());
    }
    this.byApex = Map.copyOf(m);
    this.zones = List.copyOf(new ArrayList<>(zones));
    this.minLabels = min;
    this.maxLabels = max;
  }

  /** The zone whose apex is the longest suffix of {@code qname}, or null (we answer REFUSED). */
  public Zone find(Name qname) {
    int total = qname.labels();
    for (int l = Math.min(total, maxLabels); l >= minLabels; l--) {
      Zone z = byApex.get(l == total ? qname : new Name(qname, total - l));
      if (z != null) {
        return z;
      }
    }
    return null;
  }

  /**
   * The zone that answers {@code qtype} at {@code qname}: the closest enclosing zone, except that a
   * DS query for the apex of a zone whose parent is served here too is answered from the parent
   * side of the cut (RFC 4035 section 3.1.4.1), as NSD and Knot do.
   */
  public Zone find(Name qname, int qtype) {
    Zone z = find(qname);
    if (z != null && qtype == Type.DS && qname.labels() > 1 && z.origin().equals(qname)) {
      Zone parent = find(new Name(qname, 1));
      return parent != null ? parent : z;
    }
    return z;
  }

  /** An index where {@code zone} replaces the zone with its apex. */
  public ZoneIndex with(Zone zone) {
    List<Zone> next = new ArrayList<>();
    for (Zone z : zones) {
      next.add(z.origin().equals(zone.origin()) ? zone : z);
    }
    return new ZoneIndex(next);
  }

  /** The zone with exactly this apex, or null. */
  public Zone zone(Name apex) {
    return byApex.get(apex);
  }

  public List<Zone> zones() {
    return zones;
  }
}
