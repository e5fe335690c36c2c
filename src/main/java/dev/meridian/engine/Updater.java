package dev.meridian.engine;

import dev.meridian.config.MeridianConfig;
import dev.meridian.config.TsigKeySpec;
import dev.meridian.zone.Journal;
import dev.meridian.zone.Zone;
import dev.meridian.zone.ZoneEditor;
import dev.meridian.zone.ZoneException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TSIGRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * Dynamic updates (RFC 2136) signed with TSIG (RFC 8945): prerequisites, then adds and deletes, a
 * new serial, the change made durable ({@link Journal}) before the answer, and the new zone swapped
 * into the query snapshot. Updates are serialized (one writer); queries never wait.
 */
public final class Updater {
  private static final System.Logger LOG = System.getLogger("meridian");

  private final SnapshotHolder holder;
  private final Consumer<Zone> onChange;

  /**
   * @param onChange told of every zone an update changed (to NOTIFY its secondaries)
   */
  public Updater(SnapshotHolder holder, Consumer<Zone> onChange) {
    this.holder = holder;
    this.onChange = onChange;
  }

  /** Processes one UPDATE; {@code wire} is the message as received (TSIG covers those bytes). */
  public synchronized void update(Message query, byte[] wire, Message response) {
    Snapshot s = holder.current();
    MeridianConfig c = s.config();
    Record zq = query.getQuestion();
    if (zq == null || zq.getType() != Type.SOA || query.getHeader().getCount(Section.ZONE) != 1) {
      response.getHeader().setRcode(Rcode.FORMERR);
      return;
    }
    Zone zone = s.zones().zone(zq.getName());
    if (zone == null) {
      response.getHeader().setRcode(Rcode.NOTAUTH);
      return;
    }
    List<String> allowed = c.updateKeys().get(zone.origin().toString().toLowerCase(Locale.ROOT));
    TSIGRecord tr = query.getTSIG();
    if (allowed == null || tr == null) {
      response.getHeader().setRcode(Rcode.REFUSED); // unsigned, or a zone that takes no updates
      return;
    }
    TSIG key = key(c, tr, allowed);
    if (key == null) {
      response.getHeader().setRcode(Rcode.NOTAUTH); // a key this zone does not accept
      return;
    }
    int err = key.verify(query, wire, null);
    response.setTSIG(key, err, tr);
    if (err != Rcode.NOERROR) {
      response.getHeader().setRcode(Rcode.NOTAUTH);
      return;
    }
    ZoneEditor edit = new ZoneEditor(zone);
    int rc = prerequisites(query.getSection(Section.PREREQ), zone, edit);
    if (rc == Rcode.NOERROR) {
      rc = apply(query.getSection(Section.UPDATE), zone, edit);
    }
    if (rc != Rcode.NOERROR || !edit.changed()) {
      response.getHeader().setRcode(rc);
      return;
    }
    try {
      Zone next = edit.build();
      Path file = Path.of(zone.source());
      Journal.append(file, zone.serial(), next.serial(), edit.removed(), edit.added());
      Journal.fold(next, file);
      holder.publishZone(next);
      LOG.log(
          Level.INFO,
          "update: zone "
              + next.origin()
              + " serial "
              + zone.serial()
              + " -> "
              + next.serial()
              + " (key "
              + tr.getName()
              + ")");
      onChange.accept(next);
    } catch (ZoneException e) {
      LOG.log(Level.WARNING, "update refused: " + e.getMessage());
      response.getHeader().setRcode(Rcode.REFUSED);
    } catch (IOException e) {
      LOG.log(Level.ERROR, "update not saved, so not applied: " + e);
      response.getHeader().setRcode(Rcode.SERVFAIL);
    }
  }

  /** The TSIG key named by {@code tr} when it is one of {@code allowed}; null otherwise. */
  static TSIG key(MeridianConfig c, TSIGRecord tr, List<String> allowed) {
    TsigKeySpec spec = c.tsigKeys().get(tr.getName().toString().toLowerCase(Locale.ROOT));
    if (spec == null || !allowed.contains(spec.name())) {
      return null;
    }
    try {
      return new TSIG(
          TSIG.algorithmToName(spec.algorithm()), Name.fromString(spec.name()), spec.secret());
    } catch (TextParseException e) {
      return null;
    }
  }

  /** RFC 2136 section 3.2. */
  static int prerequisites(List<Record> prereqs, Zone zone, ZoneEditor edit) {
    Map<String, Set<String>> wanted = new HashMap<>();
    for (Record r : prereqs) {
      if (r.getTTL() != 0) {
        return Rcode.FORMERR;
      }
      if (!zone.contains(r.getName())) {
        return Rcode.NOTZONE;
      }
      boolean empty = r.rdataToString().isEmpty();
      if (r.getDClass() == DClass.ANY) {
        if (!empty) {
          return Rcode.FORMERR;
        }
        if (r.getType() == Type.ANY
            ? !edit.nameInUse(r.getName())
            : edit.rrset(r.getName(), r.getType()).isEmpty()) {
          return r.getType() == Type.ANY ? Rcode.NXDOMAIN : Rcode.NXRRSET;
        }
      } else if (r.getDClass() == DClass.NONE) {
        if (!empty) {
          return Rcode.FORMERR;
        }
        if (r.getType() == Type.ANY
            ? edit.nameInUse(r.getName())
            : !edit.rrset(r.getName(), r.getType()).isEmpty()) {
          return r.getType() == Type.ANY ? Rcode.YXDOMAIN : Rcode.YXRRSET;
        }
      } else if (r.getDClass() == DClass.IN) {
        wanted
            .computeIfAbsent(r.getName() + "/" + r.getType(), k -> new HashSet<>())
            .add(r.rdataToString());
      } else {
        return Rcode.FORMERR;
      }
    }
    for (var e : wanted.entrySet()) { // value-dependent: the RRset must be exactly this
      String[] nt = e.getKey().split("/", -1);
      Set<String> have = new HashSet<>();
      try {
        for (Record r : edit.rrset(Name.fromString(nt[0]), Integer.parseInt(nt[1]))) {
          have.add(r.rdataToString());
        }
      } catch (TextParseException ex) {
        return Rcode.FORMERR;
      }
      if (!have.equals(e.getValue())) {
        return Rcode.NXRRSET;
      }
    }
    return Rcode.NOERROR;
  }

  /** RFC 2136 sections 3.4.1 (prescan) and 3.4.2 (apply). */
  static int apply(List<Record> updates, Zone zone, ZoneEditor edit) {
    for (Record r : updates) {
      if (!zone.contains(r.getName())) {
        return Rcode.NOTZONE;
      }
      int t = r.getType();
      boolean meta = t == Type.AXFR || t == Type.IXFR || t == Type.MAILA || t == Type.MAILB;
      int cls = r.getDClass();
      if (cls == DClass.IN
          ? (t == Type.ANY || meta)
          : cls == DClass.ANY
              ? (r.getTTL() != 0 || !r.rdataToString().isEmpty() || meta)
              : cls == DClass.NONE ? (r.getTTL() != 0 || t == Type.ANY || meta) : true) {
        return Rcode.FORMERR;
      }
    }
    for (Record r : updates) {
      boolean apex = r.getName().equals(zone.origin());
      if (r.getDClass() == DClass.IN) {
        edit.add(r);
      } else if (r.getDClass() == DClass.ANY) {
        if (!(apex && (r.getType() == Type.SOA || r.getType() == Type.NS))) {
          edit.deleteRrset(r.getName(), r.getType());
        }
      } else {
        edit.deleteRecord(r);
      }
    }
    return Rcode.NOERROR;
  }
}
