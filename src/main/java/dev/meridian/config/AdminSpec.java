package dev.meridian.config;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The operators' side of the configuration: the admin HTTP server, events, the query log, the
 * server log's format and metrics. Immutable.
 *
 * @param listen where the admin HTTP API listens ({@code admin.listen}, default 127.0.0.1:8053);
 *     null when {@code off}
 * @param token the bearer token every admin request must carry ({@code admin.token} or the first
 *     line of {@code admin.token_file}); null for none, allowed only on a loopback address
 * @param eventsKept how many recent events {@code /status} shows ({@code events.keep})
 * @param webhooks URLs each event is POSTed to as JSON ({@code events.webhooks})
 * @param webhookTimeout how long one webhook POST may take ({@code events.timeout})
 * @param queryLog the sampled query log, or null when off ({@code query_log})
 * @param jsonLog whether the server log is JSON lines ({@code logging.format: json})
 * @param metrics whether queries are counted for {@code /metrics} ({@code metrics.enabled})
 */
public record AdminSpec(
    InetSocketAddress listen,
    String token,
    int eventsKept,
    List<URI> webhooks,
    Duration webhookTimeout,
    QueryLogSpec queryLog,
    boolean jsonLog,
    boolean metrics) {

  public AdminSpec {
    webhooks = List.copyOf(webhooks);
  }

  /**
   * The sampled query log.
   *
   * @param file where JSON lines are appended
   * @param sample one query in this many is logged (1 logs all)
   * @param queue lines waiting for the disk at most; more are dropped and counted
   */
  public record QueryLogSpec(Path file, int sample, int queue) {}
}
