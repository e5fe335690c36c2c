package dev.meridian.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class TrafficConfigTest {
  private static final Path FILE = Path.of("/etc/meridian/meridian.yaml");
  private static final String REGIONS =
      """
      regions:
        us-east:
          location: {lat: 39.0, lon: -77.5}
          l4: [192.0.2.10, {address: 192.0.2.11, weight: 2}]
          l7: [192.0.2.20, "2001:db8::20"]
        eu-west:
          location: {lat: 53.3, lon: -6.3}
          l7: [198.51.100.20]
      """;

  private static MeridianConfig parse(String yaml) throws ConfigException {
    return ConfigLoader.parse(new StringReader(yaml), FILE);
  }

  private static String error(String yaml) {
    return assertThrows(ConfigException.class, () -> parse(yaml)).getMessage();
  }

  @Test
  void readsRegionsRulesAndServices() throws Exception {
    MeridianConfig c =
        parse(
            REGIONS
                + """
                geo:
                  database: geo/x.mmdb
                  countries: {GB: [eu-west], US-CA: nearest}
                  continents: {EU: [eu-west, us-east]}
                  default: [us-east]
                services:
                  www.example.com: {policy: geo, tier: l7, ttl: 20, max_answers: 2}
                  w.example.com.:
                    policy: weighted
                    endpoints: [{address: 192.0.2.1, weight: 3}, 192.0.2.2]
                  f.example.com: {policy: failover, pools: [[192.0.2.1], [198.51.100.1]]}
                rotate: false
                rotate_zones: {example.org: true}
                """);
    TrafficSpec t = c.traffic();
    assertEquals(2, t.regions().size());
    assertEquals(2, t.regions().get("us-east").tiers().get("l4").endpoints().get(1).weight());
    assertEquals(Path.of("/etc/meridian/geo/x.mmdb"), t.geo().database());
    assertTrue(t.geo().countries().get("US-CA").nearest());
    assertEquals("eu-west", t.geo().countries().get("GB").regions().get(0));
    ServiceSpec www = t.services().get(0);
    assertEquals("www.example.com.", www.name());
    assertEquals(PolicyKind.GEO, www.policy());
    assertEquals(20, www.ttl());
    assertEquals(2, www.maxAnswers());
    assertEquals(150, www.virtualNodes());
    assertEquals("w.example.com.", t.services().get(1).name());
    assertEquals(3, t.services().get(1).endpoints().get(0).weight());
    assertEquals(2, t.services().get(2).pools().size());
    assertFalse(t.rotates("example.com."));
    assertTrue(t.rotates("example.org."));
  }

  @Test
  void errorsNameTheKeyPathAndWhatIsAllowed() {
    String e =
        error(
            REGIONS
                + """
                geo:
                  continents: {EUR: [eu-west]}
                  countries: {GB: [mars]}
                services:
                  www.example.com: {policy: fastest, tier: l7}
                  api.example.com: {policy: geo, tier: l9}
                  w.example.com: {policy: weighted, endpoints: [{address: 192.0.2.1, weight: 0}]}
                  x.example.com: {policy: weighted}
                  y.example.com: {policy: failover, tier: l4, regions: [eu-west]}
                  z.example.com: {policy: sticky, endpoints: [host.example.com]}
                """);
    assertTrue(
        e.contains(
            FILE
                + ":10: geo.continents.EUR: not a continent code; allowed: AF, AN, AS, EU, NA, OC, SA"),
        e);
    assertTrue(
        e.contains(
            FILE
                + ":11: geo.countries.GB[0]: no region 'mars'; allowed: nearest, or regions from us-east, eu-west"),
        e);
    assertTrue(
        e.contains(
            FILE
                + ":13: services.\"www.example.com\".policy: must be one of round-robin, weighted, sticky, failover, geo, nearest, got 'fastest'"),
        e);
    assertTrue(e.contains("services.\"api.example.com\".tier: must be one of l4, l7, got 'l9'"), e);
    assertTrue(e.contains("services.\"api.example.com\".policy: policy geo needs geo.database"), e);
    assertTrue(
        e.contains(
            "services.\"w.example.com\".endpoints[0].weight: must be a whole number 1..1000, got '0'"),
        e);
    assertTrue(
        e.contains(
            "services.\"x.example.com\".endpoints: policy weighted needs a non-empty list of endpoints"),
        e);
    assertTrue(e.contains("services.\"y.example.com\".tier: region eu-west has no l4 tier"), e);
    assertTrue(
        e.contains(
            "services.\"z.example.com\".endpoints[0]: 'host.example.com' is not an IPv4 or IPv6 address"),
        e);
  }

  @Test
  void regionsNeedALocationAndATier() {
    String e = error("regions:\n  lonely: {l4: []}\n");
    assertTrue(e.contains("regions.lonely.location: required: every region needs a location"), e);
    assertTrue(e.contains("regions.lonely.l4: must list at least one endpoint"), e);
  }
}
