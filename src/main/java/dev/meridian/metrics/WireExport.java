package dev.meridian.metrics;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/**
 * The counters that export {@link WireCounters}, read at scrape time from whatever source the
 * supplier holds then (none: no samples). Stateless; thread-safe.
 */
final class WireExport {
  private WireExport() {}

  static void register(PrometheusRegistry registry, Supplier<WireCounters> source) {
    registry.register(
        single(
            source,
            "meridian_dns_dropped_packets_total",
            "Packets not answered: shorter than a DNS header, or responses (QR=1)",
            WireCounters::dropped));
    registry.register(
        single(
            source,
            "meridian_dns_malformed_queries_total",
            "Queries answered FORMERR (malformed question, OPT or ECS option)",
            WireCounters::formerr));
    registry.register(
        single(
            source,
            "meridian_dns_internal_errors_total",
            "Queries that hit an unexpected error and were answered SERVFAIL",
            WireCounters::servfail));
    registry.register(
        single(
            source,
            "meridian_dns_truncated_responses_total",
            "Responses sent with TC=1 because they did not fit the client's size",
            WireCounters::truncated));
    registry.register(
        CounterWithCallback.builder()
            .name("meridian_dns_rate_limited_responses_total")
            .help("UDP responses held back by response rate limiting: dropped, or slipped (TC=1)")
            .labelNames("action")
            .callback(
                cb -> {
                  WireCounters w = source.get();
                  if (w != null) {
                    cb.call((double) w.rateLimitDropped(), "dropped");
                    cb.call((double) w.rateLimitSlipped(), "slipped");
                  }
                })
            .build());
    registry.register(
        CounterWithCallback.builder()
            .name("meridian_dns_tcp_connections_closed_total")
            .help(
                "TCP connections closed by the server: rejected on accept, evicted to make room,"
                    + " or timed out")
            .labelNames("reason")
            .callback(
                cb -> {
                  WireCounters w = source.get();
                  if (w != null) {
                    cb.call((double) w.tcpRejected(), "rejected");
                    cb.call((double) w.tcpEvicted(), "evicted");
                    cb.call((double) w.tcpTimedOut(), "timed_out");
                  }
                })
            .build());
  }

  private static CounterWithCallback single(
      Supplier<WireCounters> source, String name, String help, ToLongFunction<WireCounters> read) {
    return CounterWithCallback.builder()
        .name(name)
        .help(help)
        .callback(
            cb -> {
              WireCounters w = source.get();
              if (w != null) {
                cb.call((double) read.applyAsLong(w));
              }
            })
        .build();
  }
}
