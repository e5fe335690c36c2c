package dev.meridian.server;

import java.time.Duration;

/**
 * How many TCP connections one listening address keeps open and for how long (RFC 7766 sections
 * 6.2.3 and 10). Immutable.
 *
 * @param maxConnections open connections, all clients together; at this number a new connection
 *     makes room by closing the one that has waited longest for its next query, or is refused when
 *     every connection is busy
 * @param maxPerClient open connections from one IPv4 address or one IPv6 /64; more are refused
 * @param idleTimeout a connection with no complete query for this long is closed
 * @param busyIdleTimeout the idle timeout while more than half of {@code maxConnections} are open
 * @param messageTimeout a message must arrive whole within this time of its first byte, and a
 *     pending response must make progress within it, or the connection is closed
 */
public record TcpLimits(
    int maxConnections,
    int maxPerClient,
    Duration idleTimeout,
    Duration busyIdleTimeout,
    Duration messageTimeout) {}
