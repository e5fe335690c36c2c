package dev.meridian.metrics;

/**
 * The wire layer's own running totals, read at scrape time and exported as counters. Each method
 * returns a monotonic count; implementations must be thread-safe (e.g. {@code LongAdder#sum}).
 */
public interface WireCounters {
  /** Packets not answered: too short to hold a header, or responses (QR=1). */
  long dropped();

  /** Queries answered FORMERR. */
  long formerr();

  /** Queries that hit an unexpected exception and got SERVFAIL. */
  long servfail();

  /** Responses sent with TC=1 because they did not fit. */
  long truncated();

  /** TCP connections closed on accept (per-client or total limit). */
  long tcpRejected();

  /** TCP connections closed to make room for a new one. */
  long tcpEvicted();

  /** TCP connections closed by the idle timeout, the message deadline or a stalled write. */
  long tcpTimedOut();

  /** UDP responses not sent because of rate limiting. */
  long rateLimitDropped();

  /** UDP responses sent truncated ("slip") instead of in full because of rate limiting. */
  long rateLimitSlipped();
}
