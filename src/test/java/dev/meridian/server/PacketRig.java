package dev.meridian.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.config.ConfigLoader;
import dev.meridian.config.MeridianConfig;
import dev.meridian.engine.QueryEngine;
import dev.meridian.engine.Snapshot;
import dev.meridian.engine.SnapshotBuilder;
import dev.meridian.engine.SnapshotHolder;
import dev.meridian.geo.CountryTable;
import dev.meridian.geo.MaxMindLocator;
import dev.meridian.metrics.Metrics;
import dev.meridian.zone.ZoneFileLoader;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.Type;

/**
 * A {@link PacketProcessor} over a real {@link QueryEngine}: the shipped and test zones (copied to
 * a temporary folder, so updates never touch the repository), the geo database, traffic policies
 * that read ECS, a TSIG key that may update both zones and transfer them, and transfers allowed
 * from loopback. {@link #check} sends one packet and asserts the wire rules every response must
 * keep. State changed by an update is undone before the next packet, so every input runs on the
 * same zones and a finding reproduces from its input alone. Confined to one fuzzing thread.
 */
final class PacketRig {
  static final int PAYLOAD = 1232;
  static final String KEY_NAME = "fuzz-key.";
  static final String KEY_SECRET = "ZnV6ei1rZXktc2VjcmV0LWZvci1tZXJpZGlhbi10ZXN0cw==";

  /**
   * Fuzzing gets longer: Jazzer instruments classes on first use, and the first inputs are slow.
   */
  static final long HANG_SECONDS = System.getenv("JAZZER_FUZZ") == null ? 10 : 60;

  private static final InetAddress CLIENT = InetAddress.getLoopbackAddress();
  private static final List<String> ZONES =
      List.of("zones/example.com.zone", "src/test/resources/zones/example.org.zone");

  private final Path dir;
  private final SnapshotHolder holder;
  private final Snapshot initial;
  private final PacketProcessor processor;
  private final TSIG key;
  private ExecutorService worker = newWorker();

  private PacketRig(Path dir, SnapshotHolder holder, Snapshot initial, TSIG key) {
    this.dir = dir;
    this.holder = holder;
    this.initial = initial;
    this.key = key;
    this.processor =
        new PacketProcessor(
            new QueryEngine(holder), PAYLOAD, new ServerStats(), Metrics.enabled().queries());
  }

  /** Builds the rig in a new temporary folder, deleted when the JVM exits. */
  static PacketRig create() throws Exception {
    Path dir = Files.createTempDirectory("meridian-fuzz");
    Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir)));
    Path zones = Files.createDirectories(dir.resolve("zones"));
    copyZones(zones);
    Path file = dir.resolve("meridian.yaml");
    String yaml = config(Path.of("geo-data/meridian-country.mmdb").toAbsolutePath());
    Files.writeString(file, yaml);
    MeridianConfig config = ConfigLoader.parse(new StringReader(yaml), file);
    ZoneFileLoader.DirectoryResult loaded = ZoneFileLoader.loadDirectory(config.zoneDir());
    assertTrue(loaded.errors().isEmpty(), loaded.errors()::toString);
    List<dev.meridian.zone.Zone> list = new ArrayList<>();
    loaded.zones().forEach(l -> list.add(l.zone()));
    var geo = MaxMindLocator.open(config.traffic().geo().database(), CountryTable.bundled());
    Snapshot first = new SnapshotBuilder().build(config, list, geo, 1);
    TSIG key = new TSIG(TSIG.HMAC_SHA256, Name.fromString(KEY_NAME), KEY_SECRET);
    return new PacketRig(dir, new SnapshotHolder(first), first, key);
  }

  /**
   * Traffic policies as in the shipped meridian.yaml (geo, nearest, weighted, sticky, failover).
   */
  private static String config(Path geoDb) {
    return "listen: [127.0.0.1:0]\n"
        + "zone_dir: zones\n"
        + "edns: {payload_size: "
        + PAYLOAD
        + "}\n"
        + "transfer: {allow: [127.0.0.0/8, \"::1/128\"], keys: ["
        + KEY_NAME
        + "]}\n"
        + "tsig_keys:\n  "
        + KEY_NAME
        + ": {algorithm: hmac-sha256, secret: \""
        + KEY_SECRET
        + "\"}\n"
        + "updates:\n  example.com: ["
        + KEY_NAME
        + "]\n  example.org: ["
        + KEY_NAME
        + "]\n"
        + "regions:\n"
        + "  us-east:\n"
        + "    location: {lat: 39.04, lon: -77.49}\n"
        + "    l4: {endpoints: [192.0.2.10, 192.0.2.11], check: none}\n"
        + "    l7: {endpoints: [192.0.2.20, \"2001:db8:1::20\"], check: none}\n"
        + "  eu-west:\n"
        + "    location: {lat: 53.35, lon: -6.26}\n"
        + "    l4: {endpoints: [198.51.100.10], check: none}\n"
        + "    l7: {endpoints: [198.51.100.20, \"2001:db8:2::20\"], check: none}\n"
        + "geo:\n"
        + "  database: \""
        + geoDb
        + "\"\n"
        + "  continents: {EU: [eu-west, us-east], NA: [us-east, eu-west]}\n"
        + "  default: nearest\n"
        + "services:\n"
        + "  www.example.com: {policy: geo, tier: l7, ttl: 30}\n"
        + "  game.example.com: {policy: nearest, tier: l4, ttl: 20}\n"
        + "  weighted.example.com:\n"
        + "    policy: weighted\n"
        + "    endpoints: [{address: 192.0.2.30, weight: 3}, {address: 192.0.2.31, weight: 1}]\n"
        + "  sticky.example.com:\n"
        + "    policy: sticky\n"
        + "    max_answers: 1\n"
        + "    endpoints: [192.0.2.40, 192.0.2.41, 192.0.2.42, \"2001:db8::40\"]\n"
        + "  failover.example.com: {policy: failover, tier: l4, regions: [us-east, eu-west]}\n";
  }

  /**
   * Re-signs {@code packet} with the rig's key (any TSIG it had is dropped), so that mutated
   * updates and transfers get past signature checks; null when dnsjava cannot parse or re-render it
   * (then there is nothing to sign).
   */
  byte[] resign(byte[] packet) {
    Message m;
    try {
      m = new Message(packet);
    } catch (IOException | RuntimeException e) {
      return null; // not a message: the unsigned target covers it
    }
    Message out = new Message(m.getHeader().getID());
    for (int f = 0; f < 16; f++) {
      if (Flags.isFlag(f) && m.getHeader().getFlag(f)) {
        out.getHeader().setFlag(f);
      }
    }
    out.getHeader().setOpcode(m.getHeader().getOpcode());
    out.getHeader().setRcode(m.getHeader().getRcode());
    for (int s = Section.QUESTION; s <= Section.ADDITIONAL; s++) {
      for (Record r : m.getSection(s)) {
        if (r.getType() != Type.TSIG) {
          out.addRecord(r, s);
        }
      }
    }
    out.setTSIG(key, Rcode.NOERROR, null);
    try {
      return out.toWire(PacketProcessor.TCP_MAX);
    } catch (RuntimeException e) {
      return null; // dnsjava cannot render what it parsed: not a server finding
    }
  }

  /** Sends {@code packet} over UDP and over TCP, checking every response. */
  void check(byte[] packet) {
    check(packet, false);
    check(packet, true);
  }

  /**
   * Sends {@code packet} as received over UDP or TCP and fails on an escaping exception, a hang, a
   * response dnsjava cannot parse, a wrong ID, a UDP response over the allowed size, or a
   * REFUSED/FORMERR/NOTIMP response larger than the query (no amplification).
   */
  void check(byte[] packet, boolean tcp) {
    List<byte[]> out = send(packet, tcp);
    restoreIfUpdated();
    if (packet.length < PacketProcessor.HEADER) {
      assertTrue(out.isEmpty(), "a packet shorter than a header is dropped");
      return;
    }
    if (!tcp) {
      assertTrue(out.size() <= 1, "one datagram per UDP query, got " + out.size());
    }
    int id = (packet[0] & 0xFF) << 8 | (packet[1] & 0xFF);
    int limit = tcp ? PacketProcessor.TCP_MAX : udpLimit(packet);
    for (byte[] wire : out) {
      Message r;
      try {
        r = new Message(wire);
      } catch (IOException | RuntimeException e) {
        throw new AssertionError(
            where(tcp) + "response does not parse: " + e + "\n" + hex(wire), e);
      }
      assertEquals(id, r.getHeader().getID(), where(tcp) + "response ID");
      assertTrue(r.getHeader().getFlag(Flags.QR), where(tcp) + "QR set");
      assertTrue(
          wire.length <= limit,
          where(tcp) + "response of " + wire.length + " bytes over the limit of " + limit);
      int rcode = r.getRcode();
      if (rcode == Rcode.REFUSED || rcode == Rcode.FORMERR || rcode == Rcode.NOTIMP) {
        assertTrue(
            wire.length <= packet.length,
            where(tcp)
                + Rcode.string(rcode)
                + " of "
                + wire.length
                + " bytes to a query of "
                + packet.length
                + " (amplification)\n"
                + hex(wire));
      }
    }
  }

  /** 512 without EDNS, else the client's size, at least 512 and at most ours (RFC 6891 6.2.5). */
  private static int udpLimit(byte[] packet) {
    OPTRecord opt;
    try {
      opt = new Message(packet).getOPT();
    } catch (IOException | RuntimeException e) {
      return PacketProcessor.PLAIN_UDP; // the server cannot see an OPT either
    }
    return opt == null
        ? PacketProcessor.PLAIN_UDP
        : Math.max(PacketProcessor.PLAIN_UDP, Math.min(opt.getPayloadSize(), PAYLOAD));
  }

  private List<byte[]> send(byte[] packet, boolean tcp) {
    byte[] copy = packet.clone(); // the processor must not depend on the caller's array
    Future<List<byte[]>> f =
        worker.submit(
            () -> {
              List<byte[]> out = new ArrayList<>();
              processor.handle(copy, copy.length, CLIENT, tcp, out::add);
              return out;
            });
    try {
      return f.get(HANG_SECONDS, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      Thread stuck = stuckThread;
      StackTraceElement[] stack = stuck == null ? new StackTraceElement[0] : stuck.getStackTrace();
      worker.shutdownNow();
      worker = newWorker(); // the stuck thread is a daemon and is abandoned
      AssertionError hang =
          new AssertionError(where(tcp) + "handle() still running after " + HANG_SECONDS + " s");
      hang.setStackTrace(stack);
      throw hang;
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw new AssertionError(where(tcp) + "exception escaped handle(): " + cause, cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** An update that succeeded changed the zones and their files: put both back. */
  @SuppressWarnings("ReferenceEquality") // any newly published snapshot means a change
  private void restoreIfUpdated() {
    if (holder.current() == initial) {
      return;
    }
    Path zones = dir.resolve("zones");
    try (Stream<Path> files = Files.list(zones)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Files.delete(p);
      }
      copyZones(zones);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    holder.publish(initial);
  }

  private static void copyZones(Path to) throws IOException {
    for (String z : ZONES) {
      Path src = Path.of(z);
      Files.copy(src, to.resolve(src.getFileName()));
    }
  }

  private static volatile Thread stuckThread;

  private static ExecutorService newWorker() {
    return Executors.newSingleThreadExecutor(
        r -> {
          Thread t = new Thread(r, "packet-fuzz");
          t.setDaemon(true);
          stuckThread = t;
          return t;
        });
  }

  private static String where(boolean tcp) {
    return tcp ? "TCP: " : "UDP: ";
  }

  static String hex(byte[] b) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < b.length; i++) {
      s.append(String.format("%02x", b[i])).append(i % 32 == 31 ? "\n" : " ");
    }
    return s.toString();
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort at exit: a leftover temporary folder is harmless
    }
  }
}
