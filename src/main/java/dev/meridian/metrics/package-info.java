/**
 * Prometheus metrics on the official Prometheus Java client: one {@link
 * dev.meridian.metrics.Metrics} owns a {@code PrometheusRegistry} and writes its text exposition
 * (for the admin server's {@code GET /metrics}). Uses nothing of ours: the wire layer counts
 * queries through {@link dev.meridian.metrics.QueryCounter} and exports its own counters through
 * {@link dev.meridian.metrics.WireCounters}; health, reloads, snapshots, zones and answers arrive
 * through typed entry points of plain strings and numbers ({@link
 * dev.meridian.metrics.EndpointState}, {@link dev.meridian.metrics.ZoneSerial}, {@link
 * dev.meridian.metrics.AnswerCount}) that the composition root feeds.
 *
 * <p>Thread rules: everything is thread-safe. {@link dev.meridian.metrics.QueryCounter#count} is on
 * the query path and takes no lock and allocates nothing ({@code LongAdder}s created at startup,
 * read by a callback at scrape time); everything else runs off the query path. Suppliers given to
 * the entry points are called on the scraping thread and must be thread-safe.
 *
 * <p>Config: {@code metrics.enabled} (boolean, default true; read by config, applied by the
 * composition root through {@link dev.meridian.metrics.Metrics#disabled()}). Until that key is
 * wired, the JVM system property {@code meridian.metrics.enabled=false} turns metrics off ({@link
 * dev.meridian.metrics.Metrics#fromProperties()}), which the benchmarks use.
 */
package dev.meridian.metrics;
