package dev.meridian.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.config.ConfigLoader;
import dev.meridian.engine.QueryEngine;
import dev.meridian.engine.SnapshotBuilder;
import dev.meridian.engine.SnapshotHolder;
import dev.meridian.geo.GeoLocator;
import dev.meridian.metrics.Metrics;
import dev.meridian.zone.ZoneFileLoader;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ClientSubnetOption;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Issue 9: in steady state a query answered by the fast path allocates nothing, neither in {@link
 * FastResponder} nor in {@link PacketProcessor#handle} around it, query counting included (issue
 * 10: metrics on); bench/jmh.sh measures the same with JMH's {@code -prof gc}. Measured with the
 * JVM's per-thread allocation counter.
 */
class FastPathAllocationTest {
  private static final int QUERIES = 24_000; // a multiple of the 6 packets
  private static final InetAddress CLIENT = InetAddress.getLoopbackAddress();

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  /** A sink that sends from the shared buffer, as the UDP listener does, and keeps a checksum. */
  private static final class CountingSink implements PacketProcessor.Sink {
    long responses;
    long bytes;

    @Override
    public void send(byte[] wire) {
      send(wire, wire.length);
    }

    @Override
    public void send(byte[] buffer, int length) {
      responses++;
      bytes += length + buffer[3];
    }
  }

  @Test
  void fastPathAllocatesNothingPerQuery() throws Exception {
    var zone = ZoneFileLoader.load(Path.of("zones/example.com.zone")).zone();
    var config = ConfigLoader.defaults(Path.of("meridian.yaml"));
    var snapshot = new SnapshotBuilder().build(config, List.of(zone), GeoLocator.NONE, 1);
    QueryEngine engine = new QueryEngine(new SnapshotHolder(snapshot));
    Metrics metrics = Metrics.enabled();
    PacketProcessor processor =
        new PacketProcessor(engine, 1232, new ServerStats(), metrics.queries());
    FastResponder fast = new FastResponder(engine, 1232);
    FastResponder.State state = new FastResponder.State();
    byte[][] packets = {
      query("mail.example.com.", Type.A, null),
      query("MAIL.example.COM.", Type.A, new OPTRecord(1232, 0, 0, 0)),
      query(
          "mail.example.com.",
          Type.A,
          new OPTRecord(
              4096, 0, 0, 0, new ClientSubnetOption(24, InetAddress.getByName("198.51.100.0")))),
      query("mail.example.com.", Type.AAAA, null), // NODATA
      query("nothing.example.com.", Type.A, null), // NXDOMAIN
      query("rr.example.com.", Type.A, null) // a rotating RRset
    };
    for (byte[] p : packets) {
      assertTrue(fast.respond(p, p.length, CLIENT, false, state) > 0, new Message(p).toString());
    }
    InetAddress client = InetAddress.getLoopbackAddress();
    CountingSink sink = new CountingSink();
    long[] allocated = new long[3];
    // two rounds warm up (class loading, the first ThreadLocal use, compilation; about 66 KB and
    // 80 bytes on JDK 17), the third is measured (0 bytes on JDK 17)
    for (int round = 0; round < 3; round++) {
      long before = threadAllocatedBytes();
      for (int i = 0; i < QUERIES; i++) {
        byte[] p = packets[i % packets.length];
        processor.handle(p, p.length, client, false, sink);
        sink.bytes += fast.respond(p, p.length, CLIENT, false, state);
      }
      allocated[round] = threadAllocatedBytes() - before;
    }
    assertEquals(3L * QUERIES, sink.responses);
    assertTrue(sink.bytes > 0, "the responses were read");
    String text = exposition(metrics);
    int perPacket = 3 * QUERIES / packets.length;
    assertTrue(
        text.contains(
            "meridian_dns_queries_total{qtype=\"A\",rcode=\"NXDOMAIN\",transport=\"udp\"} "
                + perPacket
                + ".0\n"),
        text);
    assertTrue(
        text.contains("meridian_dns_ecs_queries_total{ecs=\"present\"} " + perPacket + ".0\n"),
        text);
    // a little slack for the JVM; one object per query would be 384,000 bytes or more
    assertTrue(
        allocated[2] < 1024,
        allocated[2] + " bytes allocated by " + 2 * QUERIES + " fast-path answers in steady state");
  }

  private static String exposition(Metrics metrics) throws java.io.IOException {
    var out = new java.io.ByteArrayOutputStream();
    metrics.writeText(out);
    return out.toString(java.nio.charset.StandardCharsets.UTF_8);
  }

  private static long threadAllocatedBytes() {
    return THREADS.getCurrentThreadAllocatedBytes();
  }

  private static byte[] query(String name, int type, OPTRecord opt) throws Exception {
    Message q = Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN));
    if (opt != null) {
      q.addRecord(opt, Section.ADDITIONAL);
    }
    return q.toWire();
  }
}
