package dev.meridian.zone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;

class ZoneFileLoaderTest {
  private static final String HEAD =
      """
      $ORIGIN example.net.
      $TTL 300
      @ IN SOA ns1 host ( 1 7200 3600 1209600 60 )
        IN NS ns1
      ns1 IN A 192.0.2.1
      """;

  @TempDir Path dir;

  private Path write(String name, String text) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, text);
    return p;
  }

  @Test
  void loadsZoneNamedAfterFileWithEmptyNonTerminals() throws Exception {
    Path f = write("example.net.zone", HEAD + "a.b.c IN A 192.0.2.2\n");
    Zone z = ZoneFileLoader.load(f).zone();
    assertEquals(Name.fromString("example.net."), z.origin());
    assertEquals(1, z.serial());
    assertEquals(4, z.recordCount());
    Node ent = z.node(Name.fromString("b.c.example.net."));
    assertNotNull(ent, "empty non-terminal is a node");
    assertEquals(0, ent.size());
    assertNotNull(z.node(Name.fromString("c.example.net.")));
  }

  /**
   * Simple A/AAAA lines are read without dnsjava's tokenizer; the zone must be what dnsjava's
   * Master alone reads: the same records, TTLs and owner spellings, in the same order.
   */
  @Test
  void simpleLinesLoadAsMasterReadsThem() throws Exception {
    Path f = Path.of("src/test/resources/zones/shapes.example.zone");
    Zone z = ZoneFileLoader.load(f).zone();
    java.util.List<org.xbill.DNS.Record> master = new java.util.ArrayList<>();
    try (org.xbill.DNS.Master m =
        new org.xbill.DNS.Master(Files.newInputStream(f), Name.fromString("shapes.example."))) {
      for (org.xbill.DNS.Record r; (r = m.nextRecord()) != null; ) {
        if (!master.contains(r)) {
          master.add(r);
        }
      }
    }
    SimpleLines.Split split = SimpleLines.split(Files.readAllBytes(f), z.origin());
    assertTrue(split.count() > 70, "most lines are simple: " + split.count());
    assertEquals(strings(master), strings(z.records()));
  }

  /**
   * The simple-line reader (no dnsjava tokenizer, no objects per line) takes a line only when
   * dnsjava's Master reads it as the same record; every other line is left to Master.
   */
  @Test
  void simpleLineReaderAgreesWithMasterLineByLine() throws Exception {
    String[] owners = {
      "a",
      "A-b",
      "_srv",
      "*",
      "*.x",
      "@",
      "x.y.",
      "Upper.Case.o.example.",
      "a..b",
      ".a",
      "a.",
      "l".repeat(63),
      "l".repeat(64),
      ("l".repeat(60) + ".").repeat(4) + "o",
      "a@b",
      "1.2",
      "x.*",
      "semi\\.colon",
      "q\"x",
      "p(x",
      "t\\065"
    };
    String[] ttls = {"", "0", "60", "2147483647", "2147483648", "1h", "1H30m", "99999999999", "1x"};
    String[] classes = {"", "IN", "in", "CH"};
    String[] types = {"A", "a", "AAAA", "aaaa", "Aa"};
    String[] addresses = {
      "1.2.3.4",
      "01.2.3.4",
      "0.0.0.0",
      "255.255.255.255",
      "256.1.1.1",
      "1.2.3",
      "1.2.3.4.5",
      "::1",
      "2001:db8::1",
      "::ffff:1.2.3.4",
      "2001:db8:::1",
      "1.2.3.04"
    };
    java.util.SplittableRandom rnd = new java.util.SplittableRandom(20261203);
    Name origin = Name.fromString("o.example.");
    int taken = 0;
    for (int n = 0; n < 3000; n++) {
      String ttl = ttls[rnd.nextInt(ttls.length)];
      String cls = classes[rnd.nextInt(classes.length)];
      String line =
          owners[rnd.nextInt(owners.length)]
              + " "
              + (rnd.nextBoolean() ? ttl + " " + cls : cls + " " + ttl)
              + " "
              + types[rnd.nextInt(types.length)]
              + " "
              + addresses[rnd.nextInt(addresses.length)];
      String text = "$TTL 300\n$ORIGIN o.example.\n" + line + "\n";
      byte[] bytes = text.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
      String master;
      try (org.xbill.DNS.Master m =
          new org.xbill.DNS.Master(new java.io.ByteArrayInputStream(bytes), origin)) {
        org.xbill.DNS.Record r = m.nextRecord();
        master = r == null ? null : r.getName() + " " + r;
      } catch (java.io.IOException | RuntimeException e) {
        master = null;
      }
      SimpleLines.Split split = SimpleLines.split(bytes, origin);
      if (split.count() == 1) {
        org.xbill.DNS.Record r = split.record(0);
        assertEquals(master, r.getName() + " " + r, line);
        taken++;
      }
    }
    assertTrue(taken > 150, "lines taken: " + taken);
  }

  private static java.util.List<String> strings(java.util.List<org.xbill.DNS.Record> records) {
    java.util.List<String> out = new java.util.ArrayList<>();
    for (org.xbill.DNS.Record r : records) {
      out.add(r.getName().toString() + " " + r); // the owner as spelt, then the record
    }
    out.sort(null); // the builder groups RRsets by owner; Master gives file order
    return out;
  }

  @Test
  void errorsAmongSimpleLinesKeepTheirLine() throws Exception {
    Path f =
        write(
            "example.net.zone",
            HEAD + "a IN A 192.0.2.2\nb IN A 192.0.2.3\nbad IN A 192.0.2\nc IN A 192.0.2.4\n");
    ZoneException e = assertThrows(ZoneException.class, () -> ZoneFileLoader.load(f));
    assertTrue(e.getMessage().startsWith(f + ":8:"), e.getMessage());
    Path g =
        write(
            "example.org.zone",
            HEAD.replace("example.net.", "example.org.") + "x.example.com. IN A 192.0.2.2\n");
    ZoneException out = assertThrows(ZoneException.class, () -> ZoneFileLoader.load(g));
    assertTrue(
        out.getMessage().contains(g + ":6: x.example.com.: out-of-zone data"), out.getMessage());
  }

  @Test
  void parseErrorNamesFileAndLine() throws Exception {
    Path f = write("example.net.zone", HEAD + "www IN A 192.0.2.300\n");
    ZoneException e = assertThrows(ZoneException.class, () -> ZoneFileLoader.load(f));
    assertTrue(e.getMessage().startsWith(f + ":6:"), e.getMessage());
  }

  @Test
  void dataBelowADnameLoadsWithAWarningNamingTheLine() throws Exception {
    Path f = write("example.net.zone", HEAD + "old IN DNAME new\nx.old IN A 192.0.2.9\n");
    ZoneFileLoader.Loaded l = ZoneFileLoader.load(f);
    assertEquals(
        java.util.List.of(
            f
                + ":7: x.old.example.net.: below the DNAME at old.example.net., so never answered"
                + " (occluded, RFC 6672 section 2.3)"),
        l.warnings());
  }

  @Test
  void twoDnamesAtOneNameAreRejected() throws Exception {
    Path f = write("example.net.zone", HEAD + "old IN DNAME a\nold IN DNAME b\n");
    ZoneException e = assertThrows(ZoneException.class, () -> ZoneFileLoader.load(f));
    assertTrue(
        e.getMessage().contains(f + ":6: old.example.net.: more than one DNAME"), e.getMessage());
  }

  @Test
  void cnameAndOtherDataIsRejectedWithLine() throws Exception {
    Path f =
        write("example.net.zone", HEAD + "\n; comment\nwww IN CNAME ns1\nwww IN A 192.0.2.9\n");
    ZoneException e = assertThrows(ZoneException.class, () -> ZoneFileLoader.load(f));
    assertTrue(
        e.getMessage().contains(f + ":8: www.example.net.: CNAME and other data"), e.getMessage());
  }

  @Test
  void outOfZoneDataAndMissingSoaAndNsAreAllReported() throws Exception {
    Path f = write("example.net.zone", "$TTL 300\nwww.example.org. IN A 192.0.2.1\n");
    ZoneException e = assertThrows(ZoneException.class, () -> ZoneFileLoader.load(f));
    assertEquals(3, e.problems().size(), e.getMessage());
    assertTrue(e.problems().get(0).startsWith(f + ":2: www.example.org.: out-of-zone data"));
    assertTrue(e.getMessage().contains("no SOA record"));
    assertTrue(e.getMessage().contains("no NS records"));
  }

  @Test
  void multiLineRecordsAndEscapesParse() throws Exception {
    Path f =
        write(
            "example.net.zone",
            HEAD
                + "txt IN TXT ( \"a\\\"b\"\n  \"c;d\" ) ; trailing\nsemi\\.colon IN A 192.0.2.7\n");
    Zone z = ZoneFileLoader.load(f).zone();
    var txt =
        (org.xbill.DNS.TXTRecord) z.node(Name.fromString("txt.example.net.")).get(Type.TXT)[0];
    var strings = txt.getStringsAsByteArrays();
    assertEquals("a\"b", new String(strings.get(0), java.nio.charset.StandardCharsets.US_ASCII));
    assertEquals("c;d", new String(strings.get(1), java.nio.charset.StandardCharsets.US_ASCII));
    assertNotNull(z.node(Name.fromString("semi\\.colon.example.net.")));
  }

  @Test
  void includeIsRelativeToTheZoneFile() throws Exception {
    Files.createDirectories(dir.resolve("parts"));
    write("parts/hosts.inc", "host IN A 192.0.2.44\n");
    Path f = write("example.net.zone", HEAD + "$INCLUDE parts/hosts.inc\n");
    Zone z = ZoneFileLoader.load(f).zone();
    assertNotNull(z.node(Name.fromString("host.example.net.")));
  }

  @Test
  void missingIncludeNamesTheIncludingFileAndLine() throws Exception {
    Path f = write("example.net.zone", HEAD + "\n$INCLUDE parts/missing.inc\n");
    ZoneException e = assertThrows(ZoneException.class, () -> ZoneFileLoader.load(f));
    assertTrue(
        e.getMessage().startsWith(f + ":7: $INCLUDE parts/missing.inc: no such file"),
        e.getMessage());
  }

  @Test
  @org.junit.jupiter.api.Timeout(10)
  void includeCyclesAreRejectedInsteadOfFollowedForever() throws Exception {
    // found by ZoneFileFuzzTest: dnsjava follows a file that includes itself until it gives up
    Path self = write("example.net.zone", HEAD + "$INCLUDE example.net.zone\n");
    ZoneException e = assertThrows(ZoneException.class, () -> ZoneFileLoader.load(self));
    assertTrue(e.getMessage().startsWith(self + ":6: $INCLUDE example.net.zone: includes itself"));
    write("a.inc", "a IN A 192.0.2.1\n$INCLUDE \"b.inc\"\n");
    write("b.inc", "b IN A 192.0.2.2\n$include ( a.inc )\n");
    Path loop =
        write(
            "example.org.zone", HEAD.replace("example.net.", "example.org.") + "$INCLUDE a.inc\n");
    e = assertThrows(ZoneException.class, () -> ZoneFileLoader.load(loop));
    assertTrue(
        e.getMessage().startsWith(dir.resolve("b.inc") + ":2: $INCLUDE a.inc"), e.getMessage());
  }

  @Test
  void anIncludeThatIsNotAFileNameIsAnErrorWithItsLine() throws Exception {
    // found by ZoneFileFuzzTest: a NUL byte made Path.of throw InvalidPathException
    Path f = write("example.net.zone", HEAD + "$INCLUDE a\u0000b.inc\n");
    ZoneException e = assertThrows(ZoneException.class, () -> ZoneFileLoader.load(f));
    assertTrue(e.getMessage().startsWith(f + ":6: "), e.getMessage());
  }

  @Test
  void anErrorInAnIncludedFileNamesThatFileByItsPathAndLine() throws Exception {
    // found by ZoneFileFuzzTest: dnsjava names an included file by its base name only
    Files.createDirectories(dir.resolve("parts"));
    Path inc = write("parts/hosts.inc", "ok IN A 192.0.2.1\nbad IN A 1\n");
    Path f = write("example.net.zone", HEAD + "$INCLUDE parts/hosts.inc\n");
    ZoneException e = assertThrows(ZoneException.class, () -> ZoneFileLoader.load(f));
    assertTrue(e.getMessage().startsWith(inc.toAbsolutePath() + ":2: "), e.getMessage());
  }

  @Test
  void nestedIncludesWithinTheLimitLoad() throws Exception {
    write("a.inc", "a IN A 192.0.2.1\n$INCLUDE b.inc\n");
    write("b.inc", "b IN A 192.0.2.2\n");
    Path f = write("example.net.zone", HEAD + "$INCLUDE a.inc\n$INCLUDE a.inc x.example.net.\n");
    Zone z = ZoneFileLoader.load(f).zone();
    assertNotNull(z.node(Name.fromString("b.example.net.")));
    assertNotNull(z.node(Name.fromString("a.x.example.net.")));
  }

  @Test
  void duplicateRecordsCollapseAndTtlsAreUnifiedPerRrset() throws Exception {
    Path f =
        write(
            "example.net.zone",
            HEAD + "w 100 IN A 192.0.2.1\nw 50 IN A 192.0.2.2\nw 100 IN A 192.0.2.1\n");
    Zone z = ZoneFileLoader.load(f).zone();
    var set = z.node(Name.fromString("w.example.net.")).get(Type.A);
    assertEquals(2, set.length);
    assertEquals(50, set[0].getTTL());
    assertEquals(50, set[1].getTTL());
  }

  @Test
  void missingGlueIsAWarning() throws Exception {
    Path f = write("example.net.zone", HEAD + "sub IN NS ns.sub\n");
    ZoneFileLoader.Loaded l = ZoneFileLoader.load(f);
    assertEquals(1, l.warnings().size());
    assertTrue(l.warnings().get(0).contains(f + ":6: sub.example.net.: NS ns.sub.example.net."));
  }

  @Test
  void directoryLoadSkipsBadZonesAndKeepsGoodOnes() throws Exception {
    write("example.net.zone", HEAD);
    write("broken.example.zone", "$TTL 300\n@ IN SOA bad\n");
    write("notes.txt", "not a zone");
    ZoneFileLoader.DirectoryResult r = ZoneFileLoader.loadDirectory(dir);
    assertEquals(1, r.zones().size());
    assertEquals(1, r.errors().size());
    assertTrue(
        r.errors().get(0).startsWith(dir.resolve("broken.example.zone") + ":"), r.errors().get(0));
  }
}
