package dev.meridian.engine;

import dev.meridian.config.AnyMode;
import dev.meridian.config.CheckSpec;
import dev.meridian.config.ConfigException;
import dev.meridian.config.EndpointSpec;
import dev.meridian.config.MeridianConfig;
import dev.meridian.config.PolicyKind;
import dev.meridian.config.RegionSpec;
import dev.meridian.config.RouteSpec;
import dev.meridian.config.ServiceSpec;
import dev.meridian.config.TierSpec;
import dev.meridian.config.TrafficSpec;
import dev.meridian.geo.GeoLocator;
import dev.meridian.health.Check;
import dev.meridian.health.HealthTable;
import dev.meridian.health.Target;
import dev.meridian.policy.Endpoint;
import dev.meridian.policy.FailoverPolicy;
import dev.meridian.policy.GeoPolicy;
import dev.meridian.policy.GeoRules;
import dev.meridian.policy.Region;
import dev.meridian.policy.RoundRobinPolicy;
import dev.meridian.policy.StickyPolicy;
import dev.meridian.policy.TrafficPolicy;
import dev.meridian.policy.WeightedPolicy;
import dev.meridian.zone.LookupOptions;
import dev.meridian.zone.Node;
import dev.meridian.zone.Zone;
import dev.meridian.zone.ZoneIndex;
import java.net.Inet4Address;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * Decides everything at load: turns configuration, zones and a geo locator into a {@link Snapshot}
 * with policies, hash rings and answer records built. Confined to the loading thread.
 */
public final class SnapshotBuilder {
  private final List<String> warnings = new ArrayList<>();
  private final Map<String, Integer> healthKeys = new HashMap<>();
  private final List<Target> targets = new ArrayList<>();
  private final Map<Integer, Set<String>> regionsOf = new HashMap<>();
  private final AnswerCounts answerCounts;

  /** A builder whose services count their answers in {@code answerCounts}. */
  public SnapshotBuilder(AnswerCounts answerCounts) {
    this.answerCounts = answerCounts;
  }

  /** A builder with counters of its own (tests, offline commands). */
  public SnapshotBuilder() {
    this(new AnswerCounts());
  }

  private GeoLocator geo = GeoLocator.NONE;

  /** Builds the snapshot, or reports every service problem with file, line and key path. */
  public Snapshot build(MeridianConfig config, List<Zone> zones, GeoLocator geo, long generation)
      throws ConfigException {
    this.geo = geo;
    ZoneIndex index = new ZoneIndex(zones);
    TrafficSpec traffic = config.traffic();
    List<String> problems = new ArrayList<>();
    Map<Name, Service> services = new HashMap<>();
    for (ServiceSpec spec : traffic.services()) {
      Service s = service(spec, traffic, index, problems);
      if (s != null) {
        services.put(s.name(), s);
      }
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    Map<Name, Boolean> rotateZones = new HashMap<>();
    for (var e : traffic.rotateZones().entrySet()) {
      rotateZones.put(name(e.getKey()), e.getValue());
    }
    LookupOptions options =
        new LookupOptions(
            config.anyMode() == AnyMode.MINIMAL,
            config.minimalResponses(),
            traffic.rotate(),
            rotateZones);
    List<Target> all = new ArrayList<>();
    for (Target t : targets) {
      all.add(
          new Target(
              t.index(), t.address(), regionsOf.getOrDefault(t.index(), Set.of()), t.check()));
    }
    PolicyTable policies = new PolicyTable(services);
    HealthTable health = HealthTable.initial(generation, all);
    FastAnswers fast =
        FastAnswers.build(index, options, policies.managed(), null)
            .withServices(index, options, policies, health);
    return new Snapshot(index, config, options, policies, geo, health, all, generation, fast);
  }

  /** Things worth a log line that do not stop the load. */
  public List<String> warnings() {
    return List.copyOf(warnings);
  }

  private Service service(
      ServiceSpec spec, TrafficSpec traffic, ZoneIndex index, List<String> problems) {
    Name name = name(spec.name());
    String at = spec.line() + ": services.\"" + spec.name() + "\"";
    Zone zone = index.find(name);
    if (zone == null) {
      List<String> apexes = new ArrayList<>();
      zone = null;
      for (Zone z : index.zones()) {
        apexes.add(z.origin().toString());
      }
      problems.add(at + ": not inside any loaded zone; loaded: " + String.join(", ", apexes));
      return null;
    }
    Node node = zone.node(name);
    if (node != null && node.isCname()) {
      problems.add(
          at + ": the zone has a CNAME at this name; a service needs A/AAAA records instead");
      return null;
    }
    if (node == null || !(node.has(Type.A) || node.has(Type.AAAA))) {
      warnings.add(
          at
              + ": no A or AAAA records in zone "
              + zone.origin()
              + " to fall back on when the policy yields nothing");
    }
    long ttl = spec.ttl();
    if (spec.policy() == PolicyKind.ROUND_ROBIN && spec.endpoints().isEmpty()) {
      List<EndpointSpec> fromZone = new ArrayList<>();
      CheckSpec check = spec.check() == null ? CheckSpec.NONE : spec.check();
      for (int type : new int[] {Type.A, Type.AAAA}) {
        Record[] set = node == null ? null : node.get(type);
        for (int i = 0; set != null && i < set.length; i++) {
          fromZone.add(new EndpointSpec(address(set[i]), 1, check, false));
          ttl = spec.ttlSet() ? ttl : set[i].getTTL();
        }
      }
      if (fromZone.isEmpty()) {
        problems.add(
            at
                + ": round-robin without endpoints takes the zone's A/AAAA records, and "
                + zone.origin()
                + " has none at this name");
        return null;
      }
      spec = withEndpoints(spec, fromZone);
    }
    List<Endpoint> all = new ArrayList<>();
    TrafficPolicy policy = policy(spec, traffic, all);
    Record[] records = new Record[all.size()];
    Record[] degraded = new Record[all.size()];
    for (Endpoint e : all) {
      records[e.slot()] = address(name, ttl, e);
      degraded[e.slot()] = address(name, Math.min(ttl, spec.degradedTtl()), e);
    }
    java.util.concurrent.atomic.LongAdder[] answered =
        new java.util.concurrent.atomic.LongAdder[all.size()];
    for (Endpoint e : all) {
      answered[e.slot()] = answerCounts.counter(name.toString(), e.address().getHostAddress());
    }
    return new Service(name, spec, policy, records, degraded, all, answered);
  }

  private static Record address(Name name, long ttl, Endpoint e) {
    return e.address() instanceof Inet4Address
        ? new ARecord(name, DClass.IN, ttl, e.address())
        : new AAAARecord(name, DClass.IN, ttl, e.address());
  }

  private static java.net.InetAddress address(Record r) {
    return r instanceof ARecord a ? a.getAddress() : ((AAAARecord) r).getAddress();
  }

  private static ServiceSpec withEndpoints(ServiceSpec s, List<EndpointSpec> endpoints) {
    return new ServiceSpec(
        s.name(),
        s.policy(),
        s.tier(),
        endpoints,
        s.regions(),
        s.pools(),
        s.ttl(),
        s.maxAnswers(),
        s.virtualNodes(),
        s.line(),
        s.check(),
        s.whenAllDown(),
        s.degradedTtl(),
        s.ttlSet());
  }

  private TrafficPolicy policy(ServiceSpec spec, TrafficSpec traffic, List<Endpoint> all) {
    int max = spec.maxAnswers();
    CheckSpec svc = spec.check();
    return switch (spec.policy()) {
      case ROUND_ROBIN -> new RoundRobinPolicy(endpoints(spec.endpoints(), all, null, null), max);
      case WEIGHTED -> new WeightedPolicy(endpoints(spec.endpoints(), all, null, null), max);
      case STICKY ->
          new StickyPolicy(endpoints(spec.endpoints(), all, null, null), max, spec.virtualNodes());
      case FAILOVER -> failover(spec, traffic, all);
      case GEO, NEAREST -> {
        List<Region> regions = new ArrayList<>();
        for (RegionSpec r : traffic.regions().values()) {
          TierSpec tier = r.tiers().get(spec.tier());
          List<EndpointSpec> eps = tier == null ? List.of() : tier.endpoints();
          regions.add(
              new Region(
                  r.name(),
                  r.latitude(),
                  r.longitude(),
                  endpoints(eps, all, svc, r.name()),
                  tier == null ? 0.5 : tier.minUp()));
        }
        GeoRules rules = spec.policy() == PolicyKind.GEO ? rules(traffic) : null;
        yield new GeoPolicy(
            regions, rules, max, RouteCache.get(geo, regions, rules, traffic.geo()));
      }
    };
  }

  private TrafficPolicy failover(ServiceSpec spec, TrafficSpec traffic, List<Endpoint> all) {
    List<List<Endpoint>> groups = new ArrayList<>();
    List<String> names = new ArrayList<>();
    List<Double> minUp = new ArrayList<>();
    if (!spec.pools().isEmpty()) {
      for (int i = 0; i < spec.pools().size(); i++) {
        groups.add(endpoints(spec.pools().get(i), all, null, null));
        names.add("pool " + (i + 1));
        minUp.add(0.0); // a pool answers while any member lives
      }
    } else {
      for (String r : spec.regions()) {
        TierSpec tier = traffic.regions().get(r).tiers().get(spec.tier());
        groups.add(endpoints(tier.endpoints(), all, spec.check(), r));
        names.add("region " + r);
        minUp.add(tier.minUp());
      }
    }
    return new FailoverPolicy(groups, names, minUp, spec.maxAnswers());
  }

  /**
   * Endpoints for one service, each with the health index of its (address, check): one probe per
   * distinct pair, however many services share it.
   */
  private List<Endpoint> endpoints(
      List<EndpointSpec> specs, List<Endpoint> all, CheckSpec serviceCheck, String region) {
    List<Endpoint> out = new ArrayList<>();
    for (EndpointSpec s0 : specs) {
      EndpointSpec s = s0.withServiceCheck(serviceCheck);
      Check check = check(s);
      String address = s.address().getHostAddress();
      String key = address + "|" + check;
      Integer index = healthKeys.get(key);
      if (index == null) {
        index = targets.size();
        healthKeys.put(key, index);
        targets.add(new Target(index, address, Set.of(), check));
      }
      if (region != null) {
        regionsOf.computeIfAbsent(index, k -> new java.util.TreeSet<>()).add(region);
      }
      Endpoint e = new Endpoint(s.address(), s.weight(), index, all.size());
      all.add(e);
      out.add(e);
    }
    return out;
  }

  /** The health package's form of a check; null for none. */
  static Check check(EndpointSpec e) {
    CheckSpec c = e.check();
    if (c.isNone()) {
      return null;
    }
    Check.Kind kind =
        switch (c.type()) {
          case "tcp" -> Check.Kind.TCP;
          case "https" -> Check.Kind.HTTPS;
          default -> Check.Kind.HTTP;
        };
    return new Check(
        kind,
        new java.net.InetSocketAddress(e.address(), c.port()),
        c.path(),
        c.expectStatus(),
        c.bodyContains(),
        c.host(),
        c.tlsServerName(),
        c.tlsVerify(),
        c.interval().toMillis(),
        c.timeout().toMillis(),
        c.fall(),
        c.rise(),
        c.startUp());
  }

  private static GeoRules rules(TrafficSpec traffic) {
    List<String> order = new ArrayList<>(traffic.regions().keySet());
    Map<String, int[]> countries = new HashMap<>();
    traffic.geo().countries().forEach((k, v) -> countries.put(k, indexes(v, order)));
    Map<String, int[]> continents = new HashMap<>();
    traffic.geo().continents().forEach((k, v) -> continents.put(k, indexes(v, order)));
    return new GeoRules(countries, continents, indexes(traffic.geo().fallback(), order));
  }

  private static int[] indexes(RouteSpec route, List<String> order) {
    if (route.nearest()) {
      return null;
    }
    int[] out = new int[route.regions().size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = order.indexOf(route.regions().get(i));
    }
    return out;
  }

  private static Name name(String absolute) {
    try {
      return Name.fromString(absolute);
    } catch (TextParseException e) {
      throw new IllegalArgumentException("not a domain name: " + absolute, e);
    }
  }
}
