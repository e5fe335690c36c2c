package dev.meridian.config;

import java.time.Duration;
import java.util.Set;

/**
 * How one endpoint is probed. Immutable.
 *
 * @param type {@code none}, {@code tcp}, {@code http} or {@code https}
 * @param port TCP port probed
 * @param path HTTP path
 * @param expectStatus HTTP status codes that count as healthy
 * @param bodyContains a substring the HTTP body must contain, or null
 * @param host HTTP Host header, or null for the address
 * @param tlsServerName SNI name for https, or null
 * @param tlsVerify whether https certificates are validated
 * @param interval time between checks
 * @param timeout a check not done by then fails
 * @param fall consecutive failures that take an endpoint down
 * @param rise consecutive successes that bring it back
 * @param startUp whether endpoints start up (before their first checks)
 */
public record CheckSpec(
    String type,
    int port,
    String path,
    Set<Integer> expectStatus,
    String bodyContains,
    String host,
    String tlsServerName,
    boolean tlsVerify,
    Duration interval,
    Duration timeout,
    int fall,
    int rise,
    boolean startUp) {
  public CheckSpec {
    expectStatus = Set.copyOf(expectStatus);
  }

  /** No probing: the endpoint is always live. */
  public static final CheckSpec NONE = standard("none", 0, "/", Set.of());

  public boolean isNone() {
    return type.equals("none");
  }

  /** The default for an L4 tier: TCP connect to port 80. */
  static CheckSpec tcpDefault() {
    return standard("tcp", 80, "/", Set.of());
  }

  /** The default for an L7 tier: GET /health on port 80, expecting 200. */
  static CheckSpec httpDefault() {
    return standard("http", 80, "/health", Set.of(200));
  }

  /** A check with the default timing (5s interval, 2s timeout, fall 2, rise 3, start up). */
  private static CheckSpec standard(String type, int port, String path, Set<Integer> status) {
    return new CheckSpec(
        type,
        port,
        path,
        status,
        null,
        null,
        null,
        true,
        Duration.ofSeconds(5),
        Duration.ofSeconds(2),
        2,
        3,
        true);
  }
}
