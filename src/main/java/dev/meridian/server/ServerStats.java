package dev.meridian.server;

import java.util.concurrent.atomic.LongAdder;

/** Counters of the wire layer. Thread-safe: {@link LongAdder}s, no locks. */
public final class ServerStats {
  final LongAdder udpQueries = new LongAdder();
  final LongAdder tcpQueries = new LongAdder();
  final LongAdder dropped = new LongAdder();
  final LongAdder formerr = new LongAdder();
  final LongAdder servfail = new LongAdder();
  final LongAdder truncated = new LongAdder();
  final LongAdder tcpRejected = new LongAdder();

  public long udpQueries() {
    return udpQueries.sum();
  }

  public long tcpQueries() {
    return tcpQueries.sum();
  }

  /** Packets not answered: too short to hold a header, or responses (QR=1). */
  public long dropped() {
    return dropped.sum();
  }

  public long formerr() {
    return formerr.sum();
  }

  /** Queries that hit an unexpected exception and got SERVFAIL. */
  public long servfail() {
    return servfail.sum();
  }

  public long truncated() {
    return truncated.sum();
  }

  /** TCP connections closed on accept because max_connections were open. */
  public long tcpRejected() {
    return tcpRejected.sum();
  }
}
