package dev.meridian.zone;

import java.util.concurrent.atomic.AtomicInteger;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * One owner name of a zone with its RRsets, in file order. Empty non-terminals are nodes with no
 * RRsets. Immutable after {@link ZoneBuilder} publishes the zone (arrays are never written again),
 * apart from the lock-free rotation counters of address RRsets.
 */
public final class Node {
  private static final int[] NO_TYPES = new int[0];
  private static final Record[][] NO_SETS = new Record[0][];

  private final Name name;
  private final int[] types;
  private final Record[][] sets;
  private final boolean cut;
  private final AtomicInteger[] turns; // rotation counters of A/AAAA RRsets with 2+ records
  private Node wildcard; // set once by ZoneBuilder before publication

  Node(Name name, int[] types, Record[][] sets, boolean cut) {
    this.name = name;
    this.types = types.length == 0 ? NO_TYPES : types;
    this.sets = sets.length == 0 ? NO_SETS : sets;
    this.cut = cut;
    AtomicInteger[] t = null;
    for (int i = 0; i < types.length; i++) {
      if ((types[i] == Type.A || types[i] == Type.AAAA) && sets[i].length > 1) {
        t = t == null ? new AtomicInteger[types.length] : t;
        t[i] = new AtomicInteger();
      }
    }
    this.turns = t;
  }

  /** The position of the RRset of {@code type}, or -1. */
  public int indexOf(int type) {
    for (int i = 0; i < types.length; i++) {
      if (types[i] == type) {
        return i;
      }
    }
    return -1;
  }

  /** The rotation counter of the i-th RRset, or null when it does not rotate. */
  AtomicInteger turn(int i) {
    return turns == null ? null : turns[i];
  }

  public Name name() {
    return name;
  }

  /** The RRset of {@code type}, or null. The array must not be written. */
  public Record[] get(int type) {
    int i = indexOf(type);
    return i < 0 ? null : sets[i];
  }

  public boolean has(int type) {
    return get(type) != null;
  }

  /** Number of RRsets; 0 for an empty non-terminal. */
  public int size() {
    return types.length;
  }

  /** The i-th RRset in file order. */
  public Record[] set(int i) {
    return sets[i];
  }

  /** True at a delegation point: NS records at a name other than the apex. */
  public boolean isCut() {
    return cut;
  }

  public boolean isCname() {
    return has(Type.CNAME);
  }

  /** True when the zone has a {@code *.name} node below this one. */
  public boolean hasWildcard() {
    return wildcard != null;
  }

  /** The types of the RRsets, in file order. */
  public int type(int i) {
    return types[i];
  }

  /** The child {@code *.name} node if the zone has one, else null. */
  Node wildcard() {
    return wildcard;
  }

  void setWildcard(Node w) {
    wildcard = w;
  }
}
