package dev.meridian.config;

import java.net.InetAddress;

/**
 * One address a policy may return. Immutable.
 *
 * @param address IPv4 (answers A queries) or IPv6 (answers AAAA)
 * @param weight share for the weighted policy, 1..1000
 * @param check how it is probed (its own, else its tier's or service's)
 * @param ownCheck whether {@code check} was set on the endpoint itself (a service's check does not
 *     replace it)
 */
public record EndpointSpec(InetAddress address, int weight, CheckSpec check, boolean ownCheck) {
  /** The same endpoint probed by {@code c}, unless it has a check of its own. */
  public EndpointSpec withServiceCheck(CheckSpec c) {
    return ownCheck || c == null ? this : new EndpointSpec(address, weight, c, false);
  }
}
