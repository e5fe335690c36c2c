/**
 * Wire handling: UDP (SO_REUSEPORT sockets, one thread each) and TCP (RFC 7766 framing, idle
 * timeout, bounded connections) listeners, header checks, EDNS (RFC 6891), truncation,
 * FORMERR/NOTIMP/BADVERS and transfer framing. Sees the engine only through {@link
 * dev.meridian.engine.QueryHandler}; never sees zones. Listener threads confine their buffers.
 */
package dev.meridian.server;
