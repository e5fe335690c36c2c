package dev.meridian.policy;

import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * One address a policy may return. Immutable.
 *
 * @param address the address
 * @param weight share for weighted choice (and hash-ring points for sticky), at least 1
 * @param healthIndex index into the {@link dev.meridian.health.HealthView}
 * @param slot position in the owning service's endpoint list (for pre-built records)
 */
public record Endpoint(InetAddress address, int weight, int healthIndex, int slot) {
  public boolean isV6() {
    return address instanceof Inet6Address;
  }

  @Override
  public String toString() {
    return address.getHostAddress();
  }
}
