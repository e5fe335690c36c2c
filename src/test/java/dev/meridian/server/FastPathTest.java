package dev.meridian.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.config.ConfigLoader;
import dev.meridian.engine.ClientInfo;
import dev.meridian.engine.QueryEngine;
import dev.meridian.engine.QueryHandler;
import dev.meridian.engine.SnapshotBuilder;
import dev.meridian.engine.SnapshotHolder;
import dev.meridian.geo.GeoLocator;
import dev.meridian.metrics.Metrics;
import dev.meridian.zone.Zone;
import dev.meridian.zone.ZoneFileLoader;
import java.io.StringReader;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ClientSubnetOption;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The fast path (answers encoded at load) and the general path (dnsjava) give the same bytes, ID
 * and rotation aside: every owner name and type of the test zones, random names below them, in
 * random case, with and without EDNS, DO and ECS, over UDP and TCP.
 */
class FastPathTest {
  private static final InetAddress CLIENT = InetAddress.getLoopbackAddress();
  private static final int[] TYPES = {
    Type.A,
    Type.AAAA,
    Type.NS,
    Type.SOA,
    Type.MX,
    Type.TXT,
    Type.CNAME,
    Type.SRV,
    Type.PTR,
    Type.DNAME,
    Type.CAA,
    Type.DS,
    Type.ANY,
    Type.HINFO,
    65280
  };
  private static final String SERVICES =
      """
      services:
        www.example.org: {policy: round-robin, endpoints: [198.51.100.1, 198.51.100.2]}
        weighted.example.com:
          policy: weighted
          endpoints: [{address: 192.0.2.30, weight: 3}, {address: 192.0.2.31, weight: 1}]
      """;

  private static PacketProcessor both;
  private static PacketProcessor general;
  private static FastResponder fast;
  private static final List<Name> owners = new ArrayList<>();

  @BeforeAll
  static void setUp() throws Exception {
    List<Zone> zones = new ArrayList<>();
    for (String f :
        List.of(
            "src/test/resources/zones/example.org.zone",
            "src/test/resources/protocol/example.net.zone",
            "src/test/resources/protocol/child.example.net.zone",
            "src/test/resources/zones/shapes.example.zone",
            "src/test/resources/zones/leaves.example.zone",
            "zones/example.com.zone")) {
      Zone z = ZoneFileLoader.load(Path.of(f)).zone();
      zones.add(z);
      owners.addAll(z.names());
    }
    var config = ConfigLoader.parse(new StringReader(SERVICES), Path.of("meridian.yaml"));
    var snapshot = new SnapshotBuilder().build(config, zones, GeoLocator.NONE, 1);
    QueryEngine engine = new QueryEngine(new SnapshotHolder(snapshot));
    both = new PacketProcessor(engine, 1232, new ServerStats(), Metrics.enabled().queries());
    fast = new FastResponder(engine, 1232);
    general =
        new PacketProcessor(
            generalOnly(engine), 1232, new ServerStats(), Metrics.enabled().queries());
  }

  @Test
  void fastAndGeneralPathsGiveTheSameBytes() throws Exception {
    SplittableRandom rnd = new SplittableRandom(20261125);
    FastResponder.State state = new FastResponder.State();
    int fastAnswers = 0;
    int all = 0;
    for (Name owner : owners) {
      for (int type : TYPES) {
        for (int variant = 0; variant < 3; variant++) {
          Name qname = variant == 2 ? below(owner, rnd) : owner;
          byte[] query = query(mixedCase(qname, rnd), type, rnd);
          boolean tcp = rnd.nextInt(4) == 0;
          all++;
          int n = fast.respond(query, query.length, CLIENT, tcp, state);
          if (n < 0) {
            continue;
          }
          fastAnswers++;
          byte[] f = java.util.Arrays.copyOf(state.out, n);
          String where =
              qname + " " + Type.string(type) + (tcp ? " tcp" : " udp") + " seed 20261125";
          Set<String> expected = generalAnswers(query, tcp);
          assertTrue(expected.contains(hex(f)), where + "\nfast: " + new Message(f));
          assertTrue(expected.contains(hex(onlyResponse(both, query, tcp))), where + " handle()");
        }
      }
    }
    assertTrue(
        fastAnswers * 5 > all * 2,
        "the fast path answers many questions: " + fastAnswers + "/" + all);
  }

  /**
   * The leaves of a zone (names held in arrays, see zone.Leaves) are answered by the fast path, for
   * their own types, other types (NODATA) and names below them (NXDOMAIN), as the general path
   * answers them.
   */
  @Test
  void leavesAreAnsweredByTheFastPath() throws Exception {
    Zone z = ZoneFileLoader.load(Path.of("src/test/resources/zones/leaves.example.zone")).zone();
    SplittableRandom rnd = new SplittableRandom(20261203);
    FastResponder.State state = new FastResponder.State();
    int checked = 0;
    for (int i = 0; i < z.leaves().count(); i++) {
      Name leaf = z.leaves().name(i, z.origin());
      for (int type : new int[] {Type.A, Type.AAAA, Type.MX, Type.CNAME}) {
        for (Name qname : List.of(leaf, below(leaf, rnd))) {
          byte[] query = query(mixedCase(qname, rnd), type, rnd);
          int n = fast.respond(query, query.length, CLIENT, false, state);
          String where = qname + " " + Type.string(type);
          // below the SOA's names the NXDOMAIN response compresses differently: general path
          boolean tail =
              qname.subdomain(Name.fromString("ns1.leaves.example."))
                  || qname.subdomain(Name.fromString("admin.leaves.example."));
          assertTrue(n > 0 || (tail && !qname.equals(leaf)), where + ": the fast path answers");
          if (n < 0) {
            continue;
          }
          byte[] f = java.util.Arrays.copyOf(state.out, n);
          assertTrue(
              generalAnswers(query, false).contains(hex(f)), where + "\nfast: " + new Message(f));
          checked++;
        }
      }
    }
    assertTrue(checked >= 8 * 4 * 2, "leaves checked: " + checked);
  }

  /**
   * With minimal responses (no apex NS in positive answers), answers derived from one rendered per
   * shape still equal the general path's, name by name.
   */
  @Test
  void minimalResponsesGiveTheSameBytes() throws Exception {
    Zone z = ZoneFileLoader.load(Path.of("src/test/resources/zones/shapes.example.zone")).zone();
    var config =
        ConfigLoader.parse(new StringReader("minimal_responses: true\n"), Path.of("meridian.yaml"));
    var snapshot = new SnapshotBuilder().build(config, List.of(z), GeoLocator.NONE, 1);
    QueryEngine engine = new QueryEngine(new SnapshotHolder(snapshot));
    FastResponder f = new FastResponder(engine, 1232);
    PacketProcessor g =
        new PacketProcessor(
            generalOnly(engine), 1232, new ServerStats(), Metrics.disabled().queries());
    SplittableRandom rnd = new SplittableRandom(20261202);
    FastResponder.State state = new FastResponder.State();
    int fastAnswers = 0;
    for (Name name : z.names()) {
      for (int type : new int[] {Type.A, Type.AAAA, Type.TXT}) {
        byte[] query = query(mixedCase(name, rnd), type, rnd);
        int n = f.respond(query, query.length, CLIENT, false, state);
        if (n < 0) {
          continue;
        }
        fastAnswers++;
        Set<String> expected = new HashSet<>();
        for (int i = 0; i < 48; i++) {
          expected.add(hex(onlyResponse(g, query, false)));
        }
        byte[] fb = java.util.Arrays.copyOf(state.out, n);
        assertTrue(
            expected.contains(hex(fb)),
            name + " " + Type.string(type) + " seed 20261202\nfast: " + new Message(fb));
      }
    }
    assertTrue(fastAnswers > 200, "the fast path answered " + fastAnswers);
  }

  /**
   * Every policy (geo, nearest, failover, round robin, weighted, sticky) against the general path,
   * for random ECS subnets over the shipped database and random health states (each state is a new
   * snapshot, as a health publish makes one).
   */
  @Test
  void managedNamesGiveTheSameBytesForAnySubnetAndHealth() throws Exception {
    var zone = ZoneFileLoader.load(Path.of("zones/example.com.zone")).zone();
    var config = dev.meridian.config.ConfigLoader.load(Path.of("meridian.yaml"));
    try (var geo =
        dev.meridian.geo.MaxMindLocator.open(
            Path.of("geo-data/meridian-country.mmdb"), dev.meridian.geo.CountryTable.bundled())) {
      var base = new SnapshotBuilder().build(config, List.of(zone), geo, 1);
      SplittableRandom rnd = new SplittableRandom(7871);
      int fastAnswers = 0;
      for (int state = 0; state < 12; state++) {
        boolean[] up = new boolean[64];
        for (int i = 0; i < up.length; i++) {
          up[i] = state == 0 || rnd.nextInt(4) != 0;
        }
        var snapshot = base.withHealth(i -> i >= up.length || up[i]);
        QueryEngine engine = new QueryEngine(new SnapshotHolder(snapshot));
        FastResponder f = new FastResponder(engine, 1232);
        PacketProcessor g =
            new PacketProcessor(
                generalOnly(engine), 1232, new ServerStats(), Metrics.enabled().queries());
        FastResponder.State st = new FastResponder.State();
        for (int i = 0; i < 150; i++) {
          String name =
              List.of("www", "game", "failover", "weighted", "sticky").get(rnd.nextInt(5))
                  + ".example.com.";
          int type = rnd.nextInt(4) == 0 ? Type.AAAA : Type.A;
          byte[] query = query(Name.fromString(name), type, rnd);
          int n = f.respond(query, query.length, CLIENT, false, st);
          if (n < 0) {
            continue;
          }
          fastAnswers++;
          byte[] fast = java.util.Arrays.copyOf(st.out, n);
          Set<String> expected = new HashSet<>();
          for (int k = 0; k < 48; k++) { // every rotation, and both weighted first picks
            expected.add(hex(onlyResponse(g, query, false)));
          }
          assertTrue(
              expected.contains(hex(fast)),
              name
                  + " "
                  + Type.string(type)
                  + " state "
                  + state
                  + " seed 7871\nfast: "
                  + new Message(fast)
                  + "\ngeneral: "
                  + new Message(onlyResponse(g, query, false)));
        }
      }
      assertTrue(fastAnswers > 500, "managed names take the fast path: " + fastAnswers);
    }
  }

  private static QueryHandler generalOnly(QueryEngine engine) {
    return new QueryHandler() {
      @Override
      public int answer(Message query, Message response, ClientInfo client) {
        return engine.answer(query, response, client);
      }

      @Override
      public void update(Message query, byte[] wire, Message response) {
        engine.update(query, wire, response);
      }

      @Override
      public Transfer transfer(Message query, byte[] wire, InetAddress client) {
        return engine.transfer(query, wire, client);
      }
    };
  }

  @Test
  void commonQuestionsTakeTheFastPath() throws Exception {
    FastResponder.State state = new FastResponder.State();
    for (String[] q :
        new String[][] {
          {"www.example.com.", "A"},
          {"rr.example.com.", "A"},
          {"www.example.com.", "MX"},
          {"nothing.example.com.", "A"},
          {"deep.nothing.example.com.", "AAAA"},
          {"api.example.com.", "CNAME"},
          {"mail.example.com.", "A"},
          {"example.com.", "NS"},
          {"b.wild.example.org.", "A"},
          {"www.example.org.", "A"} // round robin
        }) {
      byte[] query = query(Name.fromString(q[0]), Type.value(q[1]), new SplittableRandom(1));
      assertTrue(fast.respond(query, query.length, CLIENT, false, state) > 0, q[0] + " " + q[1]);
    }
    for (String[] q :
        new String[][] {
          {"weighted.example.com.", "AAAA"}, // a weighted draw per query
          {"x.old.example.net.", "A"}, // DNAME
          {"foo.wild.example.org.", "A"}, // wildcard
          {"host.child.example.org.", "A"}, // referral
          {"child.example.net.", "DS"},
          {"example.com.", "ANY"}
        }) {
      byte[] query = query(Name.fromString(q[0]), Type.value(q[1]), new SplittableRandom(1));
      assertEquals(-1, fast.respond(query, query.length, CLIENT, false, state), q[0] + " " + q[1]);
    }
  }

  @Test
  void rotatingRrsetsRotateOnTheFastPath() throws Exception {
    FastResponder.State state = new FastResponder.State();
    Set<String> firsts = new HashSet<>();
    for (int i = 0; i < 10; i++) {
      byte[] query = query(Name.fromString("rr.example.com."), Type.A, new SplittableRandom(2));
      int n = fast.respond(query, query.length, CLIENT, false, state);
      Message m = new Message(java.util.Arrays.copyOf(state.out, n));
      firsts.add(m.getSection(Section.ANSWER).get(0).rdataToString());
    }
    assertEquals(Set.of("192.0.2.1", "192.0.2.2", "192.0.2.3"), firsts);
  }

  /**
   * Every response the general path gives: address RRsets rotate and weighted services draw their
   * first answer, so ask often enough to see each (a 1-in-4 pick is missed by 48 draws with
   * probability 1e-6).
   */
  private static Set<String> generalAnswers(byte[] query, boolean tcp) throws Exception {
    Set<String> out = new HashSet<>();
    for (int i = 0; i < 48; i++) {
      out.add(hex(onlyResponse(general, query, tcp)));
    }
    return out;
  }

  private static byte[] onlyResponse(PacketProcessor p, byte[] query, boolean tcp)
      throws Exception {
    List<byte[]> out = new ArrayList<>();
    p.handle(query, query.length, CLIENT, tcp, out::add);
    assertEquals(1, out.size());
    return out.get(0);
  }

  private static byte[] query(Name qname, int type, SplittableRandom rnd) throws Exception {
    Message q = Message.newQuery(Record.newRecord(qname, type, DClass.IN));
    q.getHeader().setID(rnd.nextInt(65536));
    if (rnd.nextBoolean()) {
      q.getHeader().unsetFlag(Flags.RD);
    }
    if (rnd.nextBoolean()) {
      int flags = rnd.nextBoolean() ? ExtendedFlags.DO : 0;
      int payload = 512 + rnd.nextInt(4096);
      q.addRecord(
          rnd.nextBoolean()
              ? new OPTRecord(payload, 0, 0, flags)
              : new OPTRecord(payload, 0, 0, flags, ecs(rnd)),
          Section.ADDITIONAL);
    }
    return q.toWire();
  }

  private static ClientSubnetOption ecs(SplittableRandom rnd) throws Exception {
    if (rnd.nextInt(3) == 0) { // IPv6 (documentation space), /0 to /64
      int prefix = rnd.nextInt(65);
      byte[] a = new byte[16];
      a[0] = 0x20;
      a[1] = 0x01;
      a[2] = 0x0d;
      a[3] = (byte) 0xb8;
      a[4] = (byte) rnd.nextInt(256);
      return new ClientSubnetOption(
          prefix, org.xbill.DNS.Address.truncate(InetAddress.getByAddress(a), prefix));
    }
    int prefix = rnd.nextInt(25);
    byte[] a = {(byte) (1 + rnd.nextInt(200)), (byte) rnd.nextInt(256), (byte) rnd.nextInt(256), 0};
    return new ClientSubnetOption(
        prefix, org.xbill.DNS.Address.truncate(InetAddress.getByAddress(a), prefix));
  }

  private static Name below(Name owner, SplittableRandom rnd) throws Exception {
    return Name.concatenate(Name.fromString("r" + rnd.nextInt(1000)), owner);
  }

  private static Name mixedCase(Name n, SplittableRandom rnd) throws Exception {
    StringBuilder b = new StringBuilder();
    for (char c : n.toString().toCharArray()) {
      b.append(rnd.nextBoolean() ? Character.toUpperCase(c) : c);
    }
    return Name.fromString(b.toString());
  }

  private static String hex(byte[] b) {
    return java.util.HexFormat.of().formatHex(b);
  }
}
