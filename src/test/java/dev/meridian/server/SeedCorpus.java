package dev.meridian.server;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.ClientSubnetOption;
import org.xbill.DNS.CookieOption;
import org.xbill.DNS.DClass;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.GenericEDNSOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;
import org.xbill.DNS.Update;

/**
 * Writes the packet seed corpus: real queries of every kind the server meets (plain, EDNS, ECS, CH
 * TXT, ANY, odd types, AXFR, IXFR, NOTIFY, UPDATE signed with TSIG) and broken ones (EDNS version
 * 1, two OPTs, malformed ECS, compression loops, truncated packets). Run by hand when the corpus
 * should grow; the files are committed. Usage: {@code SeedCorpus OUTPUT_DIR}.
 */
public final class SeedCorpus {
  private final Map<String, byte[]> seeds = new LinkedHashMap<>();
  private int nextId = 0x1000;

  private SeedCorpus() {}

  public static void main(String[] args) throws Exception {
    Path out =
        Path.of(
            args.length > 0
                ? args[0]
                : "src/test/resources/dev/meridian/server/PacketFuzzTestInputs");
    Files.createDirectories(out);
    SeedCorpus c = new SeedCorpus();
    c.queries();
    c.edns();
    c.transfersAndUpdates();
    c.malformed();
    for (var e : c.seeds.entrySet()) {
      Files.write(out.resolve(e.getKey()), e.getValue());
    }
    System.out.println(c.seeds.size() + " seeds written to " + out);
  }

  private Message query(String name, int type, int dclass) throws IOException {
    Message m = new Message(nextId++);
    m.getHeader().setFlag(Flags.RD);
    m.addRecord(Record.newRecord(Name.fromString(name), type, dclass), Section.QUESTION);
    return m;
  }

  private Message query(String name, int type) throws IOException {
    return query(name, type, DClass.IN);
  }

  private static Message withOpt(Message m, int payload, int flags, EDNSOption... options) {
    m.addRecord(new OPTRecord(payload, 0, 0, flags, List.of(options)), Section.ADDITIONAL);
    return m;
  }

  private void put(String name, Message m) {
    seeds.put(name, m.toWire());
  }

  private void queries() throws IOException {
    String[][] plain = {
      {"a-www-example-com", "www.example.com.", "A"},
      {"aaaa-www-example-com", "www.example.com.", "AAAA"},
      {"soa-example-org", "example.org.", "SOA"},
      {"ns-example-com", "example.com.", "NS"},
      {"mx-example-org", "example.org.", "MX"},
      {"txt-www-example-org", "www.example.org.", "TXT"},
      {"srv-sip-example-com", "_sip._udp.example.com.", "SRV"},
      {"cname-chain-docs", "docs.example.com.", "A"},
      {"cname-loop", "loop1.example.org.", "A"},
      {"cname-to-wildcard", "c-wild.example.org.", "AAAA"},
      {"wildcard-apps", "x.y.apps.example.com.", "TXT"},
      {"empty-non-terminal", "b.wild.example.org.", "A"},
      {"referral-child", "host.child.example.org.", "A"},
      {"ds-at-cut", "child.example.org.", "DS"},
      {"referral-noglue", "a.noglue.example.org.", "AAAA"},
      {"nxdomain", "nothere.example.org.", "A"},
      {"refused-outside", "www.example.net.", "A"},
      {"root-ns", ".", "NS"},
      {"any-example-com", "example.com.", "ANY"},
      {"any-www-example-org", "www.example.org.", "ANY"},
      {"big-no-edns", "big.example.org.", "A"},
      {"weighted", "weighted.example.com.", "A"},
      {"sticky-aaaa", "sticky.example.com.", "AAAA"},
      {"failover", "failover.example.com.", "A"},
      {"game-nearest", "game.example.com.", "A"},
      {"type65535", "www.example.com.", "TYPE65535"},
      {"null-type", "www.example.org.", "NULL"},
      {"maila", "example.com.", "MAILA"},
      {"rrsig", "example.com.", "RRSIG"},
      {"qtype-opt", "example.com.", "OPT"},
      {"qtype-tsig", "example.com.", "TSIG"},
      {"axfr-over-udp", "example.com.", "AXFR"},
      {"ixfr-over-udp-no-soa", "example.org.", "IXFR"},
    };
    for (String[] q : plain) {
      put(q[0], query(q[1], Type.value(q[2])));
    }
    put("ch-txt-explain", query("www.example.com.", Type.TXT, DClass.CH));
    put("ch-txt-version-bind", query("version.bind.", Type.TXT, DClass.CH));
    put("class-hs", query("www.example.com.", Type.A, DClass.HS));
    put("class-any", query("www.example.com.", Type.A, DClass.ANY));
    put("class-none", query("www.example.com.", Type.A, DClass.NONE));
    Message mixed = query("WwW.ExAmPlE.CoM.", Type.A);
    mixed.getHeader().setFlag(Flags.CD);
    mixed.getHeader().setFlag(Flags.AD);
    put("mixed-case-cd-ad", mixed);
    Message tc = query("www.example.com.", Type.A);
    tc.getHeader().setFlag(Flags.TC);
    put("tc-in-query", tc);
    StringBuilder longName = new StringBuilder();
    while (longName.length() < 230) {
      longName.append("abcdefghijklmnopqrstuvwxyz0123456789.");
    }
    put("long-name", query(longName.substring(0, 228) + ".example.org.", Type.A));
    put("label-63", query("a".repeat(63) + ".wild.example.org.", Type.A));
    Message noRd = query("example.com.", Type.SOA);
    noRd.getHeader().unsetFlag(Flags.RD);
    put("soa-no-rd", noRd);
  }

  private void edns() throws IOException {
    put("edns-4096-do", withOpt(query("www.example.org.", Type.A), 4096, ExtendedFlags.DO));
    put("edns-512-big", withOpt(query("big.example.org.", Type.A), 512, 0));
    put("edns-1232-big", withOpt(query("big.example.org.", Type.A), 1232, 0));
    put("edns-65535-any", withOpt(query("example.org.", Type.ANY), 65535, 0));
    put("edns-100-payload", withOpt(query("big.example.org.", Type.A), 100, 0));
    put("edns-0-payload", withOpt(query("example.com.", Type.SOA), 0, 0));
    InetAddress london = InetAddress.getByName("81.2.69.0");
    InetAddress host = InetAddress.getByName("81.2.69.142");
    InetAddress v6 = InetAddress.getByName("2001:db8:1234::");
    InetAddress any = InetAddress.getByName("0.0.0.0");
    put(
        "ecs-v4-24-geo",
        withOpt(query("www.example.com.", Type.A), 1232, 0, new ClientSubnetOption(24, london)));
    put(
        "ecs-v4-32-aaaa",
        withOpt(query("www.example.com.", Type.AAAA), 1232, 0, new ClientSubnetOption(32, host)));
    put(
        "ecs-v6-56-sticky",
        withOpt(query("sticky.example.com.", Type.A), 1232, 0, new ClientSubnetOption(56, v6)));
    put(
        "ecs-v4-0-nearest",
        withOpt(query("game.example.com.", Type.A), 1232, 0, new ClientSubnetOption(0, any)));
    put(
        "ecs-static-name",
        withOpt(query("mail.example.com.", Type.A), 1232, 0, new ClientSubnetOption(24, london)));
    put(
        "ecs-refused",
        withOpt(query("www.example.net.", Type.A), 1232, 0, new ClientSubnetOption(24, london)));
    put(
        "ecs-ch-txt",
        withOpt(
            query("www.example.com.", Type.TXT, DClass.CH),
            1232,
            0,
            new ClientSubnetOption(24, london)));
    // RFC 7871 section 6: family, source, scope, address bytes; each of these is malformed
    put("ecs-bad-family", rawEcs(new byte[] {0, 3, 24, 0, 81, 2, 69}));
    put("ecs-v4-prefix-33", rawEcs(new byte[] {0, 1, 33, 0, 81, 2, 69, (byte) 142, 1}));
    put("ecs-nonzero-scope", rawEcs(new byte[] {0, 1, 24, 16, 81, 2, 69}));
    put("ecs-address-too-long", rawEcs(new byte[] {0, 1, 8, 0, 81, 2, 69, (byte) 142}));
    put("ecs-truncated", rawEcs(new byte[] {0, 1}));
    put("ecs-empty", rawEcs(new byte[0]));
    put(
        "ecs-v6-prefix-129",
        rawEcs(new byte[] {0, 2, (byte) 129, 0, 0x20, 0x01, 0x0d, (byte) 0xb8}));
    put(
        "ecs-twice",
        withOpt(
            query("www.example.com.", Type.A),
            1232,
            0,
            new ClientSubnetOption(24, london),
            new ClientSubnetOption(24, london)));
    put(
        "edns-cookie-padding",
        withOpt(
            query("www.example.org.", Type.A),
            1232,
            0,
            new CookieOption(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}),
            new GenericEDNSOption(12, new byte[16]),
            new GenericEDNSOption(11, new byte[0])));
    put(
        "edns-unknown-option",
        withOpt(
            query("www.example.org.", Type.A),
            1232,
            0,
            new GenericEDNSOption(65001, new byte[] {9})));
    Message v1 = query("example.com.", Type.SOA);
    v1.addRecord(new OPTRecord(1232, 0, 1, 0), Section.ADDITIONAL);
    put("edns-version-1", v1);
    Message v255 = query("example.com.", Type.SOA);
    v255.addRecord(new OPTRecord(1232, 0, 255, ExtendedFlags.DO), Section.ADDITIONAL);
    put("edns-version-255-do", v255);
    Message two = query("example.com.", Type.SOA);
    two.addRecord(new OPTRecord(1232, 0, 0, 0), Section.ADDITIONAL);
    two.addRecord(new OPTRecord(4096, 0, 0, 0), Section.ADDITIONAL);
    put("edns-two-opts", two);
    Message extRcode = query("example.com.", Type.SOA);
    extRcode.addRecord(new OPTRecord(1232, 3, 0, 0), Section.ADDITIONAL);
    put("edns-ext-rcode-in-query", extRcode);
    Message optInAnswer = query("example.com.", Type.SOA);
    optInAnswer.addRecord(new OPTRecord(1232, 0, 0, 0), Section.ANSWER);
    put("opt-in-answer-section", optInAnswer);
  }

  private byte[] rawEcs(byte[] data) throws IOException {
    return withOpt(query("www.example.com.", Type.A), 1232, 0, new GenericEDNSOption(8, data))
        .toWire();
  }

  private void put(String name, byte[] wire) {
    seeds.put(name, wire);
  }

  private void transfersAndUpdates() throws IOException {
    TSIG key =
        new TSIG(TSIG.HMAC_SHA256, Name.fromString(PacketRig.KEY_NAME), PacketRig.KEY_SECRET);
    TSIG unknown =
        new TSIG(
            TSIG.HMAC_SHA256, Name.fromString("other-key."), "b3RoZXJzZWNyZXRvdGhlcnNlY3JldA==");
    Name com = Name.fromString("example.com.");
    Name org = Name.fromString("example.org.");
    put("axfr-example-com", query("example.com.", Type.AXFR));
    put("axfr-example-org-edns", withOpt(query("example.org.", Type.AXFR), 1232, 0));
    put("axfr-not-ours", query("example.net.", Type.AXFR));
    put("axfr-below-apex", query("www.example.com.", Type.AXFR));
    Message signedAxfr = query("example.org.", Type.AXFR);
    signedAxfr.setTSIG(key);
    put("axfr-tsig", signedAxfr);
    Message badKey = query("example.org.", Type.AXFR);
    badKey.setTSIG(unknown);
    put("axfr-tsig-unknown-key", badKey);
    for (long serial : new long[] {2026112400L, 2026112401L, 2026112402L, 0L}) {
      Message ixfr = query("example.org.", Type.IXFR);
      ixfr.addRecord(soa(org, serial), Section.AUTHORITY);
      put("ixfr-example-org-" + serial, ixfr);
    }
    Message ixfrSigned = query("example.com.", Type.IXFR);
    ixfrSigned.addRecord(soa(com, 1), Section.AUTHORITY);
    ixfrSigned.setTSIG(key);
    put("ixfr-tsig", ixfrSigned);
    Message notify = new Message(nextId++);
    notify.getHeader().setOpcode(Opcode.NOTIFY);
    notify.getHeader().setFlag(Flags.AA);
    notify.addRecord(Record.newRecord(com, Type.SOA, DClass.IN), Section.QUESTION);
    notify.addRecord(soa(com, 2026112402L), Section.ANSWER);
    put("notify-example-com", notify);
    for (int op : new int[] {Opcode.IQUERY, Opcode.STATUS, 6, 15}) {
      Message m = query("example.com.", Type.SOA);
      m.getHeader().setOpcode(op);
      put("opcode-" + op, m);
    }
    InetAddress a = InetAddress.getByName("192.0.2.77");
    Update add = update(com);
    add.add(new ARecord(Name.fromString("new.example.com."), DClass.IN, 300, a));
    add.setTSIG(key);
    put("update-add-tsig", add);
    Update del = update(org);
    del.absent(Name.fromString("nothere.example.org."));
    del.present(Name.fromString("www.example.org."), Type.A);
    del.delete(Name.fromString("www.example.org."), Type.TXT);
    del.delete(
        new ARecord(
            Name.fromString("big.example.org."), DClass.IN, 0, InetAddress.getByName("192.0.2.1")));
    del.add(new TXTRecord(Name.fromString("t.example.org."), DClass.IN, 60, "added by update"));
    del.setTSIG(key);
    put("update-prereq-delete-tsig", del);
    Update apex = update(com);
    apex.delete(com, Type.SOA);
    apex.delete(com, Type.NS);
    apex.delete(com);
    apex.setTSIG(key);
    put("update-delete-apex-tsig", apex);
    Update cname = update(com);
    cname.add(
        Record.fromString(Name.fromString("www", com), Type.CNAME, DClass.IN, 60, "mail", com));
    cname.setTSIG(key);
    put("update-cname-conflict-tsig", cname);
    Update outside = update(com);
    outside.add(new ARecord(Name.fromString("x.example.net."), DClass.IN, 60, a));
    outside.setTSIG(key);
    put("update-notzone-tsig", outside);
    Update unsigned = update(com);
    unsigned.add(new ARecord(Name.fromString("u.example.com."), DClass.IN, 60, a));
    put("update-unsigned", unsigned);
    Update wrongKey = update(org);
    wrongKey.add(new ARecord(Name.fromString("u.example.org."), DClass.IN, 60, a));
    wrongKey.setTSIG(unknown);
    put("update-unknown-key", wrongKey);
    Update notOurs = update(Name.fromString("example.net."));
    notOurs.add(new ARecord(Name.fromString("u.example.net."), DClass.IN, 60, a));
    notOurs.setTSIG(key);
    put("update-zone-not-ours", notOurs);
    Update twoZones = update(com);
    twoZones.addRecord(Record.newRecord(org, Type.SOA, DClass.IN), Section.ZONE);
    twoZones.setTSIG(key);
    put("update-two-zones", twoZones);
  }

  private Update update(Name zone) {
    Update u = new Update(zone);
    u.getHeader().setID(nextId++);
    return u;
  }

  private static SOARecord soa(Name zone, long serial) throws IOException {
    return new SOARecord(
        zone,
        DClass.IN,
        300,
        Name.fromString("ns1", zone),
        Name.fromString("h", zone),
        serial,
        1,
        1,
        1,
        1);
  }

  private void malformed() throws IOException {
    byte[] q = query("www.example.com.", Type.A).toWire();
    put("short-11-bytes", Arrays.copyOf(q, 11));
    put("header-only", Arrays.copyOf(q, 12));
    put("cut-in-qname", Arrays.copyOf(q, 18));
    put("cut-in-qtype", Arrays.copyOf(q, q.length - 3));
    byte[] opt =
        withOpt(
                query("www.example.com.", Type.A),
                1232,
                0,
                new ClientSubnetOption(24, InetAddress.getByName("81.2.69.0")))
            .toWire();
    put("cut-in-opt", Arrays.copyOf(opt, opt.length - 5));
    byte[] signed = seeds.get("update-add-tsig");
    put("cut-in-tsig", Arrays.copyOf(signed, signed.length - 20));
    Message response = query("www.example.com.", Type.A);
    response.getHeader().setFlag(Flags.QR);
    put("response-not-query", response);
    // question name is a compression pointer to itself: a loop
    put(
        "pointer-loop",
        new byte[] {0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, (byte) 0xC0, 12, 0, 1, 0, 1});
    // question name points into the header: decodes to a name the query never spelled out
    put(
        "pointer-into-header",
        new byte[] {0x12, 0x35, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, (byte) 0xC0, 2, 0, 1, 0, 1});
    put("qdcount-0", new byte[] {0x12, 0x36, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0});
    put("qdcount-1-missing", new byte[] {0x12, 0x37, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0});
    byte[] two = query("www.example.com.", Type.A).toWire();
    two[5] = 2;
    put("qdcount-2-one-present", two);
    byte[] trailing = Arrays.copyOf(q, q.length + 4);
    put("trailing-garbage", trailing);
    byte[] arcount = query("www.example.com.", Type.A).toWire();
    arcount[11] = 5;
    put("arcount-without-records", arcount);
    byte[] bitLabel = {
      0x12, 0x38, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0x41, 3, 'a', 'b', 'c', 0, 0, 1, 0, 1
    };
    put("extended-label-type", bitLabel);
  }
}
