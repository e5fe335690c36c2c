package dev.meridian.geo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.maxmind.db.DatabaseRecord;
import com.maxmind.db.Reader;
import com.maxmind.geoip2.DatabaseReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Our writer's files, read back with MaxMind's official readers. */
@SuppressWarnings("rawtypes") // the official reader decodes to a raw Map
class MmdbWriterTest {
  @TempDir Path dir;

  private static Map<String, Object> country(String cc, String continent) {
    return Map.of("country", Map.of("iso_code", cc), "continent", Map.of("code", continent));
  }

  private Path write(MmdbWriter w) throws Exception {
    Path f = dir.resolve("test.mmdb");
    try (OutputStream out = Files.newOutputStream(f)) {
      w.write(out, "Test-Country", "test data", 1_700_000_000L);
    }
    return f;
  }

  @Test
  void officialReadersFindWhatWasWrittenWithItsNetwork() throws Exception {
    MmdbWriter w = new MmdbWriter();
    w.insert(InetAddress.getByName("81.2.69.0"), 24, country("GB", "EU"));
    w.insert(InetAddress.getByName("2001:db8::"), 32, country("JP", "AS"));
    w.insert(InetAddress.getByName("192.0.2.0"), 24, country("US", "NA"));
    w.insert(InetAddress.getByName("192.0.2.128"), 25, country("CA", "NA")); // splits the /24
    Path f = write(w);
    try (Reader r = new Reader(f.toFile())) {
      assertEquals("Test-Country", r.getMetadata().databaseType());
      assertEquals(6, r.getMetadata().ipVersion());
      DatabaseRecord<?> gb = r.getRecord(InetAddress.getByName("81.2.69.142"), Map.class);
      assertEquals(country("GB", "EU"), gb.data());
      assertEquals(24, gb.network().prefixLength(), "IPv4 prefixes are reported as IPv4");
      DatabaseRecord<?> jp = r.getRecord(InetAddress.getByName("2001:db8:ffff::1"), Map.class);
      assertEquals(country("JP", "AS"), jp.data());
      assertEquals(32, jp.network().prefixLength());
      assertEquals(country("US", "NA"), r.get(InetAddress.getByName("192.0.2.1"), Map.class));
      DatabaseRecord<?> ca = r.getRecord(InetAddress.getByName("192.0.2.200"), Map.class);
      assertEquals(country("CA", "NA"), ca.data());
      assertEquals(25, ca.network().prefixLength());
      DatabaseRecord<?> none = r.getRecord(InetAddress.getByName("8.8.8.8"), Map.class);
      assertNull(none.data());
      assertTrue(none.network().prefixLength() <= 8, "empty space reports a wide network");
    }
    try (DatabaseReader geoip2 = new DatabaseReader.Builder(f.toFile()).build()) {
      assertEquals("GB", geoip2.country(InetAddress.getByName("81.2.69.1")).country().isoCode());
      assertEquals("AS", geoip2.country(InetAddress.getByName("2001:db8::9")).continent().code());
    }
  }

  @Test
  void siblingsWithTheSameDataMergeIntoTheWiderNetwork() throws Exception {
    MmdbWriter w = new MmdbWriter();
    w.insert(InetAddress.getByName("10.0.0.0"), 25, country("GB", "EU"));
    w.insert(InetAddress.getByName("10.0.0.128"), 25, country("GB", "EU"));
    w.insert(InetAddress.getByName("10.0.1.0"), 24, country("GB", "EU"));
    w.insert(InetAddress.getByName("10.0.2.0"), 24, country("FR", "EU"));
    assertEquals(2, w.distinctValues(), "data written once per distinct value");
    try (Reader r = new Reader(write(w).toFile())) {
      assertEquals(
          23, r.getRecord(InetAddress.getByName("10.0.0.5"), Map.class).network().prefixLength());
      assertEquals(
          24, r.getRecord(InetAddress.getByName("10.0.2.5"), Map.class).network().prefixLength());
    }
  }

  @Test
  void encodesEveryTypeTheReadersDecode() throws Exception {
    MmdbWriter w = new MmdbWriter();
    Map<String, Object> v =
        Map.of(
            "location", Map.of("latitude", 51.5142, "longitude", -0.0931),
            "names", List.of("a", "b"),
            "count", 70000L,
            "flag", true,
            "long", "x".repeat(300));
    w.insert(InetAddress.getByName("203.0.113.0"), 24, v);
    try (Reader r = new Reader(write(w).toFile())) {
      Map<?, ?> got = r.get(InetAddress.getByName("203.0.113.9"), Map.class);
      assertEquals(51.5142, (Double) ((Map<?, ?>) got.get("location")).get("latitude"), 1e-9);
      assertEquals(List.of("a", "b"), got.get("names"));
      assertEquals(70000L, ((Number) got.get("count")).longValue());
      assertEquals(true, got.get("flag"));
      assertEquals(300, ((String) got.get("long")).length());
    }
  }
}
