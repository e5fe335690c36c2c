package dev.meridian.engine;

import dev.meridian.config.PolicyKind;
import dev.meridian.config.ServiceSpec;
import dev.meridian.config.WhenAllDown;
import dev.meridian.zone.Zone;
import dev.meridian.zone.ZoneLookup;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * Why a name answers as it does for a client: the service, the client's location, the rule, the
 * regions in order, the endpoints chosen and the ECS scope, computed by the same code that answers
 * queries. For {@code meridian explain} and CHAOS TXT queries. Stateless.
 */
public final class Explainer {
  private Explainer() {}

  /**
   * The address an explanation is for: a client address, or the network of an ECS subnet ({@code
   * subnet} true, {@code 81.2.69.0/24}).
   *
   * @throws IllegalArgumentException saying what is allowed
   */
  public static InetAddress subject(String text, boolean subnet) {
    try {
      return subnet
          ? dev.meridian.config.Cidr.parse(text).network()
          : dev.meridian.config.Cidr.parseLiteral(text);
    } catch (dev.meridian.config.ConfigException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /** Explains the answer to ({@code qname}, {@code qtype}) for a client at {@code subject}. */
  public static List<String> explain(Snapshot s, Name qname, int qtype, InetAddress subject) {
    List<String> out = new ArrayList<>();
    out.add(qname + " " + Type.string(qtype) + " for client " + subject.getHostAddress());
    Zone zone = s.zones().find(qname, qtype);
    if (zone == null) {
      out.add("not inside any zone served here: REFUSED");
      return out;
    }
    out.add("zone " + zone.origin() + " serial " + zone.serial());
    Service service = s.policies().get(qname);
    if (service == null || (qtype != Type.A && qtype != Type.AAAA)) {
      out.add(
          service == null
              ? "not a managed name: answered from the zone file"
                  + (s.lookupOptions().rotates(zone.origin()) ? " (address RRsets rotate)" : "")
              : "a managed name, but " + Type.string(qtype) + " comes from the zone file");
      Message m = new Message();
      ZoneLookup.answer(s.zones(), zone, qname, qtype, s.lookupOptions(), null, m);
      out.add("answer: " + Rcode.string(m.getRcode()) + " " + records(m));
      out.add("ECS scope: /0 (the same for every client)");
      return out;
    }
    ServiceSpec spec = service.spec();
    out.add(
        "service "
            + spec.name()
            + " ("
            + spec.line()
            + "): policy "
            + spec.policy().key()
            + (spec.tier() == null ? "" : ", tier " + spec.tier())
            + ", ttl "
            + spec.ttl()
            + ", max_answers "
            + spec.maxAnswers());
    PolicyKind kind = spec.policy();
    if (kind == PolicyKind.ROUND_ROBIN
        || kind == PolicyKind.WEIGHTED
        || kind == PolicyKind.STICKY) {
      for (var e : service.policy().endpoints()) {
        if (e.isV6() == (qtype == Type.AAAA)) {
          out.add("endpoint " + e + ": " + s.health().describe(e.healthIndex()));
        }
      }
    }
    if (service.isDegraded(s.health())) {
      out.add(
          "degraded (an endpoint is down): answers carry TTL "
              + Math.min(spec.ttl(), spec.degradedTtl()));
    }
    var sel = QueryEngine.select(s, service, subject, qtype == Type.AAAA, out);
    if (sel.count() == 0 && spec.whenAllDown() != WhenAllDown.FAIL_OPEN) {
      // under fail-open an empty selection is never a health outcome (select retried as if all
      // were up), so only static and nodata have something to say here
      out.add(
          "when every candidate is down: "
              + spec.whenAllDown().name().toLowerCase(java.util.Locale.ROOT));
    }
    List<String> chosen = new ArrayList<>();
    for (int i = 0; i < sel.count(); i++) {
      chosen.add(sel.get(i).address().getHostAddress());
    }
    out.add(
        sel.count() > 0
            ? "answer: " + String.join(", ", chosen)
            : "the policy yielded nothing: the zone file's records answer (static fallback)");
    out.add("ECS scope: /" + sel.scope());
    return out;
  }

  /**
   * Answers {@code dig CH TXT NAME}: the explanation of NAME's A and AAAA answers for the asking
   * client (its ECS subnet, else its address), for clients on {@code admin.allow} only.
   */
  static void answerChaos(Snapshot s, Name qname, ClientInfo client, Message response) {
    if (!s.config().mayExplain(client.source())) {
      response.getHeader().setRcode(Rcode.REFUSED);
      return;
    }
    response.getHeader().setFlag(Flags.AA);
    List<String> lines = new ArrayList<>(explain(s, qname, Type.A, client.subject()));
    lines.addAll(explain(s, qname, Type.AAAA, client.subject()));
    for (String line : lines) {
      for (int i = 0; i < line.length(); i += 250) {
        String part = line.substring(i, Math.min(line.length(), i + 250));
        response.addRecord(new TXTRecord(qname, DClass.CH, 0, part), Section.ANSWER);
      }
    }
  }

  private static String records(Message m) {
    List<String> out = new ArrayList<>();
    for (Record r : m.getSection(Section.ANSWER)) {
      out.add(Type.string(r.getType()) + " " + r.rdataToString());
    }
    return out.isEmpty() ? "(no records)" : String.join(", ", out);
  }
}
