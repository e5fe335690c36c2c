package dev.meridian.server;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The open connections of one {@link TcpListener} and the limits of RFC 7766 section 10: a cap per
 * client (an IPv4 address or an IPv6 /64) and in total; at the total, room made by closing the
 * connection whose last query is oldest; the idle timeout, shortened while more than half the slots
 * are taken; the deadline of a whole message; and a deadline for pending output to make progress.
 * Confined to the selector thread.
 */
final class TcpConnectionTable {
  private static final System.Logger LOG = System.getLogger(TcpConnectionTable.class.getName());

  private final TcpLimits limits;
  private final ServerStats stats;
  private final long idleNanos;
  private final long busyIdleNanos;
  private final long messageNanos;
  // in order of their last query, oldest first (access order, refreshed by touch)
  private final LinkedHashMap<TcpConnection, Boolean> open = new LinkedHashMap<>(64, 0.75f, true);
  private final Map<InetAddress, Integer> perClient = new HashMap<>();

  TcpConnectionTable(TcpLimits limits, ServerStats stats) {
    this.limits = limits;
    this.stats = stats;
    this.idleNanos = limits.idleTimeout().toNanos();
    this.busyIdleNanos = Math.min(idleNanos, limits.busyIdleTimeout().toNanos());
    this.messageNanos = limits.messageTimeout().toNanos();
  }

  long messageNanos() {
    return messageNanos;
  }

  /**
   * True when a new connection from {@code clientKey} may open, after closing the longest-waiting
   * connection if all slots are taken; false (and counted) when over the per-client cap or when
   * every open connection is busy.
   */
  boolean makeRoom(InetAddress clientKey) {
    if (perClient.getOrDefault(clientKey, 0) >= limits.maxPerClient()
        || (open.size() >= limits.maxConnections() && !evictOne())) {
      stats.tcpRejected.increment();
      return false;
    }
    return true;
  }

  void add(TcpConnection c) {
    open.put(c, Boolean.TRUE);
    perClient.merge(c.clientKey, 1, Integer::sum);
  }

  /** Marks {@code c} the most recently active (it completed a query). */
  void touch(TcpConnection c) {
    open.get(c);
  }

  /** Closes the connection whose last query is oldest and which owes no output; false if none. */
  private boolean evictOne() {
    for (TcpConnection c : open.keySet()) {
      if (!c.busy && !c.hasOutput()) {
        stats.tcpEvicted.increment();
        drop(c);
        return true;
      }
    }
    return false;
  }

  /** Closes connections past their idle timeout, message deadline or output deadline. */
  void sweep(long now) {
    long idle = open.size() > limits.maxConnections() / 2 ? busyIdleNanos : idleNanos;
    List<TcpConnection> expired = new ArrayList<>();
    for (TcpConnection c : open.keySet()) {
      if (c.isOutputStalled(now, messageNanos)
          || (c.reading && now - c.messageStart > messageNanos)
          || (!c.reading && !c.busy && !c.hasOutput() && now - c.lastQuery > idle)) {
        expired.add(c);
      }
    }
    for (TcpConnection c : expired) {
      stats.tcpTimedOut.increment();
      drop(c);
    }
  }

  /** Closes {@code c} and forgets it; a no-op the second time. */
  void drop(TcpConnection c) {
    if (!c.markClosed()) {
      return;
    }
    if (c.key != null) {
      c.key.cancel();
    }
    try {
      c.channel.close();
    } catch (IOException e) {
      LOG.log(Level.DEBUG, "close: " + e);
    }
    open.remove(c);
    perClient.computeIfPresent(c.clientKey, (k, n) -> n > 1 ? n - 1 : null);
  }

  void dropAll() {
    new ArrayList<>(open.keySet()).forEach(this::drop);
  }

  /** One IPv4 address, or one IPv6 /64 (a single host's usual share). */
  static InetAddress clientKey(InetAddress a) {
    if (!(a instanceof Inet6Address)) {
      return a;
    }
    byte[] b = a.getAddress();
    java.util.Arrays.fill(b, 8, 16, (byte) 0);
    try {
      return InetAddress.getByAddress(b);
    } catch (UnknownHostException e) {
      throw new IllegalStateException("16 bytes rejected as an address", e);
    }
  }
}
