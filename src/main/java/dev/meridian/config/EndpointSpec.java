package dev.meridian.config;

import java.net.InetAddress;

/**
 * One address a policy may return. Immutable.
 *
 * @param address IPv4 (answers A queries) or IPv6 (answers AAAA)
 * @param weight share for the weighted policy, 1..1000
 */
public record EndpointSpec(InetAddress address, int weight) {}
