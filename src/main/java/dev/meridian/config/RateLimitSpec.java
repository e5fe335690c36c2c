package dev.meridian.config;

import java.time.Duration;
import java.util.List;

/**
 * The {@code rate_limit} section: response rate limiting over UDP as in BIND (RRL). Immutable.
 *
 * @param responsesPerSecond responses per second per client prefix and response class; 0 when the
 *     section is absent (off)
 * @param window how long an over-limit client's debt is remembered (BIND's {@code window})
 * @param slip every slip-th limited response goes out truncated (TC=1), the rest are dropped; 0
 *     drops them all
 * @param ipv4Prefix IPv4 clients are grouped by this prefix length
 * @param ipv6Prefix IPv6 clients are grouped by this prefix length
 * @param exempt clients never limited
 */
public record RateLimitSpec(
    int responsesPerSecond,
    Duration window,
    int slip,
    int ipv4Prefix,
    int ipv6Prefix,
    List<Cidr> exempt) {
  /** Rate limiting switched off (no {@code rate_limit} section). */
  public static final RateLimitSpec OFF =
      new RateLimitSpec(0, Duration.ofSeconds(15), 2, 24, 56, List.of());

  public RateLimitSpec {
    exempt = List.copyOf(exempt);
  }

  public boolean isEnabled() {
    return responsesPerSecond > 0;
  }
}
