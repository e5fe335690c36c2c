package dev.meridian.zone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;

/** Crash points of a dynamic update: every acknowledged change survives, nothing half-written. */
class JournalTest {
  @TempDir Path dir;

  private Zone zone() throws Exception {
    Path f = dir.resolve("example.net.zone");
    Files.writeString(f, "$TTL 300\n@ IN SOA ns1 h 7 2 3 4 5\n@ IN NS ns1\nns1 IN A 192.0.2.1\n");
    return ZoneFileLoader.load(f).zone();
  }

  private static Zone add(Zone z, String name, String ip) throws Exception {
    ZoneEditor e = new ZoneEditor(z);
    e.add(new ARecord(Name.fromString(name), DClass.IN, 300, java.net.InetAddress.getByName(ip)));
    Zone next = e.build();
    Journal.append(Path.of(z.source()), z.serial(), next.serial(), e.removed(), e.added());
    return next;
  }

  @Test
  void aChangeJournaledButNotFoldedIsReplayedAtStart() throws Exception {
    Zone z = zone();
    Zone next = add(z, "a.example.net.", "192.0.2.10"); // crash here: journal written, file not
    Zone reloaded = ZoneFileLoader.load(Path.of(z.source())).zone();
    assertEquals(7, reloaded.serial());
    Zone replayed = Journal.replay(reloaded, Path.of(z.source()));
    assertEquals(next.serial(), replayed.serial());
    assertNotNull(replayed.node(Name.fromString("a.example.net.")));
  }

  @Test
  void aFoldedChangeIsNotAppliedTwiceAndATornEntryIsIgnored() throws Exception {
    Zone z = zone();
    Zone next = add(z, "a.example.net.", "192.0.2.10");
    Journal.fold(next, Path.of(z.source()));
    Files.writeString(
        Journal.of(Path.of(z.source())),
        "change 8 9\n+ b.example.net. 300 IN A 192.0.2.11\n",
        StandardOpenOption.APPEND); // a crash mid-append: no "end", never acknowledged
    Zone loaded = ZoneFileLoader.load(Path.of(z.source())).zone();
    Zone replayed = Journal.replay(loaded, Path.of(z.source()));
    assertEquals(8, replayed.serial());
    assertNotNull(replayed.node(Name.fromString("a.example.net.")));
    assertNull(replayed.node(Name.fromString("b.example.net.")));
  }

  @Test
  void editsKeepTheApexAndTheCnameRule() throws Exception {
    Zone z = zone();
    ZoneEditor e = new ZoneEditor(z);
    e.deleteRrset(z.origin(), Type.ANY);
    e.add(
        new org.xbill.DNS.CNAMERecord(
            Name.fromString("ns1.example.net."),
            DClass.IN,
            300,
            Name.fromString("x.example.org.")));
    Zone next = e.build();
    assertNotNull(next.node(z.origin()).get(Type.NS), "apex NS survives a delete-all");
    assertNull(
        next.node(Name.fromString("ns1.example.net.")).get(Type.CNAME), "no CNAME beside an A");
    assertEquals(7, next.serial(), "nothing changed: same serial");
  }
}
