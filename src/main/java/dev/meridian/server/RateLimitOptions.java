package dev.meridian.server;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;

/**
 * Response rate limiting over UDP (as BIND, Knot and NSD RRL). Immutable.
 *
 * @param responsesPerSecond responses per second per client prefix and response class; 0 is off
 * @param window how long an over-limit client's debt lasts, whole seconds
 * @param slip every slip-th limited response goes out truncated (TC=1), the rest are dropped; 0
 *     drops them all
 * @param ipv4Prefix IPv4 clients are grouped by this prefix length
 * @param ipv6Prefix IPv6 clients are grouped by this prefix length
 * @param exempt clients never limited
 */
public record RateLimitOptions(
    int responsesPerSecond,
    Duration window,
    int slip,
    int ipv4Prefix,
    int ipv6Prefix,
    List<Prefix> exempt) {
  /** No rate limiting. */
  public static final RateLimitOptions OFF =
      new RateLimitOptions(0, Duration.ofSeconds(15), 2, 24, 56, List.of());

  public RateLimitOptions {
    exempt = List.copyOf(exempt);
  }

  public boolean isEnabled() {
    return responsesPerSecond > 0;
  }

  /**
   * An address prefix. Immutable.
   *
   * @param network the network address
   * @param length the prefix length in bits
   */
  public record Prefix(InetAddress network, int length) {}
}
