package dev.meridian.geo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class MaxMindLocatorTest {
  static final Path TEST_DATA = Path.of("src/test/resources/geoip-test");
  static final Path SHIPPED = Path.of("geo-data/meridian-country.mmdb");

  private static Path testDb(String name) {
    return TEST_DATA.resolve(name);
  }

  @Test
  void readsMaxMindsPublishedCityTestDatabase() throws Exception {
    try (MaxMindLocator l =
        MaxMindLocator.open(testDb("GeoIP2-City-Test.mmdb"), CountryTable.bundled())) {
      Location london = l.locate(InetAddress.getByName("81.2.69.142"));
      assertEquals("GB", london.country());
      assertEquals("EU", london.continent());
      assertEquals("ENG", london.subdivision());
      assertEquals(51.5142, london.latitude(), 0.01);
      assertEquals(-0.0931, london.longitude(), 0.01);
      assertTrue(london.prefix() >= 16 && london.prefix() <= 32, london.network());
    }
  }

  @Test
  void readsMaxMindsCountryTestDatabasesAndFillsCoordinatesFromTheTable() throws Exception {
    for (String db : new String[] {"GeoIP2-Country-Test.mmdb", "GeoLite2-Country-Test.mmdb"}) {
      try (MaxMindLocator l = MaxMindLocator.open(testDb(db), CountryTable.bundled())) {
        Location gb = l.locate(InetAddress.getByName("81.2.69.142"));
        assertEquals("GB", gb.country(), db);
        assertTrue(gb.hasCoordinates(), "country centroid from the table");
        Location none = l.locate(InetAddress.getByName("127.0.0.1"));
        assertNull(none.country());
        assertFalse(none.hasCoordinates());
      }
    }
  }

  @Test
  void shippedDatabaseLocatesIpv4AndIpv6Clients() throws Exception {
    try (MaxMindLocator l = MaxMindLocator.open(SHIPPED, CountryTable.bundled())) {
      assertEquals("GB", l.locate(InetAddress.getByName("81.2.69.142")).country());
      assertEquals("NA", l.locate(InetAddress.getByName("8.8.8.8")).continent());
      assertEquals("AS", l.locate(InetAddress.getByName("1.0.16.1")).continent());
      Location v6 = l.locate(InetAddress.getByName("2a00:1450:4001::1"));
      assertTrue(v6.country() != null && v6.prefix() > 0 && v6.prefix() <= 128, v6.describe());
      Location loopback = l.locate(InetAddress.getByName("127.0.0.1"));
      assertNull(loopback.country(), "loopback is nowhere");
    }
  }

  @Test
  void countryTableCoversEveryIsoCountryWithAContinent() {
    CountryTable t = CountryTable.bundled();
    assertTrue(t.size() >= 245, "countries: " + t.size());
    assertEquals("EU", t.get("GB").continent());
    assertEquals("SA", t.get("BR").continent());
    assertEquals("NA", t.get("US").continent());
    assertEquals("OC", t.get("AU").continent());
    assertEquals("AF", t.get("ZA").continent());
    assertEquals("AS", t.get("JP").continent());
    assertEquals("AN", t.get("AQ").continent());
  }
}
