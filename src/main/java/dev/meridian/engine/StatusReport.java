package dev.meridian.engine;

import dev.meridian.config.EndpointSpec;
import dev.meridian.config.RegionSpec;
import dev.meridian.config.ServiceSpec;
import dev.meridian.config.TierSpec;
import dev.meridian.health.Forced;
import dev.meridian.health.HealthMonitor;
import dev.meridian.health.OverrideFile;
import dev.meridian.zone.Zone;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The running server as operators see it ({@code /status}, {@code meridian status}, the live map):
 * zones, regions with every endpoint's state, overrides, the last reload and recent events, as
 * plain maps and lists ready for JSON. Also keeps samples of the answer counters so that each
 * region's answers over the last minute can be told. Thread-safe; never on the query path.
 */
public final class StatusReport {
  private static final Duration WINDOW = Duration.ofMinutes(1);

  private final Reloader reloader;
  private final AnswerCounts answers;
  private final EventLog events;
  private final Instant started;
  private final String version;
  private final List<String> listeners;
  private final ArrayDeque<Sample> samples = new ArrayDeque<>();

  private record Sample(Instant at, Map<String, Long> byRegion) {}

  public StatusReport(
      Reloader reloader,
      AnswerCounts answers,
      EventLog events,
      Instant started,
      String version,
      List<String> listeners) {
    this.reloader = reloader;
    this.answers = answers;
    this.events = events;
    this.started = started;
    this.version = version;
    this.listeners = List.copyOf(listeners);
    samples.add(new Sample(started, Map.of())); // counting starts with the server
  }

  /** The whole report now. */
  public Map<String, Object> build() throws Exception {
    Snapshot s = reloader.holder().current();
    Instant now = Instant.now();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("version", version);
    out.put("started", started.toString());
    out.put("uptime_seconds", Duration.between(started, now).toMillis() / 1000.0);
    out.put("generation", s.generation());
    List<Object> ls = new ArrayList<>();
    for (String l : listeners) {
      ls.add(Map.of("address", l, "transports", List.of("udp", "tcp")));
    }
    out.put("listeners", ls);
    out.put("zones", zones(s));
    Map<String, HealthMonitor.EndpointStatus> health = new HashMap<>();
    for (HealthMonitor.EndpointStatus e : reloader.health().status()) {
      health.put(e.address(), e);
    }
    OverrideFile.Overrides overrides = OverrideFile.read(s.config().traffic().health().stateFile());
    Map<String, Long> lastMinute = answersLastMinute(s, now);
    long total = 0;
    for (long n : lastMinute.values()) {
      total += n;
    }
    List<Object> regions = new ArrayList<>();
    for (RegionSpec r : s.config().traffic().regions().values()) {
      regions.add(region(r, health, overrides, lastMinute.getOrDefault(r.name(), 0L), total));
    }
    out.put("regions", regions);
    out.put("services", services(s, health));
    out.put("overrides", overrides(overrides.endpoints(), overrides.regions()));
    Reloader.Outcome last = reloader.last();
    Map<String, Object> reload = new LinkedHashMap<>();
    reload.put("at", last.at().toString());
    reload.put("generation", last.generation());
    reload.put("published", last.published());
    reload.put("changed", last.changed());
    reload.put("problems", last.problems());
    out.put("last_reload", reload);
    List<Object> evs = new ArrayList<>();
    for (EventLog.Event e : events.recent()) {
      evs.add(event(e));
    }
    out.put("events", evs);
    return out;
  }

  /** An event as JSON-ready map (also what webhooks receive). */
  public static Map<String, Object> event(EventLog.Event e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("time", e.time().toString());
    m.put("kind", e.kind());
    m.put("message", e.message());
    m.putAll(new java.util.TreeMap<>(e.fields()));
    return m;
  }

  private List<Object> zones(Snapshot s) {
    List<Object> out = new ArrayList<>();
    for (Zone z : s.zones().zones()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", z.origin().toString());
      m.put("serial", z.serial());
      m.put("records", z.recordCount());
      m.put("source", z.source());
      Reloader.ZoneLoad load = reloader.zoneLoad(z.source());
      m.put("loaded", load == null ? null : load.at().toString());
      m.put("last_error", load == null ? null : load.lastError());
      out.add(m);
    }
    return out;
  }

  private static Map<String, Object> region(
      RegionSpec r,
      Map<String, HealthMonitor.EndpointStatus> health,
      OverrideFile.Overrides overrides,
      long answered,
      long total) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", r.name());
    m.put("lat", r.latitude());
    m.put("lon", r.longitude());
    List<Object> endpoints = new ArrayList<>();
    int up = 0;
    int drained = 0;
    for (Map.Entry<String, TierSpec> t : new java.util.TreeMap<>(r.tiers()).entrySet()) {
      for (EndpointSpec e : t.getValue().endpoints()) {
        Map<String, Object> em = endpoint(e.address(), t.getKey(), health);
        endpoints.add(em);
        up += "up".equals(em.get("state")) ? 1 : 0;
        drained += "drained".equals(em.get("state")) ? 1 : 0;
      }
    }
    String state =
        overrides.regions().get(r.name()) == Forced.DRAIN
                || (drained > 0 && drained == endpoints.size())
            ? "drained"
            : up == endpoints.size() ? "up" : up == 0 ? "down" : "degraded";
    m.put("state", state);
    m.put("answers_last_minute", answered);
    m.put("share_last_minute", total == 0 ? 0.0 : (double) answered / total);
    m.put("endpoints", endpoints);
    return m;
  }

  private static Map<String, Object> endpoint(
      InetAddress address, String tier, Map<String, HealthMonitor.EndpointStatus> health) {
    HealthMonitor.EndpointStatus h = health.get(address.getHostAddress());
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("address", show(address.getHostAddress()));
    m.put("tier", tier);
    boolean up = h == null || h.up();
    m.put("up", up);
    m.put("state", h != null && h.override() == Forced.DRAIN ? "drained" : up ? "up" : "down");
    m.put("override", h == null || h.override() == null ? null : name(h.override()));
    m.put("since", h == null || h.since() == 0 ? null : Instant.ofEpochMilli(h.since()).toString());
    m.put("check", h == null ? null : h.check());
    m.put("last_result", h == null ? null : h.lastResult());
    m.put("latency_ms", h == null || h.latencyMillis() < 0 ? null : h.latencyMillis());
    return m;
  }

  /** Each service with its policy and, for services with endpoints of their own, their state. */
  private static List<Object> services(
      Snapshot s, Map<String, HealthMonitor.EndpointStatus> health) {
    List<Object> out = new ArrayList<>();
    for (ServiceSpec spec : s.config().traffic().services()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", spec.name());
      m.put("policy", spec.policy().name().toLowerCase(Locale.ROOT).replace('_', '-'));
      m.put("tier", spec.tier());
      m.put("regions", spec.regions());
      List<EndpointSpec> own = new ArrayList<>(spec.endpoints());
      spec.pools().forEach(own::addAll);
      List<Object> endpoints = new ArrayList<>();
      for (EndpointSpec e : own) {
        endpoints.add(endpoint(e.address(), null, health));
      }
      m.put("endpoints", endpoints);
      out.add(m);
    }
    return out;
  }

  /**
   * Answers by region (of the endpoint answered first) since start, from the answer counters and
   * the regions of the configuration serving now.
   */
  public Map<String, Long> answersByRegion(Snapshot s) {
    Map<String, String> regionOf = new HashMap<>();
    for (RegionSpec r : s.config().traffic().regions().values()) {
      for (TierSpec t : r.tiers().values()) {
        for (EndpointSpec e : t.endpoints()) {
          regionOf.putIfAbsent(e.address().getHostAddress(), r.name());
        }
      }
    }
    Map<String, Long> out = new HashMap<>();
    for (AnswerCounts.Row row : answers.rows()) {
      out.merge(regionOf.getOrDefault(row.endpoint(), ""), row.count(), Long::sum);
    }
    return out;
  }

  /** Answers by region over the last minute (or since start, when younger). */
  private synchronized Map<String, Long> answersLastMinute(Snapshot s, Instant now) {
    Map<String, Long> totals = answersByRegion(s);
    if (samples.isEmpty() || Duration.between(samples.peekLast().at(), now).toMillis() >= 1000) {
      samples.addLast(new Sample(now, totals));
    }
    while (samples.size() > 1) { // keep the newest sample at least a minute old, and later ones
      java.util.Iterator<Sample> it = samples.iterator();
      it.next();
      if (Duration.between(it.next().at(), now).compareTo(WINDOW) < 0) {
        break;
      }
      samples.removeFirst();
    }
    Map<String, Long> base = samples.peekFirst().byRegion();
    Map<String, Long> out = new HashMap<>();
    totals.forEach((k, v) -> out.put(k, Math.max(0, v - base.getOrDefault(k, 0L))));
    return out;
  }

  /**
   * The overrides as shown by /status and the health API: endpoints, then regions, in this order
   * every time (a {@code Map.of} would change it from one run to the next).
   */
  public static Map<String, Object> overrides(
      Map<String, Forced> endpoints, Map<String, Forced> regions) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("endpoints", names(endpoints));
    out.put("regions", names(regions));
    return out;
  }

  /** Overrides by endpoint or region, each as its lower-case name ({@code drain}). */
  public static Map<String, String> names(Map<String, Forced> m) {
    Map<String, String> out = new java.util.TreeMap<>();
    m.forEach((k, v) -> out.put(show(k), name(v)));
    return out;
  }

  /**
   * An address as people write it: IPv6 in the RFC 5952 form ({@code 2001:db8:1::20}); anything
   * else (an IPv4 address, a region name) as it is.
   */
  public static String show(String address) {
    if (address.indexOf(':') < 0) {
      return address;
    }
    try {
      byte[] b = InetAddress.getByName(address).getAddress();
      if (b.length != 16) {
        return address;
      }
      int bestAt = -1;
      int bestLen = 1; // a single zero group is not shortened (RFC 5952 section 4.2.2)
      for (int i = 0; i < 8; ) {
        int j = i;
        while (j < 8 && b[2 * j] == 0 && b[2 * j + 1] == 0) {
          j++;
        }
        if (j - i > bestLen) {
          bestAt = i;
          bestLen = j - i;
        }
        i = j == i ? i + 1 : j;
      }
      StringBuilder s = new StringBuilder();
      for (int i = 0; i < 8; i++) {
        if (i == bestAt) {
          s.append(i == 0 ? "::" : ":");
          i += bestLen - 1;
          continue;
        }
        s.append(Integer.toHexString(((b[2 * i] & 0xFF) << 8) | (b[2 * i + 1] & 0xFF)));
        if (i < 7) {
          s.append(':');
        }
      }
      return s.toString();
    } catch (java.net.UnknownHostException e) {
      return address; // not an address literal
    }
  }

  private static String name(Forced f) {
    return f.name().toLowerCase(Locale.ROOT);
  }
}
