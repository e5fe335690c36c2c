package dev.meridian.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Collection;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The server's Prometheus metrics: owns a {@link PrometheusRegistry} holding every {@code
 * meridian_*} metric and writes it in the Prometheus text format ({@link #writeText}, for {@code
 * GET /metrics}). The wire layer counts queries through {@link #queries()} and exports its counters
 * through {@link #exportWire}; health, reload and snapshot code is fed in by the composition root
 * through the other methods, which take plain strings and numbers. A {@link #disabled()} instance
 * counts nothing, registers nothing and writes an empty exposition.
 *
 * <p>Thread-safe. {@link QueryCounter#count} is the only call on the query path; the {@code
 * export*} and supplier methods replace what an earlier call gave (one source per metric), and the
 * suppliers run on the thread that scrapes.
 */
public final class Metrics {
  /** The HTTP Content-Type of {@link #writeText}'s output (text format 0.0.4). */
  public static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

  /** The system property {@link #fromProperties()} reads; "false" turns metrics off. */
  public static final String ENABLED_PROPERTY = "meridian.metrics.enabled";

  /** Upper bounds of the check-latency histogram, in seconds: 1 ms to 10 s. */
  private static final double[] CHECK_SECONDS = {
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10
  };

  private final boolean enabled;
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
  private final QueryCounter queries;
  private final Counter checks;
  private final Histogram checkSeconds;
  private final Counter transitions;
  private final Counter reloads;
  private volatile WireCounters wire;
  private volatile Supplier<? extends Collection<EndpointState>> endpoints = List::of;
  private volatile Supplier<? extends Collection<ZoneSerial>> serials = List::of;
  private volatile Supplier<? extends Collection<AnswerCount>> answers = List::of;
  private volatile LongSupplier generation;

  private Metrics(boolean enabled) {
    this.enabled = enabled;
    this.queries = new QueryCounter(enabled);
    checks =
        Counter.builder()
            .name("meridian_health_checks_total")
            .help("Health checks completed, by endpoint, check kind and result")
            .labelNames("endpoint", "check", "result")
            .withoutExemplars()
            .build();
    checkSeconds =
        Histogram.builder()
            .name("meridian_health_check_duration_seconds")
            .help("Time a health check took, passed or failed, by check kind")
            .labelNames("check")
            .classicOnly()
            .classicUpperBounds(CHECK_SECONDS)
            .withoutExemplars()
            .build();
    transitions =
        Counter.builder()
            .name("meridian_health_transitions_total")
            .help("Endpoint state changes, by endpoint and the state entered")
            .labelNames("endpoint", "to")
            .withoutExemplars()
            .build();
    reloads =
        Counter.builder()
            .name("meridian_reloads_total")
            .help("Reloads of configuration and zones, by result (ok, failed)")
            .labelNames("result")
            .withoutExemplars()
            .build();
    if (enabled) {
      register();
    }
  }

  /** Metrics on: every metric registered, queries counted. */
  public static Metrics enabled() {
    return new Metrics(true);
  }

  /** Metrics off: nothing counted or registered; {@link #writeText} writes nothing. */
  public static Metrics disabled() {
    return new Metrics(false);
  }

  /**
   * {@link #enabled()} unless the system property {@value #ENABLED_PROPERTY} is "false" (for
   * benchmarks: {@code -Dmeridian.metrics.enabled=false}).
   */
  public static Metrics fromProperties() {
    return "false".equalsIgnoreCase(System.getProperty(ENABLED_PROPERTY)) ? disabled() : enabled();
  }

  public boolean isEnabled() {
    return enabled;
  }

  /** The query-path counter (a no-op when disabled). */
  public QueryCounter queries() {
    return queries;
  }

  /** The registry, for a caller that wants another exposition format or more collectors. */
  public PrometheusRegistry registry() {
    return registry;
  }

  /**
   * Writes every metric in the Prometheus text format (version 0.0.4, {@link #CONTENT_TYPE}) to
   * {@code out}, which is flushed and left open. Callbacks run on the calling thread.
   */
  public void writeText(OutputStream out) throws IOException {
    writer.write(out, registry.scrape());
    out.flush();
  }

  /** Exports the wire layer's totals (truncation, rate limiting, TCP, dropped, errors). */
  public void exportWire(WireCounters counters) {
    wire = counters;
  }

  /**
   * One health check finished: counts {@code meridian_health_checks_total{endpoint,check,result}}
   * and observes {@code meridian_health_check_duration_seconds{check}}.
   *
   * @param endpoint the endpoint checked, e.g. "192.0.2.10"
   * @param check the kind of check, e.g. "tcp", "http", "https"
   * @param ok whether it passed
   * @param seconds how long it took
   */
  public void checkCompleted(String endpoint, String check, boolean ok, double seconds) {
    if (enabled) {
      checks.labelValues(label(endpoint), label(check), ok ? "pass" : "fail").inc();
      checkSeconds.labelValues(label(check)).observe(Math.max(0, seconds));
    }
  }

  /** An endpoint changed state: counts {@code meridian_health_transitions_total{endpoint,to}}. */
  public void transitioned(String endpoint, String to) {
    if (enabled) {
      transitions.labelValues(label(endpoint), label(to)).inc();
    }
  }

  /** A reload finished: counts {@code meridian_reloads_total{result="ok"|"failed"}}. */
  public void reloadCompleted(boolean ok) {
    if (enabled) {
      reloads.labelValues(ok ? "ok" : "failed").inc();
    }
  }

  /** Where {@code meridian_health_endpoint_up{endpoint,region,tier}} (1 or 0) is read from. */
  public void endpointStates(Supplier<? extends Collection<EndpointState>> rows) {
    endpoints = rows;
  }

  /** Where {@code meridian_snapshot_generation} is read from. */
  public void snapshotGeneration(LongSupplier current) {
    generation = current;
  }

  /** Where {@code meridian_zone_serial{zone}} is read from. */
  public void zoneSerials(Supplier<? extends Collection<ZoneSerial>> rows) {
    serials = rows;
  }

  /** Where {@code meridian_answers_total{service,policy,region}} is read from. */
  public void answers(Supplier<? extends Collection<AnswerCount>> rows) {
    answers = rows;
  }

  private void register() {
    for (CounterWithCallback c : queries.exporters()) {
      registry.register(c);
    }
    WireExport.register(registry, () -> wire);
    reloads.labelValues("ok"); // both results show from the start, at 0
    reloads.labelValues("failed");
    registry.register(checks);
    registry.register(checkSeconds);
    registry.register(transitions);
    registry.register(reloads);
    registry.register(
        GaugeWithCallback.builder()
            .name("meridian_health_endpoint_up")
            .help("Whether an endpoint may be answered now (1) or not (0)")
            .labelNames("endpoint", "region", "tier")
            .callback(
                cb -> {
                  for (EndpointState e : endpoints.get()) {
                    cb.call(
                        e.up() ? 1 : 0, label(e.endpoint()), label(e.region()), label(e.tier()));
                  }
                })
            .build());
    registry.register(
        GaugeWithCallback.builder()
            .name("meridian_snapshot_generation")
            .help("Generation of the snapshot queries are answered from (each reload adds one)")
            .callback(
                cb -> {
                  LongSupplier g = generation;
                  if (g != null) {
                    cb.call((double) g.getAsLong());
                  }
                })
            .build());
    registry.register(
        GaugeWithCallback.builder()
            .name("meridian_zone_serial")
            .help("SOA serial each zone is served with")
            .labelNames("zone")
            .callback(
                cb -> {
                  for (ZoneSerial z : serials.get()) {
                    cb.call((double) z.serial(), label(z.zone()));
                  }
                })
            .build());
    registry.register(
        CounterWithCallback.builder()
            .name("meridian_answers_total")
            .help("Traffic-policy answers, by service, policy and region")
            .labelNames("service", "policy", "region")
            .callback(
                cb -> {
                  for (AnswerCount a : answers.get()) {
                    cb.call(
                        (double) a.count(),
                        label(a.service()),
                        label(a.policy()),
                        label(a.region()));
                  }
                })
            .build());
  }

  private static String label(String value) {
    return value == null ? "" : value;
  }
}
