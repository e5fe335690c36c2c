package dev.meridian.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.engine.Reloader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** Live reload on the real server: serial rules, broken edits, no failed query while swapping. */
class ReloadIT {
  private static void write(Path zone, long serial, String extra) throws Exception {
    Path tmp = zone.resolveSibling("tmp.edit");
    Files.writeString(
        tmp,
        "$TTL 300\n@ IN SOA ns1 h "
            + serial
            + " 2 3 4 5\n@ IN NS ns1\nns1 IN A 192.0.2.1\n"
            + extra);
    Files.move(tmp, zone, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }

  private static String a(TestServer s, String name) throws Exception {
    Message m = s.query(name, Type.A, false);
    return m.getRcode() != Rcode.NOERROR || m.getSection(Section.ANSWER).isEmpty()
        ? Rcode.string(m.getRcode())
        : m.getSection(Section.ANSWER).get(0).rdataToString();
  }

  @Test
  void aHigherSerialSwapsInABrokenOrLowerOneKeepsTheLastGood() throws Exception {
    Path src = Files.createTempDirectory("meridian-reload").resolve("example.net.zone");
    write(src, 10, "www IN A 192.0.2.10\n");
    try (TestServer s = TestServer.start("", src.toString())) {
      Path zone = s.dir().resolve("zones/example.net.zone");
      assertEquals("192.0.2.10", a(s, "www.example.net."));
      write(zone, 11, "www IN A 192.0.2.11\n");
      Reloader.Outcome ok = s.server().reload();
      assertEquals(List.of(), ok.problems());
      assertEquals(List.of("zone example.net. serial 10 -> 11"), ok.changed());
      assertTrue(ok.published());
      Reloader.Outcome same = s.server().reload();
      assertFalse(same.published(), "nothing changed: no new generation");
      assertEquals(ok.generation(), same.generation());
      assertEquals("192.0.2.11", a(s, "www.example.net."));
      write(zone, 12, "www IN A 192.0.2.12\nbad IN A 300.1.1.1\n");
      List<String> problems = s.server().reload().problems();
      assertTrue(problems.get(0).startsWith(zone + ":6:"), problems.toString());
      assertEquals("192.0.2.11", a(s, "www.example.net."), "the last good version answers");
      assertEquals(problems, s.server().problems(), "kept visible until fixed");
      write(zone, 9, "www IN A 192.0.2.9\n");
      assertEquals(List.of(), s.server().reload().problems());
      assertEquals("192.0.2.11", a(s, "www.example.net."), "a lower serial keeps the old zone");
      write(zone, 13, "www IN A 192.0.2.13\n");
      s.server().reload();
      assertEquals("192.0.2.13", a(s, "www.example.net."));
      Files.writeString(
          s.dir().resolve("meridian.yaml"), "listen: [127.0.0.1:0]\nedns: {payload_size: 1}\n");
      List<String> bad = s.server().reload().problems();
      assertTrue(
          bad.toString().contains("edns.payload_size: must be a whole number 512..4096"),
          bad.toString());
      assertEquals(
          "192.0.2.13", a(s, "www.example.net."), "a bad configuration keeps the last good one");
    }
  }

  @Test
  void aChangedFileIsPickedUpWithoutAnyCommand() throws Exception {
    Path src = Files.createTempDirectory("meridian-reload").resolve("example.net.zone");
    write(src, 1, "www IN A 192.0.2.1\n");
    try (TestServer s = TestServer.start("", src.toString())) {
      s.server().watchFiles(Duration.ofMillis(100));
      write(s.dir().resolve("zones/example.net.zone"), 2, "www IN A 192.0.2.2\n");
      long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      String now = a(s, "www.example.net.");
      while (!now.equals("192.0.2.2") && System.nanoTime() < end) {
        Thread.sleep(50); // polling the answer, as an operator's dig loop would
        now = a(s, "www.example.net.");
      }
      assertEquals("192.0.2.2", now);
    }
  }

  @Test
  void noQueryFailsWhileZonesAreReloaded() throws Exception {
    Path src = Files.createTempDirectory("meridian-reload").resolve("example.net.zone");
    write(src, 1, "www IN A 192.0.2.1\n");
    try (TestServer s = TestServer.start("", src.toString())) {
      Path zone = s.dir().resolve("zones/example.net.zone");
      AtomicBoolean stop = new AtomicBoolean();
      AtomicInteger ok = new AtomicInteger();
      AtomicInteger bad = new AtomicInteger();
      Thread load =
          new Thread(
              () -> {
                while (!stop.get()) {
                  try {
                    if (s.query("www.example.net.", Type.A, false).getRcode() == Rcode.NOERROR) {
                      ok.incrementAndGet();
                    } else {
                      bad.incrementAndGet();
                    }
                  } catch (Exception e) {
                    bad.incrementAndGet();
                  }
                }
              });
      load.start();
      for (int serial = 2; serial < 22; serial++) {
        write(zone, serial, "www IN A 192.0.2." + serial + "\n");
        s.server().reload();
      }
      stop.set(true);
      load.join(10_000);
      assertEquals(0, bad.get(), "failed queries during 20 reloads (" + ok.get() + " answered)");
      assertTrue(ok.get() > 0);
      assertEquals("192.0.2.21", a(s, "www.example.net."));
    }
  }
}
