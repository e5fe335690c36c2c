package dev.meridian.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.Type;
import org.xbill.DNS.Update;

/** RFC 2136 updates with TSIG over real sockets, and with nsupdate against the packaged jar. */
class UpdateIT {
  static final String SECRET = "c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0MTI=";
  static final String YAML =
      "tsig_keys:\n  upd: {algorithm: hmac-sha256, secret: \""
          + SECRET
          + "\"}\n"
          + "updates:\n  example.net: [upd]\n";

  private static Path zoneFile() throws Exception {
    Path src = Files.createTempDirectory("meridian-update").resolve("example.net.zone");
    Files.writeString(
        src,
        "$TTL 300\n@ IN SOA ns1 h 1 60 60 3600 60\n@ IN NS ns1\nns1 IN A 192.0.2.1\nold IN A 192.0.2.5\n");
    return src;
  }

  @Test
  void signedUpdatesApplyAtOnceAndUnsignedOrBadlySignedOnesDoNot() throws Exception {
    try (TestServer s = TestServer.start(YAML, zoneFile().toString())) {
      SimpleResolver r = s.resolver(true);
      Name zone = Name.fromString("example.net.");
      Update add = new Update(zone);
      add.add(
          new ARecord(
              Name.fromString("new.example.net."),
              DClass.IN,
              300,
              InetAddress.getByName("192.0.2.99")));
      add.delete(Name.fromString("old.example.net."), Type.A);
      assertEquals(Rcode.REFUSED, r.send(add).getRcode(), "unsigned");
      r.setTSIGKey(
          new TSIG(
              TSIG.HMAC_SHA256,
              Name.fromString("upd."),
              "d3JvbmdzZWNyZXR3cm9uZ3NlY3JldHdyb25nc2VjcmV0"));
      assertEquals(Rcode.NOTAUTH, r.send(add).getRcode(), "wrong secret");
      r.setTSIGKey(new TSIG(TSIG.HMAC_SHA256, Name.fromString("upd."), SECRET));
      Message ok = r.send(add);
      assertEquals(Rcode.NOERROR, ok.getRcode());
      assertTrue(ok.isVerified(), "the answer is signed");
      assertEquals(
          "192.0.2.99",
          s.query("new.example.net.", Type.A, false).getSection(1).get(0).rdataToString());
      assertEquals(Rcode.NXDOMAIN, s.query("old.example.net.", Type.A, false).getRcode());
      Record soa = s.query("example.net.", Type.SOA, false).getSection(1).get(0);
      assertEquals(2, ((org.xbill.DNS.SOARecord) soa).getSerial(), "one update, one serial");
      Update cond = new Update(zone);
      cond.absent(Name.fromString("new.example.net."));
      cond.add(
          new ARecord(
              Name.fromString("x.example.net."),
              DClass.IN,
              300,
              InetAddress.getByName("192.0.2.7")));
      assertEquals(Rcode.YXDOMAIN, r.send(cond).getRcode(), "prerequisite: name must not exist");
      Update outside = new Update(zone);
      outside.add(
          new ARecord(
              Name.fromString("www.example.org."),
              DClass.IN,
              300,
              InetAddress.getByName("192.0.2.7")));
      assertEquals(Rcode.NOTZONE, r.send(outside).getRcode());
      String file = Files.readString(s.dir().resolve("zones/example.net.zone"));
      assertTrue(file.contains("new.example.net.") && !file.contains("old.example.net."), file);
    }
  }

  @Test
  void ixfrSendsTheJournaledChangesAndTheWholeZoneWhenTheChainIsBroken() throws Exception {
    try (TestServer s = TestServer.start(YAML, zoneFile().toString())) {
      SimpleResolver r = s.resolver(true);
      r.setTSIGKey(new TSIG(TSIG.HMAC_SHA256, Name.fromString("upd."), SECRET));
      Name zone = Name.fromString("example.net.");
      for (int i = 1; i <= 2; i++) {
        Update u = new Update(zone);
        u.add(
            new ARecord(
                Name.fromString("n" + i + ".example.net."),
                DClass.IN,
                300,
                InetAddress.getByName("192.0.2." + i)));
        assertEquals(Rcode.NOERROR, r.send(u).getRcode());
      }
      java.net.InetSocketAddress at =
          new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), s.port());
      org.xbill.DNS.ZoneTransferIn ixfr =
          org.xbill.DNS.ZoneTransferIn.newIXFR(zone, 1, false, at, null);
      ixfr.run();
      assertTrue(ixfr.isIXFR(), "deltas, not the whole zone");
      var deltas = ixfr.getIXFR();
      assertEquals(2, deltas.size());
      assertEquals(1, deltas.get(0).start);
      assertEquals(3, deltas.get(1).end);
      assertEquals("n2.example.net.", deltas.get(1).adds.get(1).getName().toString());
      org.xbill.DNS.ZoneTransferIn unknown =
          org.xbill.DNS.ZoneTransferIn.newIXFR(zone, 0, true, at, null);
      unknown.run();
      assertTrue(unknown.isAXFR(), "no history from serial 0: the whole zone");
    }
  }

  @Test
  void transfersAreAllowedByAddressOrByTsigAndSignedThroughout() throws Exception {
    Path src = Files.createTempDirectory("meridian-xfr").resolve("example.net.zone");
    StringBuilder z =
        new StringBuilder(
            "$TTL 300\n@ IN SOA ns1 h 1 60 60 3600 60\n@ IN NS ns1\nns1 IN A 192.0.2.1\n");
    for (int i = 0; i < 2000; i++) {
      z.append("h").append(i).append(" IN A 192.0.2.").append(i % 250 + 1).append('\n');
    }
    Files.writeString(src, z.toString());
    String yaml =
        "tsig_keys:\n  xfr: {algorithm: hmac-sha256, secret: \""
            + SECRET
            + "\"}\n"
            + "transfer: {allow: [192.0.2.0/24], keys: [xfr]}\n";
    try (TestServer s = TestServer.start(yaml, src.toString())) {
      java.net.InetSocketAddress at =
          new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), s.port());
      org.xbill.DNS.ZoneTransferIn unsigned =
          org.xbill.DNS.ZoneTransferIn.newAXFR(Name.fromString("example.net."), at, null);
      org.junit.jupiter.api.Assertions.assertThrows(
          org.xbill.DNS.ZoneTransferException.class,
          unsigned::run,
          "loopback is not on this allow-list");
      org.xbill.DNS.ZoneTransferIn signed =
          org.xbill.DNS.ZoneTransferIn.newAXFR(
              Name.fromString("example.net."),
              at,
              new TSIG(TSIG.HMAC_SHA256, Name.fromString("xfr."), SECRET));
      signed.run(); // dnsjava verifies the TSIG of every message of the stream
      assertEquals(2004, signed.getAXFR().size());
      org.xbill.DNS.ZoneTransferIn wrong =
          org.xbill.DNS.ZoneTransferIn.newAXFR(
              Name.fromString("example.net."),
              at,
              new TSIG(
                  TSIG.HMAC_SHA256,
                  Name.fromString("xfr."),
                  "d3JvbmdzZWNyZXR3cm9uZ3NlY3JldHdyb25nc2VjcmV0"));
      org.junit.jupiter.api.Assertions.assertThrows(
          org.xbill.DNS.ZoneTransferException.class, wrong::run);
    }
  }

  @Test
  void nsupdateAddsARecordThatSurvivesKillNineAndRestart() throws Exception {
    Path nsupdate = Tools.require("/usr/bin/nsupdate", "apt-get install bind9-dnsutils");
    Path dir = Files.createTempDirectory("meridian-crash");
    Files.createDirectories(dir.resolve("zones"));
    Files.copy(zoneFile(), dir.resolve("zones/example.net.zone"));
    Tools.Reservation reservation = Tools.reservePort(); // held across the kill and restart
    int port = reservation.port();
    Path config = dir.resolve("meridian.yaml");
    Files.writeString(
        config, "listen: [127.0.0.1:" + port + "]\nadmin: {listen: 127.0.0.1:0}\n" + YAML);
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder serve =
        new ProcessBuilder(
                javaBin,
                "-jar",
                Path.of("target/meridian.jar").toAbsolutePath().toString(),
                "serve",
                "--config",
                config.toString())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("out.log").toFile()));
    Process p = serve.start();
    try {
      awaitSerial(port, 1);
      Process u =
          new ProcessBuilder(nsupdate.toString(), "-y", "hmac-sha256:upd:" + SECRET)
              .redirectErrorStream(true)
              .start();
      u.getOutputStream()
          .write(
              ("server 127.0.0.1 "
                      + port
                      + "\nzone example.net\n"
                      + "update add crash.example.net 300 A 192.0.2.66\nsend\n")
                  .getBytes(java.nio.charset.StandardCharsets.UTF_8));
      u.getOutputStream().close();
      assertTrue(u.waitFor(20, TimeUnit.SECONDS));
      assertEquals(
          0,
          u.exitValue(),
          new String(u.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
      assertEquals("192.0.2.66", a(port, "crash.example.net."), "seen at once");
      p.destroyForcibly(); // SIGKILL: no shutdown hook runs
      assertTrue(p.waitFor(10, TimeUnit.SECONDS));
      p = serve.start();
      awaitSerial(port, 2);
      assertEquals(
          "192.0.2.66", a(port, "crash.example.net."), "still there after kill -9 and restart");
    } finally {
      p.destroy();
      p.waitFor(10, TimeUnit.SECONDS);
      reservation.close();
    }
  }

  private static String a(int port, String name) throws Exception {
    SimpleResolver r = new SimpleResolver(InetAddress.getLoopbackAddress());
    r.setPort(port);
    Message m =
        r.send(Message.newQuery(Record.newRecord(Name.fromString(name), Type.A, DClass.IN)));
    return m.getSection(1).isEmpty()
        ? Rcode.string(m.getRcode())
        : m.getSection(1).get(0).rdataToString();
  }

  private static void awaitSerial(int port, long serial) throws Exception {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < end) {
      try {
        SimpleResolver r = new SimpleResolver(InetAddress.getLoopbackAddress());
        r.setPort(port);
        r.setTimeout(java.time.Duration.ofMillis(500));
        Message m =
            r.send(
                Message.newQuery(
                    Record.newRecord(Name.fromString("example.net."), Type.SOA, DClass.IN)));
        if (!m.getSection(1).isEmpty()
            && ((org.xbill.DNS.SOARecord) m.getSection(1).get(0)).getSerial() == serial) {
          return;
        }
      } catch (java.io.IOException e) {
        // not listening yet
      }
      Thread.sleep(100); // waiting for the process to start listening
    }
    throw new AssertionError("serial " + serial + " not served within 20 s");
  }
}
