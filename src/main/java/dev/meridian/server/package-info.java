/**
 * Wire handling: UDP (SO_REUSEPORT sockets, one thread each, responses through the optional
 * response rate limiter) and TCP (RFC 7766: one NIO selector thread per address, per-client and
 * total connection caps, idle timeout shortened under load, a deadline per whole message, room made
 * by closing the longest-waiting connection; transfers and updates on a few worker threads with
 * bounded output), header checks, EDNS (RFC 6891), truncation, FORMERR/NOTIMP/BADVERS, EDNS Client
 * Subnet (RFC 7871: read from the wire by {@code ClientSubnet}, since dnsjava rejects IPv4-mapped
 * subnets; echoed in the client's own family), the fast path ({@code FastResponder}: answers
 * encoded at load, patched and sent without dnsjava) and transfer framing. Sees the engine only
 * through {@link dev.meridian.engine.QueryHandler}; never sees zones. Listener threads confine
 * their buffers. Config keys (read by config, passed as {@link dev.meridian.server.ServerOptions}):
 * listen, udp_workers, edns.payload_size, tcp.*, rate_limit.*.
 */
package dev.meridian.server;
