package dev.meridian.server;

import dev.meridian.metrics.WireCounters;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of the wire layer, exported as metrics through {@link WireCounters}. Thread-safe: {@link
 * LongAdder}s, no locks.
 */
public final class ServerStats implements WireCounters {
  final LongAdder udpQueries = new LongAdder();
  final LongAdder tcpQueries = new LongAdder();
  final LongAdder dropped = new LongAdder();
  final LongAdder formerr = new LongAdder();
  final LongAdder servfail = new LongAdder();
  final LongAdder truncated = new LongAdder();
  final LongAdder tcpRejected = new LongAdder();
  final LongAdder tcpEvicted = new LongAdder();
  final LongAdder tcpTimedOut = new LongAdder();
  final LongAdder rateLimitDropped = new LongAdder();
  final LongAdder rateLimitSlipped = new LongAdder();

  public long udpQueries() {
    return udpQueries.sum();
  }

  public long tcpQueries() {
    return tcpQueries.sum();
  }

  /** Packets not answered: too short to hold a header, or responses (QR=1). */
  @Override
  public long dropped() {
    return dropped.sum();
  }

  @Override
  public long formerr() {
    return formerr.sum();
  }

  /** Queries that hit an unexpected exception and got SERVFAIL. */
  @Override
  public long servfail() {
    return servfail.sum();
  }

  @Override
  public long truncated() {
    return truncated.sum();
  }

  /**
   * TCP connections closed on accept: over max_per_client, or max_connections open and every one of
   * them busy.
   */
  @Override
  public long tcpRejected() {
    return tcpRejected.sum();
  }

  /** TCP connections closed to make room for a new one (the longest waiting for a query). */
  @Override
  public long tcpEvicted() {
    return tcpEvicted.sum();
  }

  /** TCP connections closed by the idle timeout, the message deadline or a stalled write. */
  @Override
  public long tcpTimedOut() {
    return tcpTimedOut.sum();
  }

  /** UDP responses not sent because of rate limiting. */
  @Override
  public long rateLimitDropped() {
    return rateLimitDropped.sum();
  }

  /** UDP responses sent truncated (TC=1, "slip") instead of in full because of rate limiting. */
  @Override
  public long rateLimitSlipped() {
    return rateLimitSlipped.sum();
  }
}
