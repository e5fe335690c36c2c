package dev.meridian.server;

import dev.meridian.engine.QueryHandler;
import dev.meridian.engine.QueryLog;
import dev.meridian.metrics.Metrics;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The UDP and TCP listeners of every configured address, sharing one response rate limiter (UDP
 * only; TCP is never limited) and one {@link Metrics} (queries counted, {@link ServerStats}
 * exported). Thread-safe; {@link #close()} stops them all.
 */
public final class DnsServer implements AutoCloseable {
  private static final int EPHEMERAL_TRIES = 10;

  private final List<UdpListener> udp = new ArrayList<>();
  private final List<TcpListener> tcp = new ArrayList<>();
  private final ServerStats stats = new ServerStats();
  private PacketProcessor processor;
  private final Metrics metrics;

  private DnsServer(Metrics metrics) {
    this.metrics = metrics;
  }

  /**
   * Binds every address (UDP and TCP on the same port) and starts serving, with metrics from {@link
   * Metrics#fromProperties()} (on unless {@code -Dmeridian.metrics.enabled=false}).
   */
  public static DnsServer start(ServerOptions options, QueryHandler handler) throws IOException {
    return start(options, handler, Metrics.fromProperties());
  }

  /**
   * Binds every address (UDP and TCP on the same port) and starts serving, counting into {@code
   * metrics} ({@link Metrics#disabled()} counts nothing).
   */
  public static DnsServer start(ServerOptions options, QueryHandler handler, Metrics metrics)
      throws IOException {
    DnsServer s = new DnsServer(metrics);
    metrics.exportWire(s.stats);
    PacketProcessor processor =
        new PacketProcessor(handler, options.ednsPayloadSize(), s.stats, metrics.queries());
    s.processor = processor;
    ResponseRateLimiter limiter =
        options.rateLimit().isEnabled()
            ? new ResponseRateLimiter(options.rateLimit(), System::nanoTime)
            : null;
    try {
      for (InetSocketAddress a : options.listen()) {
        s.bind(a, options, processor, limiter);
      }
    } catch (IOException e) {
      s.close();
      throw e;
    }
    s.udp.forEach(UdpListener::start);
    s.tcp.forEach(TcpListener::start);
    return s;
  }

  /** Offers every answered query to {@code log} from now on (null: stop). */
  public void logQueries(QueryLog log) {
    processor.logTo(log);
  }

  /**
   * TCP first, without SO_REUSEPORT, so that a port another process holds is refused rather than
   * silently shared; then the UDP sockets on the same port.
   */
  private void bind(
      InetSocketAddress a, ServerOptions o, PacketProcessor p, ResponseRateLimiter limiter)
      throws IOException {
    for (int attempt = 1; ; attempt++) {
      TcpListener t;
      try {
        t = new TcpListener(a, o.tcp(), p, stats);
      } catch (BindException e) {
        throw new BindException("TCP " + show(a) + ": " + e.getMessage());
      }
      try {
        UdpListener u = new UdpListener(t.address(), o.udpWorkers(), p, limiter, stats);
        udp.add(u);
        tcp.add(t);
        return;
      } catch (BindException e) {
        t.close();
        if (a.getPort() != 0 || attempt >= EPHEMERAL_TRIES) {
          throw new BindException("UDP " + show(t.address()) + ": " + e.getMessage());
        }
        // port 0: TCP got a port whose UDP twin is taken; try another
      }
    }
  }

  private static String show(InetSocketAddress a) {
    String host = a.getAddress().getHostAddress();
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
  }

  /** The addresses actually bound, in configuration order (ports resolved when 0 was asked). */
  public List<InetSocketAddress> addresses() {
    List<InetSocketAddress> out = new ArrayList<>();
    for (UdpListener u : udp) {
      out.add(u.address());
    }
    return out;
  }

  public ServerStats stats() {
    return stats;
  }

  /** The metrics this server counts into (for {@code GET /metrics}). */
  public Metrics metrics() {
    return metrics;
  }

  @Override
  public void close() {
    udp.forEach(UdpListener::close);
    tcp.forEach(TcpListener::close);
  }
}
