package dev.meridian.engine;

import dev.meridian.config.WhenAllDown;
import dev.meridian.geo.Location;
import dev.meridian.health.HealthView;
import dev.meridian.policy.Client;
import dev.meridian.policy.Selection;
import dev.meridian.policy.TrafficPolicy;
import dev.meridian.zone.AddressSource;
import dev.meridian.zone.Zone;
import dev.meridian.zone.ZoneLookup;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Answers queries from the current {@link Snapshot}: a pure function of snapshot and question.
 * Thread-safe and lock-free; reads {@link SnapshotHolder#current()} once per query.
 */
public final class QueryEngine implements QueryHandler {
  private final SnapshotHolder holder;
  private final Updater updater;

  public QueryEngine(SnapshotHolder holder) {
    this(holder, zone -> {});
  }

  /**
   * @param onUpdate told of every zone a dynamic update changed
   */
  public QueryEngine(SnapshotHolder holder, java.util.function.Consumer<Zone> onUpdate) {
    this.holder = holder;
    this.updater = new Updater(holder, onUpdate);
  }

  @Override
  public void update(Message query, byte[] wire, Message response) {
    updater.update(query, wire, response);
  }

  @Override
  public int answerFast(WireQuery query, byte[] out) {
    return holder.current().fast().answer(query, out);
  }

  @Override
  public int answer(Message query, Message response, ClientInfo client) {
    Snapshot s = holder.current();
    Record q = query.getQuestion();
    int qtype = q.getType();
    if (q.getDClass() == DClass.CH && qtype == Type.TXT) {
      Explainer.answerChaos(s, q.getName(), client, response);
      return 0;
    }
    if (q.getDClass() != DClass.IN && q.getDClass() != DClass.ANY) {
      response.getHeader().setRcode(Rcode.REFUSED);
      return 0;
    }
    if (qtype == Type.IXFR && clientSerial(query) < 0) {
      response.getHeader().setRcode(Rcode.FORMERR); // RFC 1995 section 3: the SOA is required
      return 0;
    }
    Zone zone = s.zones().find(q.getName(), qtype);
    if (zone == null) {
      // not ours, and we never recurse; a transfer of a zone we lack is NOTAUTH, as NSD and Knot
      response.getHeader().setRcode(qtype == Type.IXFR ? Rcode.NOTAUTH : Rcode.REFUSED);
      return 0;
    }
    if (qtype == Type.AXFR) {
      response.getHeader().setRcode(Rcode.NOTIMP); // RFC 5936 section 4.2: AXFR is TCP only
      return 0;
    }
    if (qtype == Type.IXFR) {
      if (!s.config().mayTransfer(client.source())) {
        // as NSD answers; a TSIG-authorised secondary asks over TCP, where its key is checked
        response.getHeader().setRcode(Rcode.REFUSED);
        return 0;
      }
      // RFC 1995 section 2: over UDP, an answer that does not fit is the current SOA alone,
      // which tells the client to come back over TCP.
      answerIxfrOverUdp(zone, q.getName(), response);
      return 0;
    }
    if (s.policies().isEmpty()) {
      ZoneLookup.answer(s.zones(), zone, q.getName(), qtype, s.lookupOptions(), null, response);
      return 0;
    }
    Managed managed = new Managed(s, client.subject());
    ZoneLookup.answer(s.zones(), zone, q.getName(), qtype, s.lookupOptions(), managed, response);
    return managed.scope;
  }

  /** Answers managed names for one query and remembers the widest ECS scope used. */
  private static final class Managed implements AddressSource {
    private final Snapshot snapshot;
    private final InetAddress subject;
    int scope;

    Managed(Snapshot snapshot, InetAddress subject) {
      this.snapshot = snapshot;
      this.subject = subject;
    }

    @Override
    public int addAddresses(Name owner, int qtype, Message out) {
      Service service = snapshot.policies().get(owner);
      if (service == null) {
        return FALL_BACK;
      }
      boolean v6 = qtype == Type.AAAA;
      Selection sel = select(snapshot, service, subject, v6, null);
      scope = Math.max(scope, sel.scope());
      if (sel.count() > 0) {
        service.countAnswer(sel.get(0).slot());
      }
      if (sel.count() == 0
          && service.spec().whenAllDown() == WhenAllDown.NODATA
          && service.hasFamily(v6)) {
        return NODATA;
      }
      return addSelection(snapshot.health(), service, sel, out);
    }
  }

  /**
   * Writes a selection as answer records: the degraded TTL while any of the service's endpoints is
   * down; when nothing is live, fail-open (every configured endpoint), the zone's records, or
   * NODATA, as the service says.
   */
  static int addSelection(HealthView health, Service service, Selection sel, Message out) {
    if (sel.count() == 0) {
      return AddressSource.FALL_BACK;
    }
    boolean degraded = service.isDegraded(health);
    for (int i = 0; i < sel.count(); i++) {
      int slot = sel.get(i).slot();
      out.addRecord(degraded ? service.degradedRecord(slot) : service.record(slot), Section.ANSWER);
    }
    return AddressSource.ANSWERED;
  }

  /**
   * Runs a service's policy for one client; {@code trace} is null except when explaining. When no
   * candidate is live, {@code when_all_down} decides: fail-open runs the policy again as if every
   * endpoint were up; static and nodata return an empty selection (the caller then falls back to
   * the zone's records, or answers NODATA).
   */
  static Selection select(
      Snapshot s, Service service, InetAddress subject, boolean v6, List<String> trace) {
    TrafficPolicy p = service.policy();
    Location loc = null;
    if (p.usesLocation() && trace != null) {
      // answers route by the policy's route map; the database's own view is for explanations
      loc = s.geo().locate(subject);
      if (trace != null) {
        trace.add("client " + subject.getHostAddress() + ": " + loc.describe());
      }
    }
    Client client = new Client(subject, loc);
    Selection sel = p.select(client, v6, s.health(), trace);
    if (sel.count() > 0 || service.spec().whenAllDown() != WhenAllDown.FAIL_OPEN) {
      return sel;
    }
    Selection open = p.select(client, v6, HealthView.ALL_UP, null);
    if (trace != null && open.count() > 0) {
      trace.add("no candidate is live: fail-open, every configured endpoint as if up");
    }
    return open.count() > 0 ? open : sel;
  }

  private static void answerIxfrOverUdp(Zone zone, Name qname, Message response) {
    if (!zone.origin().equals(qname)) {
      response.getHeader().setRcode(Rcode.NOTAUTH);
      return;
    }
    response.getHeader().setFlag(org.xbill.DNS.Flags.AA);
    response.addRecord(zone.soa(), Section.ANSWER);
  }

  @Override
  public Transfer transfer(Message query, byte[] wire, InetAddress client) {
    Snapshot s = holder.current();
    Record q = query.getQuestion();
    org.xbill.DNS.TSIG key = null;
    org.xbill.DNS.TSIGRecord tr = query.getTSIG();
    if (tr != null) {
      key = Updater.key(s.config(), tr, s.config().transferKeys());
      if (key == null || key.verify(query, wire, null) != Rcode.NOERROR) {
        return new Transfer(Rcode.NOTAUTH, List.of()); // unknown key or bad signature
      }
    } else if (!s.config().mayTransfer(client)) {
      return new Transfer(Rcode.REFUSED, List.of());
    }
    Zone zone = s.zones().zone(q.getName());
    if (zone == null) {
      return new Transfer(Rcode.NOTAUTH, List.of());
    }
    if (q.getType() == Type.IXFR && clientSerial(query) < 0) {
      return new Transfer(Rcode.FORMERR, List.of()); // RFC 1995 section 3: the SOA is required
    }
    if (q.getType() == Type.IXFR) {
      long have = clientSerial(query);
      if (have >= 0 && !Zone.serialBefore(have, zone.serial())) {
        return new Transfer(Rcode.NOERROR, List.of(zone.soa()), key, tr); // up to date (RFC 1995)
      }
    }
    if (q.getType() == Type.IXFR) {
      long have = clientSerial(query);
      try {
        List<Record> delta = have < 0 ? null : dev.meridian.zone.Journal.ixfr(zone, have);
        if (delta != null) {
          return new Transfer(
              Rcode.NOERROR, delta, key, tr); // the changes since the client's serial
        }
      } catch (java.io.IOException e) {
        // an unreadable journal: the whole zone is always a correct answer
      }
    }
    // AXFR, or IXFR answered with the whole zone (RFC 1995 section 4 allows it): SOA ... SOA.
    List<Record> records = new ArrayList<>(zone.recordCount() + 1);
    records.addAll(zone.records());
    records.add(zone.soa());
    return new Transfer(Rcode.NOERROR, records, key, tr);
  }

  /** The serial in an IXFR query's authority SOA, or -1 when absent. */
  private static long clientSerial(Message query) {
    for (Record r : query.getSection(Section.AUTHORITY)) {
      if (r instanceof SOARecord soa) {
        return soa.getSerial();
      }
    }
    return -1;
  }
}
