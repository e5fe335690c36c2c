package dev.meridian.health;

import java.net.InetSocketAddress;
import java.util.Set;

/**
 * One probe definition. Immutable.
 *
 * @param kind TCP connect, or an HTTP(S) GET
 * @param target address and port probed (always a literal address: no DNS lookups)
 * @param path HTTP path
 * @param expectStatus healthy HTTP status codes
 * @param bodyContains substring the body must contain, or null
 * @param host Host header, or null
 * @param tlsServerName SNI name, or null
 * @param tlsVerify validate certificates
 * @param intervalMillis time between probes
 * @param timeoutMillis a probe not done by then fails
 * @param fall consecutive failures to go down
 * @param rise consecutive successes to come back
 * @param startUp state before the first probes
 */
public record Check(
    Kind kind,
    InetSocketAddress target,
    String path,
    Set<Integer> expectStatus,
    String bodyContains,
    String host,
    String tlsServerName,
    boolean tlsVerify,
    long intervalMillis,
    long timeoutMillis,
    int fall,
    int rise,
    boolean startUp) {
  public Check {
    expectStatus = Set.copyOf(expectStatus);
  }

  /** What a probe does. */
  public enum Kind {
    TCP,
    HTTP,
    HTTPS
  }

  /** A short description for logs: {@code http 127.0.0.2:8080/health}. */
  public String describe() {
    String a = target.getAddress().getHostAddress();
    String hostPort = (a.indexOf(':') >= 0 ? "[" + a + "]" : a) + ":" + target.getPort();
    return kind.name().toLowerCase(java.util.Locale.ROOT)
        + " "
        + hostPort
        + (kind == Kind.TCP ? "" : path);
  }
}
