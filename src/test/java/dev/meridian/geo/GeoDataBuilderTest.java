package dev.meridian.geo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.maxmind.db.Reader;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GeoDataBuilderTest {
  @TempDir Path dir;

  @Test
  void buildsAndVerifiesADatabaseFromTorStyleRanges() throws Exception {
    Path zoneTab = dir.resolve("zone.tab");
    Files.writeString(
        zoneTab,
        "# comment\nGB\t+513030-0000731\tEurope/London\nUS\t+404251-0740023\tAmerica/New_York\n"
            + "US\t+340308-1181434\tAmerica/Los_Angeles\nBR\t-2332-04637\tAmerica/Sao_Paulo\n");
    Path v4 = dir.resolve("geoip");
    // 81.2.69.0-81.2.69.255 GB, 8.8.8.0-8.8.8.255 US, an unknown range, an EU-only range
    Files.writeString(
        v4,
        "# header\n1359103232,1359103487,GB\n134744064,134744319,US\n"
            + "16777216,16777471,??\n3232235520,3232235775,EU\n");
    Path v6 = dir.resolve("geoip6");
    Files.writeString(v6, "2001:db8::,2001:db8:ffff:ffff:ffff:ffff:ffff:ffff,BR\n");
    GeoDataBuilder.Report r = GeoDataBuilder.build(zoneTab, v4, v6, dir.resolve("out"), 1);
    assertEquals(4, r.ranges(), "?? is left out");
    assertEquals(4, r.verified());
    String csv = Files.readString(dir.resolve("out/countries.csv"));
    assertTrue(csv.contains("US,NA,37.38,-96.12"), "mean of the reference cities: " + csv);
    assertTrue(csv.contains("BR,SA,"), csv);
    try (Reader reader = new Reader(dir.resolve("out/meridian-country.mmdb").toFile())) {
      Map<?, ?> gb = reader.get(InetAddress.getByName("81.2.69.142"), Map.class);
      assertEquals(Map.of("iso_code", "GB"), gb.get("country"));
      Map<?, ?> eu = reader.get(InetAddress.getByName("192.168.0.1"), Map.class);
      assertEquals(Map.of("code", "EU"), eu.get("continent"));
      assertNull(eu.get("country"), "EU is a continent, not a country");
      assertNull(reader.get(InetAddress.getByName("1.0.0.1"), Map.class));
    }
  }

  @Test
  void splitsRangesIntoTheFewestCidrBlocks() {
    List<Object[]> c = GeoDataBuilder.cidrs(BigInteger.valueOf(10), BigInteger.valueOf(20), 32);
    assertEquals(
        List.of("10/31", "12/30", "16/30", "20/32"),
        c.stream().map(x -> x[0] + "/" + x[1]).toList());
    assertEquals(
        1,
        GeoDataBuilder.cidrs(BigInteger.ZERO, BigInteger.TWO.pow(32).subtract(BigInteger.ONE), 32)
            .size());
  }

  @Test
  void readsIso6709Coordinates() {
    double[] ll = GeoDataBuilder.isoCoordinates("-2332-04637");
    assertEquals(-23.533, ll[0], 0.01);
    assertEquals(-46.617, ll[1], 0.01);
    double[] ny = GeoDataBuilder.isoCoordinates("+404251-0740023");
    assertEquals(40.714, ny[0], 0.01);
    assertEquals(-74.006, ny[1], 0.01);
  }
}
