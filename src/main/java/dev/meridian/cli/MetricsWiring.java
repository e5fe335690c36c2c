package dev.meridian.cli;

import dev.meridian.config.EndpointSpec;
import dev.meridian.config.MeridianConfig;
import dev.meridian.config.RegionSpec;
import dev.meridian.config.ServiceSpec;
import dev.meridian.config.TierSpec;
import dev.meridian.engine.AnswerCounts;
import dev.meridian.engine.EventLog;
import dev.meridian.engine.Reloader;
import dev.meridian.health.HealthMonitor;
import dev.meridian.health.Target;
import dev.meridian.metrics.AnswerCount;
import dev.meridian.metrics.EndpointState;
import dev.meridian.metrics.Metrics;
import dev.meridian.metrics.ZoneSerial;
import dev.meridian.zone.Zone;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Feeds the metrics that live outside the wire layer: health checks and transitions (as a health
 * listener), reloads (from the event log), and at each scrape the endpoint states, the snapshot
 * generation, zone serials and answers by service, policy and region. Part of the composition root;
 * thread-safe.
 */
final class MetricsWiring implements HealthMonitor.Listener {
  private final Metrics metrics;

  MetricsWiring(Metrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public void checked(Target target, boolean ok, long nanos) {
    metrics.checkCompleted(
        target.address(),
        target.check() == null ? "none" : target.check().kind().name().toLowerCase(Locale.ROOT),
        ok,
        nanos / 1e9);
  }

  @Override
  public void changed(Target target, boolean up, String cause) {
    metrics.transitioned(target.address(), up ? "up" : "down");
  }

  /** Registers the scrape-time gauges and counters of {@code reloader}'s serving generation. */
  void export(Reloader reloader, EventLog events, AnswerCounts answers) {
    events.subscribe(
        e -> {
          if (e.kind().equals("reload")) {
            metrics.reloadCompleted(Boolean.TRUE.equals(e.fields().get("published")));
          }
        });
    metrics.snapshotGeneration(() -> reloader.holder().current().generation());
    metrics.zoneSerials(
        () -> {
          List<ZoneSerial> out = new ArrayList<>();
          for (Zone z : reloader.holder().current().zones().zones()) {
            out.add(new ZoneSerial(z.origin().toString(), z.serial()));
          }
          return out;
        });
    metrics.endpointStates(() -> endpointStates(reloader));
    metrics.answers(() -> answers(reloader.holder().current().config(), answers));
  }

  private static List<EndpointState> endpointStates(Reloader reloader) {
    Map<String, Boolean> up = new HashMap<>();
    try {
      for (HealthMonitor.EndpointStatus s : reloader.health().status()) {
        up.put(s.address(), s.up());
      }
    } catch (Exception e) { // a scrape during a reload: report what the configuration says
      up.clear();
    }
    List<EndpointState> out = new ArrayList<>();
    for (RegionSpec r : reloader.holder().current().config().traffic().regions().values()) {
      for (Map.Entry<String, TierSpec> t : r.tiers().entrySet()) {
        for (EndpointSpec e : t.getValue().endpoints()) {
          String a = e.address().getHostAddress();
          out.add(new EndpointState(a, r.name(), t.getKey(), up.getOrDefault(a, true)));
        }
      }
    }
    return out;
  }

  private static List<AnswerCount> answers(MeridianConfig config, AnswerCounts answers) {
    Map<String, String> regionOf = new HashMap<>();
    for (RegionSpec r : config.traffic().regions().values()) {
      for (TierSpec t : r.tiers().values()) {
        for (EndpointSpec e : t.endpoints()) {
          regionOf.putIfAbsent(e.address().getHostAddress(), r.name());
        }
      }
    }
    Map<String, String> policyOf = new HashMap<>();
    for (ServiceSpec s : config.traffic().services()) {
      String name = s.name().endsWith(".") ? s.name() : s.name() + ".";
      policyOf.put(
          name.toLowerCase(Locale.ROOT),
          s.policy().name().toLowerCase(Locale.ROOT).replace('_', '-'));
    }
    Map<List<String>, Long> sums = new HashMap<>();
    for (AnswerCounts.Row row : answers.rows()) {
      String service = row.service().toLowerCase(Locale.ROOT);
      List<String> key =
          List.of(
              service,
              policyOf.getOrDefault(service, "none"),
              regionOf.getOrDefault(row.endpoint(), "none"));
      sums.merge(key, row.count(), Long::sum);
    }
    List<AnswerCount> out = new ArrayList<>();
    sums.forEach((k, v) -> out.add(new AnswerCount(k.get(0), k.get(1), k.get(2), v)));
    return out;
  }
}
