package dev.meridian.health;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Non-blocking TCP connect checks: one selector thread for every probe in flight, whatever their
 * number. A probe completes with null (connected) or the cause of failure. Thread-safe.
 */
final class TcpProber implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(TcpProber.class.getName());

  private final Selector selector;
  private final ConcurrentLinkedQueue<Probe> incoming = new ConcurrentLinkedQueue<>();
  private final PriorityQueue<Probe> deadlines =
      new PriorityQueue<>((a, b) -> Long.compare(a.deadline, b.deadline));
  private final Thread thread;
  private volatile boolean running = true;

  private static final class Probe {
    final InetSocketAddress target;
    final long deadline;
    final CompletableFuture<String> result = new CompletableFuture<>();
    SocketChannel channel;

    Probe(InetSocketAddress target, long deadline) {
      this.target = target;
      this.deadline = deadline;
    }
  }

  TcpProber() throws IOException {
    selector = Selector.open();
    thread = new Thread(this::loop, "health-tcp");
    thread.setDaemon(true);
    thread.start();
  }

  /** Connects to {@code target}; completes with null on success, else the cause. */
  CompletableFuture<String> probe(InetSocketAddress target, long timeoutMillis) {
    Probe p = new Probe(target, System.nanoTime() + timeoutMillis * 1_000_000);
    incoming.add(p);
    selector.wakeup();
    return p.result;
  }

  private void loop() {
    while (running) {
      try {
        long wait = 50;
        Probe first = deadlines.peek();
        if (first != null) {
          wait = Math.max(1, Math.min(wait, (first.deadline - System.nanoTime()) / 1_000_000));
        }
        selector.select(wait);
        for (SelectionKey k : selector.selectedKeys()) {
          finish((Probe) k.attachment());
        }
        selector.selectedKeys().clear();
        Probe p;
        while ((p = incoming.poll()) != null) {
          start(p);
        }
        long now = System.nanoTime();
        while ((p = deadlines.peek()) != null && p.deadline <= now) {
          deadlines.poll();
          done(p, "timeout");
        }
      } catch (java.nio.channels.ClosedSelectorException e) {
        return; // close() was called: this generation's checks are over
      } catch (IOException | RuntimeException e) { // thread root: keep probing
        LOG.log(Level.ERROR, "health tcp loop error, continuing: " + e, e);
      }
    }
  }

  private void start(Probe p) {
    try {
      SocketChannel ch = SocketChannel.open();
      p.channel = ch;
      ch.configureBlocking(false);
      if (ch.connect(p.target)) {
        done(p, null);
        return;
      }
      ch.register(selector, SelectionKey.OP_CONNECT, p);
      deadlines.add(p);
    } catch (IOException e) {
      done(p, cause(e));
    }
  }

  private void finish(Probe p) {
    try {
      p.channel.finishConnect();
      done(p, null);
    } catch (IOException e) {
      done(p, cause(e));
    }
  }

  private void done(Probe p, String error) {
    if (p.result.isDone()) {
      return;
    }
    deadlines.remove(p);
    try {
      if (p.channel != null) {
        p.channel.close();
      }
    } catch (IOException e) {
      // closing a probe socket cannot fail in a way that matters to its result
    }
    p.result.complete(error);
  }

  static String cause(IOException e) {
    if (e instanceof ConnectException) {
      return "connection refused";
    }
    String m = e.getMessage();
    return m == null ? e.getClass().getSimpleName() : m.toLowerCase(java.util.Locale.ROOT);
  }

  @Override
  public void close() throws IOException {
    running = false;
    selector.wakeup();
    selector.close();
  }
}
