package dev.meridian.config;

import dev.meridian.config.ConfigReader.Field;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Reads the {@code regions}, {@code geo}, {@code services} and {@code rotate} keys. */
final class TrafficParser {
  /** The tiers a region may have, as YAML writes them. */
  enum Tier {
    L4,
    L7
  }

  private static final Set<String> CONTINENTS = Set.of("AF", "AN", "AS", "EU", "NA", "OC", "SA");

  private TrafficParser() {}

  static TrafficSpec parse(ConfigReader root, Path base) {
    Map<String, RegionSpec> regions = regions(root);
    GeoSpec geo = geo(root.child("geo"), base, regions);
    List<ServiceSpec> services = new ArrayList<>();
    ConfigReader svc = root.child("services");
    for (String name : svc.keys()) {
      ServiceSpec spec = service(svc, name, regions, geo);
      if (spec != null) {
        services.add(spec);
      }
    }
    HealthSpec health =
        root.child("health")
            .record(
                HealthSpec.class,
                Field.duration(
                    "publish_interval",
                    Duration.ZERO,
                    Duration.ofSeconds(10),
                    Duration.ofMillis(100)),
                new Field<>(
                    "state_file",
                    (r, k) -> base.resolve(r.string(k, "meridian.state")).normalize()));
    boolean rotate = root.bool("rotate", true);
    Map<String, Boolean> rotateZones = new HashMap<>();
    ConfigReader rz = root.child("rotate_zones");
    for (String zone : rz.keys()) {
      rotateZones.put(absolute(zone), rz.bool(zone, true));
    }
    return new TrafficSpec(regions, geo, services, rotate, rotateZones, health);
  }

  static String absolute(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return n.endsWith(".") ? n : n + ".";
  }

  private static Map<String, RegionSpec> regions(ConfigReader root) {
    Map<String, RegionSpec> out = new LinkedHashMap<>();
    ConfigReader all = root.child("regions");
    for (String name : all.keys()) {
      ConfigReader r = all.childQuoted(name);
      r.allowOnly("location", "l4", "l7");
      ConfigReader loc = r.child("location");
      loc.allowOnly("lat", "lon");
      r.require("location", "every region needs a location {lat: DEGREES, lon: DEGREES}");
      double lat = loc.doubleIn("lat", -90, 90, 0);
      double lon = loc.doubleIn("lon", -180, 180, 0);
      Map<String, TierSpec> tiers = new HashMap<>();
      for (Tier t : Tier.values()) {
        String tier = ConfigReader.yamlName(t);
        if (r.has(tier)) {
          tiers.put(tier, tier(r, tier));
        }
      }
      if (tiers.isEmpty()) {
        r.problem(all.line(name), r.path(), "a region needs an l4 or an l7 tier of endpoints");
      }
      out.put(name, new RegionSpec(name, lat, lon, tiers));
    }
    return out;
  }

  /** A tier: a list of endpoints, or {@code {endpoints: [...], check: {...}, min_up: 0.5}}. */
  private static TierSpec tier(ConfigReader region, String tier) {
    CheckSpec dflt = tier.equals("l4") ? CheckSpec.tcpDefault() : CheckSpec.httpDefault();
    List<EndpointSpec> eps;
    double minUp = 0.5;
    if (region.raw(tier) instanceof YamlNode.Mapping) {
      ConfigReader t = region.child(tier);
      t.allowOnly("endpoints", "check", "min_up");
      CheckSpec check = CheckParser.parse(t, "check", dflt);
      eps = t.has("endpoints") ? endpoints(t, "endpoints", check) : List.of();
      minUp = t.doubleIn("min_up", 0.0, 1.0, 0.5);
    } else {
      eps = endpoints(region, tier, dflt);
    }
    if (eps.isEmpty()) {
      region.problem(tier, "must list at least one endpoint");
    }
    return new TierSpec(eps, minUp);
  }

  /**
   * A list of endpoints: each an address, or {@code {address: A, weight: W, check: {...}}}; {@code
   * inherited} is the check of those without their own.
   */
  static List<EndpointSpec> endpoints(ConfigReader parent, String key, CheckSpec inherited) {
    List<EndpointSpec> out = new ArrayList<>();
    YamlNode raw = parent.raw(key);
    String path = parent.key(key);
    if (!(raw instanceof YamlNode.Sequence seq)) {
      parent.problem(key, "must be a list of endpoints: addresses, or {address: A, weight: W}");
      return out;
    }
    for (int i = 0; i < seq.items().size(); i++) {
      YamlNode item = seq.items().get(i);
      String at = path + "[" + i + "]";
      String address;
      int weight = 1;
      CheckSpec check = inherited;
      boolean own = false;
      int line = item.line();
      if (item instanceof YamlNode.Scalar s && s.text() != null) {
        address = s.text();
      } else {
        ConfigReader m = parent.at(at, item);
        m.allowOnly("address", "weight", "check");
        address = m.string("address", null);
        weight = m.intIn("weight", 1, 1000, 1);
        own = m.has("check");
        check = CheckParser.parse(m, "check", inherited);
        if (!m.require("address", "an IPv4 or IPv6 address") || address == null) {
          continue;
        }
      }
      try {
        out.add(new EndpointSpec(Cidr.parseLiteral(address.trim()), weight, check, own));
      } catch (ConfigException e) {
        parent.problem(line, at, e.getMessage());
      }
    }
    return out;
  }

  private static GeoSpec geo(ConfigReader g, Path base, Map<String, RegionSpec> regions) {
    g.allowOnly("database", "countries", "continents", "default");
    String db = g.string("database", null);
    Map<String, RouteSpec> countries = new HashMap<>();
    ConfigReader cs = g.child("countries");
    for (String code : cs.keys()) {
      if (!code.matches("[A-Z]{2}(-[A-Z0-9]{1,3})?")) {
        cs.problem(
            code,
            "not a country code; allowed: ISO 3166-1 alpha-2 such as GB, or a subdivision such as US-CA");
      }
      countries.put(code, route(cs, code, regions));
    }
    Map<String, RouteSpec> continents = new HashMap<>();
    ConfigReader ct = g.child("continents");
    for (String code : ct.keys()) {
      if (!CONTINENTS.contains(code)) {
        ct.problem(
            code, "not a continent code; allowed: " + String.join(", ", new TreeSet<>(CONTINENTS)));
      }
      continents.put(code, route(ct, code, regions));
    }
    RouteSpec fallback = g.has("default") ? route(g, "default", regions) : RouteSpec.NEAREST;
    return new GeoSpec(
        db == null ? null : base.resolve(db).normalize(), countries, continents, fallback);
  }

  /** {@code nearest}, or a list of region names. */
  private static RouteSpec route(ConfigReader parent, String key, Map<String, RegionSpec> regions) {
    YamlNode raw = parent.raw(key);
    if (raw instanceof YamlNode.Scalar s && "nearest".equals(s.text())) {
      return RouteSpec.NEAREST;
    }
    List<String> names = new ArrayList<>();
    for (ConfigReader.Item item : parent.strings(key, List.of())) {
      if (!regions.containsKey(item.text())) {
        parent.problem(
            item,
            "no region '"
                + item.text()
                + "'; allowed: nearest, or regions from "
                + String.join(", ", regions.keySet()));
      }
      names.add(item.text());
    }
    if (names.isEmpty()) {
      parent.problem(key, "must be nearest or a list of regions");
    }
    return new RouteSpec(false, names);
  }

  private static ServiceSpec service(
      ConfigReader all, String name, Map<String, RegionSpec> regions, GeoSpec geo) {
    ConfigReader s = all.childQuoted(name);
    s.allowOnly(
        "policy",
        "tier",
        "endpoints",
        "regions",
        "pools",
        "ttl",
        "max_answers",
        "virtual_nodes",
        "check",
        "when_all_down",
        "degraded_ttl");
    String where = s.file() + ":" + all.line(name);
    PolicyKind kind = s.choice("policy", PolicyKind.class, null);
    if (kind == null) {
      s.require("policy", "one of " + ConfigReader.allowed(PolicyKind.class));
      return null; // nothing else about this service can be judged without its policy
    }
    boolean ttlSet = s.has("ttl");
    long ttl = s.intIn("ttl", 0, 86_400, 30);
    long degradedTtl = s.intIn("degraded_ttl", 0, 86_400, (int) Math.min(ttl, 10));
    WhenAllDown whenAllDown = s.choice("when_all_down", WhenAllDown.class, WhenAllDown.FAIL_OPEN);
    CheckSpec check = s.has("check") ? CheckParser.parse(s, "check", CheckSpec.NONE) : null;
    CheckSpec poolCheck = check == null ? CheckSpec.NONE : check;
    int max = s.intIn("max_answers", 1, 64, 8);
    int vnodes = s.intIn("virtual_nodes", 1, 1000, 150);
    Tier tierKind = s.choice("tier", Tier.class, null);
    String tier = tierKind == null ? null : ConfigReader.yamlName(tierKind);
    List<EndpointSpec> endpoints =
        s.has("endpoints") ? endpoints(s, "endpoints", poolCheck) : List.of();
    List<String> regionNames = new ArrayList<>();
    for (ConfigReader.Item item : s.strings("regions", List.of())) {
      if (!regions.containsKey(item.text())) {
        s.problem(
            item,
            "no region '" + item.text() + "'; allowed: " + String.join(", ", regions.keySet()));
      }
      regionNames.add(item.text());
    }
    List<List<EndpointSpec>> pools = new ArrayList<>();
    if (s.raw("pools") instanceof YamlNode.Sequence seq) {
      for (int i = 0; i < seq.items().size(); i++) {
        ConfigReader holder =
            s.at(
                s.key("pools") + "[" + i + "]",
                new YamlNode.Mapping(
                    Map.of("endpoints", seq.items().get(i)), seq.items().get(i).line()));
        pools.add(endpoints(holder, "endpoints", poolCheck));
      }
    } else if (s.has("pools")) {
      s.problem("pools", "must be a list of endpoint lists");
    }
    boolean byTier =
        kind == PolicyKind.GEO
            || kind == PolicyKind.NEAREST
            || (kind == PolicyKind.FAILOVER && pools.isEmpty());
    if (byTier) {
      if (tier == null) {
        s.require(
            "tier",
            "policy "
                + kind.key()
                + " draws from a region tier: "
                + ConfigReader.allowed(Tier.class));
      } else {
        checkTier(
            s,
            tier,
            kind == PolicyKind.FAILOVER ? regionNames : List.copyOf(regions.keySet()),
            regions);
      }
      if ((kind == PolicyKind.GEO || kind == PolicyKind.NEAREST) && geo.database() == null) {
        s.problem("policy", "policy " + kind.key() + " needs geo.database (a MaxMind-format file)");
      }
      if (kind == PolicyKind.FAILOVER && regionNames.isEmpty()) {
        s.problem(
            s.line("policy"),
            s.key("regions"),
            "failover needs regions (with tier) or pools, in order of preference");
      }
    } else if (endpoints.isEmpty()
        && kind != PolicyKind.FAILOVER
        && kind != PolicyKind.ROUND_ROBIN) {
      s.problem(
          s.line("policy"),
          s.key("endpoints"),
          "policy " + kind.key() + " needs a non-empty list of endpoints");
    }
    return new ServiceSpec(
        absolute(name),
        kind,
        tier,
        endpoints,
        regionNames,
        pools,
        ttl,
        max,
        vnodes,
        where,
        check,
        whenAllDown,
        degradedTtl,
        ttlSet);
  }

  private static void checkTier(
      ConfigReader s, String tier, List<String> names, Map<String, RegionSpec> regions) {
    for (String r : names) {
      RegionSpec region = regions.get(r);
      if (region != null && !region.tiers().containsKey(tier)) {
        s.problem(
            "tier", "region " + r + " has no " + tier + " tier; give it one or use another tier");
      }
    }
  }
}
