package dev.meridian.server;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * Wire-level settings of the listeners. Immutable.
 *
 * @param listen addresses served over both UDP and TCP (port 0 picks a free port, the same for
 *     both)
 * @param udpWorkers receiving threads, each with its own SO_REUSEPORT socket, per address
 * @param ednsPayloadSize the UDP payload size we advertise in OPT and accept at most
 * @param tcp TCP connection limits and timeouts (RFC 7766)
 * @param rateLimit response rate limiting over UDP, or {@link RateLimitOptions#OFF}
 */
public record ServerOptions(
    List<InetSocketAddress> listen,
    int udpWorkers,
    int ednsPayloadSize,
    TcpLimits tcp,
    RateLimitOptions rateLimit) {
  public ServerOptions {
    listen = List.copyOf(listen);
  }
}
