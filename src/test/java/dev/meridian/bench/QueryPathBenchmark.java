package dev.meridian.bench;

import dev.meridian.config.ConfigLoader;
import dev.meridian.config.MeridianConfig;
import dev.meridian.engine.QueryEngine;
import dev.meridian.engine.SnapshotBuilder;
import dev.meridian.engine.SnapshotHolder;
import dev.meridian.geo.CountryTable;
import dev.meridian.geo.MaxMindLocator;
import dev.meridian.metrics.Metrics;
import dev.meridian.metrics.QueryCounter;
import dev.meridian.server.FastResponderProbe;
import dev.meridian.server.PacketProcessor;
import dev.meridian.server.ServerStats;
import dev.meridian.zone.Zone;
import dev.meridian.zone.ZoneFileLoader;
import java.io.IOException;
import java.io.StringReader;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;
import org.xbill.DNS.ClientSubnetOption;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * One query through the wire layer, per kind of question (issue 9): {@code handle*} measures {@link
 * PacketProcessor#handle} (the fast path first, then the dnsjava general path), {@code fast*} the
 * fast path alone ({@code FastResponder.respond}). Zones from {@code zones/}, the regions and geo
 * rules of {@code meridian.yaml}, the shipped country database; run from the repository root by
 * {@code bench/jmh.sh}. Time per query in ns; with {@code -prof gc}, {@code gc.alloc.rate.norm} is
 * the bytes allocated per query. {@code -p metrics=on,off} runs each with query counting on and
 * off.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class QueryPathBenchmark {
  /** Distinct ECS packets per geo or sticky benchmark, cycled through. */
  static final int ECS_PACKETS = 4096;

  private static final String CONFIG =
      """
      zone_dir: zones
      edns: {payload_size: 1232}
      regions:
        us-east:
          location: {lat: 39.04, lon: -77.49}
          l4: {endpoints: [192.0.2.10, 192.0.2.11], check: none}
          l7: {endpoints: [192.0.2.20, 192.0.2.21, "2001:db8:1::20"], check: none}
        eu-west:
          location: {lat: 53.35, lon: -6.26}
          l4: {endpoints: [198.51.100.10, 198.51.100.11], check: none}
          l7: {endpoints: [198.51.100.20, 198.51.100.21, "2001:db8:2::20"], check: none}
        ap-south:
          location: {lat: 19.08, lon: 72.88}
          l4: {endpoints: [203.0.113.10, 203.0.113.11], check: none}
          l7: {endpoints: [203.0.113.20, 203.0.113.21, "2001:db8:3::20"], check: none}
      geo:
        database: geo-data/meridian-country.mmdb
        continents:
          EU: [eu-west, us-east, ap-south]
          AF: [eu-west, ap-south, us-east]
          NA: [us-east, eu-west, ap-south]
          SA: [us-east, eu-west, ap-south]
          AS: [ap-south, eu-west, us-east]
          OC: [ap-south, us-east, eu-west]
        default: nearest
      services:
        www.example.com: {policy: geo, tier: l7, ttl: 30}
        game.example.com:
          policy: round-robin
          endpoints: [192.0.2.10, 192.0.2.11, 192.0.2.12, 192.0.2.13]
        sticky.example.com:
          policy: sticky
          max_answers: 1
          endpoints: [192.0.2.40, 192.0.2.41, 192.0.2.42, 192.0.2.43]
      """;

  /** The engine and both entry points, built once per fork as the server builds them. */
  @State(Scope.Benchmark)
  public static class Server {
    PacketProcessor processor;
    QueryCounter queries;
    QueryEngine engine;
    MaxMindLocator geo;
    final InetAddress client = InetAddress.getLoopbackAddress();

    /** Query counting (issue 10): {@code -p metrics=on,off} measures what it costs. */
    @Param({"on"})
    public String metrics;

    @Setup
    public void load() throws Exception {
      MeridianConfig config =
          ConfigLoader.parse(new StringReader(CONFIG), Path.of("meridian.yaml").toAbsolutePath());
      Zone zone = ZoneFileLoader.load(config.zoneDir().resolve("example.com.zone")).zone();
      geo = MaxMindLocator.open(config.traffic().geo().database(), CountryTable.bundled());
      var snapshot = new SnapshotBuilder().build(config, List.of(zone), geo, 1);
      engine = new QueryEngine(new SnapshotHolder(snapshot));
      Metrics m = "off".equals(metrics) ? Metrics.disabled() : Metrics.enabled();
      queries = m.queries();
      processor = new PacketProcessor(engine, 1232, new ServerStats(), queries);
    }

    @TearDown
    public void close() throws IOException {
      geo.close();
    }
  }

  /** One worker's packets, its fast-path buffers, and a sink that hands the bytes to JMH. */
  @State(Scope.Thread)
  public static class Worker {
    byte[] staticA;
    byte[] staticEdns;
    byte[] nodata;
    byte[] nxdomain;
    byte[] rotating;
    byte[] roundRobin;
    byte[][] geoEcs;
    byte[][] stickyEcs;
    int next;
    FastResponderProbe fast;
    final BlackholeSink sink = new BlackholeSink();

    @Setup(Level.Trial)
    public void build(Server server) throws Exception {
      staticA = query("mail.example.com.", Type.A, false, null);
      staticEdns = query("mail.example.com.", Type.A, true, null);
      nodata = query("mail.example.com.", Type.AAAA, false, null);
      nxdomain = query("nothing.example.com.", Type.A, false, null);
      rotating = query("rr.example.com.", Type.A, false, null);
      roundRobin = query("game.example.com.", Type.A, false, null);
      SplittableRandom rnd = new SplittableRandom(20261125);
      geoEcs = new byte[ECS_PACKETS][];
      stickyEcs = new byte[ECS_PACKETS][];
      for (int i = 0; i < ECS_PACKETS; i++) {
        geoEcs[i] = query("www.example.com.", Type.A, true, randomSubnet(rnd));
        stickyEcs[i] = query("sticky.example.com.", Type.A, true, randomSubnet(rnd));
      }
      fast = new FastResponderProbe(server.engine, 1232);
      for (byte[] p : new byte[][] {staticA, staticEdns, nodata, nxdomain, rotating}) {
        if (fast.respond(p, p.length) < 0) {
          throw new IllegalStateException("expected on the fast path: " + new Message(p));
        }
      }
    }

    byte[] nextOf(byte[][] packets) {
      next = (next + 1) & (ECS_PACKETS - 1);
      return packets[next];
    }
  }

  /** Keeps every response alive through a {@link Blackhole}, as a socket send would read it. */
  static final class BlackholeSink implements PacketProcessor.Sink {
    Blackhole bh;

    @Override
    public void send(byte[] wire) {
      bh.consume(wire);
    }

    @Override
    public void send(byte[] buffer, int length) {
      bh.consume(buffer);
      bh.consume(length);
    }
  }

  private static void handle(Server s, Worker w, byte[] packet, Blackhole bh) throws IOException {
    w.sink.bh = bh;
    s.processor.handle(packet, packet.length, s.client, false, w.sink);
  }

  private static int fast(Worker w, byte[] packet, Blackhole bh) {
    int n = w.fast.respond(packet, packet.length);
    bh.consume(w.fast.out());
    return n;
  }

  /**
   * The counting alone, as the fast path does it for an A query answered NOERROR over UDP: {@code
   * -p metrics=on,off} gives its cost, {@code -t 2} the cost when two workers count the same
   * series.
   */
  @Benchmark
  public void countQuery(Server s) {
    s.queries.count(1, 0, false, false);
  }

  @Benchmark
  public void handleStaticA(Server s, Worker w, Blackhole bh) throws IOException {
    handle(s, w, w.staticA, bh);
  }

  @Benchmark
  public void handleStaticEdns(Server s, Worker w, Blackhole bh) throws IOException {
    handle(s, w, w.staticEdns, bh);
  }

  @Benchmark
  public void handleNodata(Server s, Worker w, Blackhole bh) throws IOException {
    handle(s, w, w.nodata, bh);
  }

  @Benchmark
  public void handleNxdomain(Server s, Worker w, Blackhole bh) throws IOException {
    handle(s, w, w.nxdomain, bh);
  }

  @Benchmark
  public void handleRotatingRrset(Server s, Worker w, Blackhole bh) throws IOException {
    handle(s, w, w.rotating, bh);
  }

  @Benchmark
  public void handleRoundRobinService(Server s, Worker w, Blackhole bh) throws IOException {
    handle(s, w, w.roundRobin, bh);
  }

  @Benchmark
  public void handleGeoRandomEcs(Server s, Worker w, Blackhole bh) throws IOException {
    handle(s, w, w.nextOf(w.geoEcs), bh);
  }

  @Benchmark
  public void handleStickyRandomEcs(Server s, Worker w, Blackhole bh) throws IOException {
    handle(s, w, w.nextOf(w.stickyEcs), bh);
  }

  @Benchmark
  public int fastStaticA(Worker w, Blackhole bh) {
    return fast(w, w.staticA, bh);
  }

  @Benchmark
  public int fastStaticEdns(Worker w, Blackhole bh) {
    return fast(w, w.staticEdns, bh);
  }

  @Benchmark
  public int fastNodata(Worker w, Blackhole bh) {
    return fast(w, w.nodata, bh);
  }

  @Benchmark
  public int fastNxdomain(Worker w, Blackhole bh) {
    return fast(w, w.nxdomain, bh);
  }

  @Benchmark
  public int fastRotatingRrset(Worker w, Blackhole bh) {
    return fast(w, w.rotating, bh);
  }

  /** A query as a stub resolver sends it: RD set, optionally EDNS (1232) with an ECS option. */
  static byte[] query(String name, int type, boolean edns, ClientSubnetOption ecs)
      throws IOException {
    Message q = Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN));
    q.getHeader().setID(0x4d52);
    if (edns) {
      q.addRecord(
          ecs == null ? new OPTRecord(1232, 0, 0, 0) : new OPTRecord(1232, 0, 0, 0, ecs),
          Section.ADDITIONAL);
    }
    return q.toWire();
  }

  /** A random public-looking IPv4 /24, as a resolver forwards its client's subnet. */
  static ClientSubnetOption randomSubnet(SplittableRandom rnd) throws IOException {
    byte[] a = {(byte) (1 + rnd.nextInt(223)), (byte) rnd.nextInt(256), (byte) rnd.nextInt(256), 0};
    return new ClientSubnetOption(24, InetAddress.getByAddress(a));
  }
}
