package dev.meridian.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * A real Knot secondary on loopback transfers the zone from Meridian, and follows a new serial
 * after our NOTIFY. .ci/run installs knot; without it the test is skipped, saying so.
 */
class KnotSecondaryIT {
  static final Path KNOTD = Path.of("/usr/sbin/knotd");

  private static long serialAt(int port) {
    try {
      SimpleResolver r = new SimpleResolver(InetAddress.getLoopbackAddress());
      r.setPort(port);
      r.setTimeout(Duration.ofSeconds(1));
      Message m =
          r.send(
              Message.newQuery(
                  Record.newRecord(Name.fromString("example.net."), Type.SOA, DClass.IN)));
      for (Record rec : m.getSection(Section.ANSWER)) {
        if (rec instanceof SOARecord soa) {
          return soa.getSerial();
        }
      }
    } catch (Exception e) {
      // not answering yet
    }
    return -1;
  }

  private static long await(int port, long serial) throws InterruptedException {
    long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    long now = serialAt(port);
    while (now != serial && System.nanoTime() < end) {
      Thread.sleep(100); // polling the secondary's SOA, as an operator's dig loop would
      now = serialAt(port);
    }
    return now;
  }

  @Test
  void knotTransfersTheZoneAndFollowsANotifiedNewSerial() throws Exception {
    Tools.require(KNOTD.toString(), "apt-get install knot");
    Tools.Reservation reservation = Tools.reservePort(); // held until knotd has stopped
    int knotPort = reservation.port();
    Path src = Files.createTempDirectory("meridian-knot").resolve("example.net.zone");
    Files.writeString(
        src,
        "$TTL 300\n@ IN SOA ns1 h 1 60 60 3600 60\n@ IN NS ns1\nns1 IN A 192.0.2.1\nwww IN A 192.0.2.10\n");
    try {
      try (TestServer s =
          TestServer.start(
              "secondaries:\n  example.net: [127.0.0.1:" + knotPort + "]\n" + UpdateIT.YAML,
              src.toString())) {
        Path dir = Files.createTempDirectory("knot");
        Path conf = dir.resolve("knot.conf");
        Files.writeString(
            conf,
            String.join(
                "\n",
                "server:",
                "    rundir: \"" + dir + "\"",
                "    listen: 127.0.0.1@" + knotPort,
                "    user: root:root",
                "log:",
                "  - target: stderr",
                "    any: info",
                "database:",
                "    storage: \"" + dir + "\"",
                "remote:",
                "  - id: primary",
                "    address: 127.0.0.1@" + s.port(),
                "acl:",
                "  - id: from_primary",
                "    address: 127.0.0.1",
                "    action: notify",
                "template:",
                "  - id: default",
                "    storage: \"" + dir + "\"",
                "zone:",
                "  - domain: example.net",
                "    master: primary",
                "    acl: from_primary",
                ""));
        Process knot =
            new ProcessBuilder(KNOTD.toString(), "-c", conf.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("knot.log").toFile())
                .start();
        try {
          assertEquals(
              1,
              await(knotPort, 1),
              "initial transfer; knot log:\n" + Files.readString(dir.resolve("knot.log")));
          Files.writeString(
              s.dir().resolve("zones/example.net.zone"),
              "$TTL 300\n@ IN SOA ns1 h 2 60 60 3600 60\n@ IN NS ns1\nns1 IN A 192.0.2.1\nwww IN A 192.0.2.20\n");
          s.server().reload(); // our NOTIFY makes knot ask at once (its refresh is 60 s)
          assertEquals(
              2,
              await(knotPort, 2),
              "after NOTIFY; knot log:\n" + Files.readString(dir.resolve("knot.log")));
          SimpleResolver r = new SimpleResolver(InetAddress.getLoopbackAddress());
          r.setPort(knotPort);
          Message www =
              r.send(
                  Message.newQuery(
                      Record.newRecord(Name.fromString("www.example.net."), Type.A, DClass.IN)));
          assertEquals("192.0.2.20", www.getSection(Section.ANSWER).get(0).rdataToString());
          // a signed dynamic update: journaled, folded, NOTIFY sent; the secondary follows
          SimpleResolver up = new SimpleResolver(InetAddress.getLoopbackAddress());
          up.setPort(s.port());
          up.setTCP(true);
          up.setTSIGKey(
              new org.xbill.DNS.TSIG(
                  org.xbill.DNS.TSIG.HMAC_SHA256, Name.fromString("upd."), UpdateIT.SECRET));
          org.xbill.DNS.Update u = new org.xbill.DNS.Update(Name.fromString("example.net."));
          u.add(
              new org.xbill.DNS.ARecord(
                  Name.fromString("dyn.example.net."),
                  DClass.IN,
                  300,
                  InetAddress.getByName("192.0.2.77")));
          assertEquals(org.xbill.DNS.Rcode.NOERROR, up.send(u).getRcode());
          assertEquals(
              3,
              await(knotPort, 3),
              "after the update; knot log:\n" + Files.readString(dir.resolve("knot.log")));
          Message dyn =
              r.send(
                  Message.newQuery(
                      Record.newRecord(Name.fromString("dyn.example.net."), Type.A, DClass.IN)));
          assertEquals("192.0.2.77", dyn.getSection(Section.ANSWER).get(0).rdataToString());
        } finally {
          knot.destroy();
          knot.waitFor();
        }
      }
    } finally {
      reservation.close();
    }
  }
}
