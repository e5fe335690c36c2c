package dev.meridian.server;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * Serves one UDP address with several threads, each blocking on its own SO_REUSEPORT socket so that
 * the kernel spreads packets without a shared lock. Each response passes the rate limiter when one
 * is configured (sent, dropped, or sent truncated). Each thread confines its buffers.
 */
final class UdpListener implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(UdpListener.class.getName());

  private final List<DatagramChannel> channels = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private final InetSocketAddress bound;

  UdpListener(
      InetSocketAddress address,
      int workers,
      PacketProcessor processor,
      ResponseRateLimiter limiter,
      ServerStats stats)
      throws IOException {
    ProtocolFamily family =
        address.getAddress() instanceof java.net.Inet6Address
            ? StandardProtocolFamily.INET6
            : StandardProtocolFamily.INET;
    try {
      DatagramChannel first = open(family, workers > 1);
      first.bind(address);
      channels.add(first);
      bound = (InetSocketAddress) first.getLocalAddress();
      for (int i = 1; i < workers; i++) {
        DatagramChannel ch = open(family, true);
        ch.bind(bound);
        channels.add(ch);
      }
    } catch (IOException e) {
      close();
      throw e;
    }
    for (int i = 0; i < channels.size(); i++) {
      DatagramChannel ch = channels.get(i);
      Worker w = new Worker(ch, limiter, stats);
      Thread t = new Thread(() -> serve(ch, processor, w, stats), "udp-" + bound + "-" + i);
      t.setDaemon(true);
      threads.add(t);
    }
  }

  void start() {
    threads.forEach(Thread::start);
  }

  InetSocketAddress address() {
    return bound;
  }

  private static DatagramChannel open(ProtocolFamily family, boolean reusePort) throws IOException {
    DatagramChannel ch = DatagramChannel.open(family);
    if (reusePort && ch.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT)) {
      ch.setOption(StandardSocketOptions.SO_REUSEPORT, true);
    }
    ch.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20);
    return ch;
  }

  private static void serve(
      DatagramChannel ch, PacketProcessor processor, Worker sink, ServerStats stats) {
    ByteBuffer in = ByteBuffer.allocateDirect(65535);
    byte[] packet = new byte[65535];
    while (ch.isOpen()) {
      try {
        in.clear();
        InetSocketAddress from = (InetSocketAddress) ch.receive(in);
        if (from == null) {
          continue;
        }
        in.flip();
        int length = in.remaining();
        in.get(packet, 0, length);
        stats.udpQueries.increment();
        sink.to = from;
        processor.handle(packet, length, from.getAddress(), false, sink);
      } catch (ClosedChannelException e) {
        return; // close() was called: the listener is shutting down
      } catch (IOException e) {
        // a failed send to one client (e.g. ICMP unreachable surfaced late) is no reason to stop
        LOG.log(Level.DEBUG, "udp: " + e);
      } catch (Throwable t) { // thread root: one packet never kills a listener
        LOG.log(Level.ERROR, "udp listener error, continuing: " + t, t);
      }
    }
  }

  /** Sends the responses of one thread, through the rate limiter if any. Thread-confined. */
  private static final class Worker implements PacketProcessor.Sink {
    private final DatagramChannel channel;
    private final ResponseRateLimiter limiter;
    private final ServerStats stats;
    private final ByteBuffer out = ByteBuffer.allocateDirect(65535);
    private final byte[] slip;
    InetSocketAddress to;

    Worker(DatagramChannel channel, ResponseRateLimiter limiter, ServerStats stats) {
      this.channel = channel;
      this.limiter = limiter;
      this.stats = stats;
      this.slip = limiter == null ? null : new byte[65535];
    }

    @Override
    public void send(byte[] wire) throws IOException {
      send(wire, wire.length);
    }

    /** Sends {@code wire[0..length)}: no copy but into the direct buffer the kernel reads. */
    @Override
    public void send(byte[] wire, int length) throws IOException {
      byte[] w = wire;
      int len = length;
      if (limiter != null) {
        int verdict = limiter.check(to.getAddress(), wire, len);
        if (verdict == ResponseRateLimiter.SLIP) {
          len = ResponseClass.slip(wire, len, slip);
          w = slip;
        }
        if (verdict == ResponseRateLimiter.DROP || len < 0) {
          stats.rateLimitDropped.increment();
          return;
        }
        if (verdict == ResponseRateLimiter.SLIP) {
          stats.rateLimitSlipped.increment();
        }
      }
      out.clear();
      out.put(w, 0, len).flip();
      channel.send(out, to);
    }
  }

  @Override
  public void close() {
    for (DatagramChannel ch : channels) {
      try {
        ch.close();
      } catch (IOException e) {
        LOG.log(Level.DEBUG, "closing udp socket: " + e);
      }
    }
  }
}
