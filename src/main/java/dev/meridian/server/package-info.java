/**
 * Wire handling: UDP (SO_REUSEPORT sockets, one thread each) and TCP (RFC 7766 framing, idle
 * timeout, bounded connections) listeners, header checks, EDNS (RFC 6891), truncation,
 * FORMERR/NOTIMP/BADVERS, EDNS Client Subnet (RFC 7871: read from the wire by {@code ClientSubnet},
 * since dnsjava rejects IPv4-mapped subnets; echoed in the client's own family) and transfer
 * framing. Sees the engine only through {@link dev.meridian.engine.QueryHandler}; never sees zones.
 * Listener threads confine their buffers.
 */
package dev.meridian.server;
