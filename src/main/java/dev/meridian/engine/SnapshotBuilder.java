package dev.meridian.engine;

import dev.meridian.config.AnyMode;
import dev.meridian.config.ConfigException;
import dev.meridian.config.EndpointSpec;
import dev.meridian.config.MeridianConfig;
import dev.meridian.config.PolicyKind;
import dev.meridian.config.RegionSpec;
import dev.meridian.config.RouteSpec;
import dev.meridian.config.ServiceSpec;
import dev.meridian.config.TrafficSpec;
import dev.meridian.geo.GeoLocator;
import dev.meridian.health.HealthView;
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
  private int healthIndex;

  /** Builds the snapshot, or reports every service problem with file, line and key path. */
  public Snapshot build(MeridianConfig config, List<Zone> zones, GeoLocator geo, long generation)
      throws ConfigException {
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
    return new Snapshot(
        index, config, options, new PolicyTable(services), geo, HealthView.ALL_UP, generation);
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
    List<Endpoint> all = new ArrayList<>();
    TrafficPolicy policy = policy(spec, traffic, all);
    Record[] records = new Record[all.size()];
    for (Endpoint e : all) {
      records[e.slot()] =
          e.address() instanceof Inet4Address
              ? new ARecord(name, DClass.IN, spec.ttl(), e.address())
              : new AAAARecord(name, DClass.IN, spec.ttl(), e.address());
    }
    return new Service(name, spec, policy, records);
  }

  private TrafficPolicy policy(ServiceSpec spec, TrafficSpec traffic, List<Endpoint> all) {
    int max = spec.maxAnswers();
    return switch (spec.policy()) {
      case ROUND_ROBIN -> new RoundRobinPolicy(endpoints(spec.endpoints(), all), max);
      case WEIGHTED -> new WeightedPolicy(endpoints(spec.endpoints(), all), max);
      case STICKY -> new StickyPolicy(endpoints(spec.endpoints(), all), max, spec.virtualNodes());
      case FAILOVER -> failover(spec, traffic, all);
      case GEO, NEAREST -> {
        List<Region> regions = new ArrayList<>();
        for (RegionSpec r : traffic.regions().values()) {
          List<EndpointSpec> tier = r.tiers().getOrDefault(spec.tier(), List.of());
          regions.add(new Region(r.name(), r.latitude(), r.longitude(), endpoints(tier, all)));
        }
        GeoRules rules = spec.policy() == PolicyKind.GEO ? rules(traffic) : null;
        yield new GeoPolicy(regions, rules, max);
      }
    };
  }

  private TrafficPolicy failover(ServiceSpec spec, TrafficSpec traffic, List<Endpoint> all) {
    List<List<Endpoint>> groups = new ArrayList<>();
    List<String> names = new ArrayList<>();
    if (!spec.pools().isEmpty()) {
      for (int i = 0; i < spec.pools().size(); i++) {
        groups.add(endpoints(spec.pools().get(i), all));
        names.add("pool " + (i + 1));
      }
    } else {
      for (String r : spec.regions()) {
        groups.add(endpoints(traffic.regions().get(r).tiers().get(spec.tier()), all));
        names.add("region " + r);
      }
    }
    return new FailoverPolicy(groups, names, spec.maxAnswers());
  }

  private List<Endpoint> endpoints(List<EndpointSpec> specs, List<Endpoint> all) {
    List<Endpoint> out = new ArrayList<>();
    for (EndpointSpec s : specs) {
      Endpoint e = new Endpoint(s.address(), s.weight(), healthIndex++, all.size());
      all.add(e);
      out.add(e);
    }
    return out;
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
