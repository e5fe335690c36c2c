package dev.meridian.engine;

import dev.meridian.health.HealthView;
import dev.meridian.policy.Plan;
import dev.meridian.policy.Selection;
import dev.meridian.zone.AddressSource;
import dev.meridian.zone.LookupOptions;
import dev.meridian.zone.Zone;
import dev.meridian.zone.ZoneIndex;
import dev.meridian.zone.ZoneLookup;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The A and AAAA responses of one managed name under one health state, encoded ahead of queries
 * from its policy's {@link Plan}: for each group (a region's tier, a pool) one response per
 * rotation of its live endpoints. A query finds its route in the plan's map (the ECS subnet or
 * source address), picks a rotation and patches; what the plan leaves to the general path
 * (weighted, sticky, nothing live, NODATA) returns -1. Rebuilt with every health table. Immutable.
 */
final class ServiceAnswers {
  private final Plan[] plans = new Plan[2]; // [0] A, [1] AAAA; null: the general path
  private final byte[][][][] variants = new byte[2][][][]; // [family][group][rotation]
  private final int[][][] firstSlot = new int[2][][]; // the endpoint each variant answers first
  private Service service;

  private ServiceAnswers() {}

  /** Encodes {@code service}'s answers, or returns null when its policy decides per query. */
  static ServiceAnswers encode(
      ZoneIndex zones, LookupOptions options, Service service, HealthView health) {
    ServiceAnswers out = new ServiceAnswers();
    boolean any = false;
    for (int f = 0; f < 2; f++) {
      Plan plan = service.policy().plan(f == 1, health);
      if (plan == null) {
        continue;
      }
      int type = f == 1 ? Type.AAAA : Type.A;
      byte[][][] groups = new byte[plan.groups().size()][][];
      int[][] first = new int[groups.length][];
      for (int g = 0; g < groups.length; g++) {
        List<Selection> rotations = plan.groups().get(g);
        groups[g] = new byte[rotations.size()][];
        first[g] = new int[rotations.size()];
        for (int k = 0; k < groups[g].length; k++) {
          groups[g][k] = render(zones, options, service, health, type, rotations.get(k));
          first[g][k] = rotations.get(k).get(0).slot();
        }
      }
      out.plans[f] = plan;
      out.variants[f] = groups;
      out.firstSlot[f] = first;
      out.service = service;
      any = true;
    }
    return any ? out : null;
  }

  /** The general path's response to (name, type) when the policy selects {@code sel}. */
  private static byte[] render(
      ZoneIndex zones,
      LookupOptions options,
      Service service,
      HealthView health,
      int type,
      Selection sel) {
    Name name = service.name();
    Message m = new Message(0);
    m.getHeader().setFlag(Flags.QR);
    m.addRecord(Record.newRecord(name, type, DClass.IN), Section.QUESTION);
    Zone zone = zones.find(name, type);
    AddressSource source =
        (owner, t, out) ->
            owner.equals(name)
                ? QueryEngine.addSelection(health, service, sel, out)
                : AddressSource.FALL_BACK;
    ZoneLookup.answer(zones, zone, name, type, options, source, m);
    return m.toWire(65535);
  }

  /** Writes the response to {@code q} into {@code out}; its length, or -1 for the general path. */
  int write(WireQuery q, byte[] out) {
    int f = q.qtype == Type.AAAA ? 1 : 0;
    Plan plan = plans[f];
    if (plan == null) {
      return -1;
    }
    long chosen;
    if (plan.usesAddress()) {
      if (!q.hasSubject) {
        return -1;
      }
      chosen = plan.choose(q.subjectV6, q.subjectHi, q.subjectLo);
    } else {
      chosen = plan.choose(false, 0, 0);
    }
    int group = chosen < 0 ? -1 : (int) (chosen >>> 8);
    int scope = (int) (chosen & 0xFF);
    if (group < 0) {
      return -1;
    }
    byte[][] v = variants[f][group];
    q.scope = scope;
    int k = q.nextTurn() % v.length;
    int length = ZoneAnswers.NodeAnswers.copy(v[k], q, out, false);
    if (length >= 0) { // else the general path answers, and counts
      service.countAnswer(firstSlot[f][group][k]);
    }
    return length;
  }

  /** Encodes every service of {@code policies} whose policy allows it, by name. */
  static NameTable<ServiceAnswers> encodeAll(
      ZoneIndex zones, LookupOptions options, PolicyTable policies, HealthView health) {
    List<byte[]> keys = new ArrayList<>();
    List<ServiceAnswers> values = new ArrayList<>();
    for (Service s : policies.all()) {
      ServiceAnswers a = encode(zones, options, s, health);
      if (a != null) {
        keys.add(s.name().toWireCanonical());
        values.add(a);
      }
    }
    return new NameTable<>(keys, values);
  }
}
