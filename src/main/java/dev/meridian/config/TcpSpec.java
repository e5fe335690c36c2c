package dev.meridian.config;

import java.time.Duration;

/**
 * The {@code tcp} section: limits that keep TCP open to new clients under hostile load (RFC 7766
 * sections 6.2.3 and 10). Immutable.
 *
 * @param maxConnections open connections per listening address, all clients together
 * @param maxPerClient open connections from one IPv4 address or one IPv6 /64
 * @param idleTimeout a connection with no complete query for this long is closed
 * @param busyIdleTimeout the idle timeout while more than half of {@code maxConnections} are open
 * @param messageTimeout time allowed for one whole message to arrive, and for a pending response to
 *     make progress
 */
public record TcpSpec(
    int maxConnections,
    int maxPerClient,
    Duration idleTimeout,
    Duration busyIdleTimeout,
    Duration messageTimeout) {}
