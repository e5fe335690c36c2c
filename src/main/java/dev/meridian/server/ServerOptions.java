package dev.meridian.server;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/**
 * Wire-level settings of the listeners. Immutable.
 *
 * @param listen addresses served over both UDP and TCP (port 0 picks a free port, the same for
 *     both)
 * @param udpWorkers receiving threads, each with its own SO_REUSEPORT socket, per address
 * @param ednsPayloadSize the UDP payload size we advertise in OPT and accept at most
 * @param tcpMaxConnections open TCP connections per address; more are closed on accept
 * @param tcpIdleTimeout a connection idle this long is closed (RFC 7766 section 6.2.3)
 */
public record ServerOptions(
    List<InetSocketAddress> listen,
    int udpWorkers,
    int ednsPayloadSize,
    int tcpMaxConnections,
    Duration tcpIdleTimeout) {
  public ServerOptions {
    listen = List.copyOf(listen);
  }
}
