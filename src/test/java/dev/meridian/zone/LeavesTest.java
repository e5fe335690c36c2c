package dev.meridian.zone;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileInputStream;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Master;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/** Which names a zone keeps as leaves, and that they read back as the records the file holds. */
class LeavesTest {
  private static final Path FILE = Path.of("src/test/resources/zones/leaves.example.zone");

  private static Name name(String s) throws Exception {
    return Name.fromString(s, Name.fromString("leaves.example."));
  }

  @Test
  void plainAddressOwnersAreLeavesAndTheRestAreNodes() throws Exception {
    Zone z = ZoneFileLoader.load(FILE).zone();
    Leaves leaves = z.leaves();
    Set<Name> leafNames = new HashSet<>();
    for (int i = 0; i < leaves.count(); i++) {
      leafNames.add(leaves.name(i, z.origin()));
    }
    for (String s : List.of("a", "bb", "CcC", "dual", "v6first", "dup", "child.parent", "x.y.z")) {
      assertTrue(leafNames.contains(name(s)), s + " is a leaf");
    }
    for (String s :
        List.of(
            "two",
            "mixed",
            "txtfirst",
            "parent",
            "wild",
            "ns.sub",
            "deep.ns.sub",
            "hidden.old",
            "@")) {
      assertFalse(leafNames.contains(name(s)), s + " is not a leaf");
    }
    for (Name n : leafNames) {
      assertFalse(z.nodes().stream().anyMatch(node -> node.name().equals(n)), n + " twice");
    }
    // the empty non-terminals above x.y.z are nodes
    assertNotNull(z.node(name("y.z")));
    assertEquals(0, z.node(name("y.z")).size());
    assertNotNull(z.node(name("z")));
    // below a leaf: nothing, and the leaf is the closest encloser
    assertNull(z.node(name("nx.dual")));
    assertEquals(name("dual"), z.closestEncloser(name("nx.dual")).name());
  }

  @Test
  void leavesReadBackAsTheirRecordsInFileOrder() throws Exception {
    Zone z = ZoneFileLoader.load(FILE).zone();
    Node dual = z.node(name("DUAL"));
    assertEquals(2, dual.size());
    assertEquals(Type.A, dual.type(0));
    assertEquals(Type.AAAA, dual.type(1));
    Node v6 = z.node(name("v6first"));
    assertEquals(Type.AAAA, v6.type(0));
    assertEquals(Type.A, v6.type(1));
    assertEquals(60, v6.get(Type.A)[0].getTTL());
    assertEquals(300, v6.get(Type.AAAA)[0].getTTL());
    assertEquals("CcC.leaves.example.", z.node(name("ccc")).name().toString());
    assertEquals(1, z.node(name("dup")).get(Type.A).length);
    assertEquals(2, z.node(name("two")).get(Type.A).length);
    assertTrue(z.node(name("mixed")).has(Type.TXT) && z.node(name("mixed")).has(Type.A));
    assertTrue(z.node(name("wild")).hasWildcard());
    assertTrue(z.node(name("parent")).has(Type.A));
  }

  @Test
  void everyRecordIsKeptOnceAsDnsjavaReadsTheFile() throws Exception {
    Zone z = ZoneFileLoader.load(FILE).zone();
    Set<String> expected = new HashSet<>();
    try (Master m = new Master(new FileInputStream(FILE.toFile()), Name.root)) {
      for (Record r = m.nextRecord(); r != null; r = m.nextRecord()) {
        expected.add(r.toString());
      }
    }
    Set<String> got = new HashSet<>();
    for (Record r : z.records()) {
      assertTrue(got.add(r.toString()), "once: " + r);
    }
    assertEquals(expected, got);
    assertEquals(z.recordCount(), z.records().size());
    assertEquals(expected.size(), z.recordCount());
  }

  /** A zone whose names below the apex are all leaves keeps the builder's arrays: same reads. */
  @Test
  void aZoneOfLeavesOnlyReadsTheSame() throws Exception {
    Name origin = Name.fromString("only.example.");
    ZoneBuilder b = new ZoneBuilder(origin, "only");
    b.add(
        Record.fromString(origin, Type.SOA, 1, 300, "ns.other. h.other. 1 2 3 4 5", origin),
        "o",
        1);
    b.add(Record.fromString(origin, Type.NS, 1, 300, "ns.other.", origin), "o", 2);
    for (int i = 0; i < 300; i++) {
      Name n = Name.fromString("h" + i, origin);
      if (i % 3 != 1) {
        b.add(Record.fromString(n, Type.A, 1, 60 + i, "10.0.1." + (i % 250), origin), "o", 3 + i);
      }
      if (i % 3 != 0) {
        b.add(Record.fromString(n, Type.AAAA, 1, 90, "2001:db8::" + i, origin), "o", 3 + i);
      }
    }
    Zone z = b.build();
    assertEquals(300, z.leaves().count());
    assertEquals(2 + 400, z.recordCount());
    Node h2 = z.node(name("H2.only.example."));
    assertEquals(Type.A, h2.type(0));
    assertEquals(62, h2.get(Type.A)[0].getTTL());
    assertEquals(
        "2001:db8::2",
        ((org.xbill.DNS.AAAARecord) h2.get(Type.AAAA)[0])
            .getAddress()
            .getHostAddress()
            .replace(":0:0:0:0:0:", "::"));
    assertEquals(Type.AAAA, z.node(name("h1.only.example.")).type(0));
    assertNull(z.node(name("h300.only.example.")));
    Set<String> seen = new HashSet<>();
    for (Record r : z.records()) {
      seen.add(r.toString());
    }
    assertEquals(402, seen.size());
  }

  /** A name below a DNAME is never a leaf (occluded: the general path answers with the DNAME). */
  @Test
  void namesBelowADnameAreNodes() throws Exception {
    Zone a = ZoneFileLoader.load(FILE).zone();
    ZoneBuilder b = new ZoneBuilder(a.origin(), "dname");
    for (Record r : a.records()) {
      b.add(r, "dname", 1);
    }
    Name hidden = name("hidden.old");
    b.add(Record.fromString(hidden, Type.A, 1, 300, "198.51.100.17", a.origin()), "dname", 2);
    Zone z = b.build();
    assertTrue(z.nodes().stream().anyMatch(n -> n.name().equals(hidden)), "a node");
    assertTrue(b.warnings().toString().contains("occluded"), b.warnings().toString());
    assertEquals(a.leaves().count(), z.leaves().count());
  }

  @Test
  void sameDataComparesLeavesToo() throws Exception {
    Zone a = ZoneFileLoader.load(FILE).zone();
    Zone b = ZoneFileLoader.load(FILE).zone();
    assertTrue(a.sameData(b));
    ZoneBuilder builder = new ZoneBuilder(a.origin(), "test");
    for (Record r : a.records()) {
      builder.add(
          r.getName().equals(name("bb"))
              ? Record.newRecord(
                  r.getName(), r.getType(), r.getDClass(), 7, r.rdataToWireCanonical())
              : r,
          "test",
          1);
    }
    assertFalse(a.sameData(builder.build()), "a leaf's TTL differs");
  }

  @Test
  void aZoneBuiltFromItsOwnRecordsHasTheSameLeaves() throws Exception {
    Zone a = ZoneFileLoader.load(FILE).zone();
    ZoneBuilder builder = new ZoneBuilder(a.origin(), "again");
    for (Record r : a.records()) {
      builder.add(r, "again", 0);
    }
    Zone b = builder.build();
    assertEquals(a.leaves().count(), b.leaves().count());
    assertTrue(a.sameData(b));
    byte[] out = new byte[4];
    int k = b.leaves().find(name("a").toWire(), 0, 2);
    b.leaves().copyA(k, out, 0);
    assertArrayEquals(new byte[] {(byte) 198, 51, 100, 1}, out);
  }
}
