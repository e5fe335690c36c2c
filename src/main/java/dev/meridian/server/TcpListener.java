package dev.meridian.server;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Iterator;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Serves DNS over TCP on one address (RFC 7766) from one selector thread: length-prefixed messages,
 * pipelined queries answered in order, and limits that keep room for new clients under hostile load
 * (section 10): a total and a per-client cap, an idle timeout that shortens while more than half
 * the slots are taken, a deadline for each whole message rather than each read, and, at capacity,
 * closing the connection that has waited longest for its next query. Queries are answered on the
 * selector thread (answering never blocks); zone transfers and updates run on a few worker threads
 * whose output waits for a slow reader, which is closed if it stops reading. Thread-safe: {@link
 * #close()} may be called from any thread; all else is selector-confined.
 */
final class TcpListener implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(TcpListener.class.getName());
  private static final long SWEEP_NANOS = 50_000_000L;
  private static final int BACKLOG = 1024;
  private static final int WORKERS = 8;

  private final ServerSocketChannel server;
  private final Selector selector;
  private final PacketProcessor processor;
  private final ServerStats stats;
  private final Thread loop;
  private final ThreadPoolExecutor workers;
  private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private volatile boolean stopping;

  // selector thread only
  private final TcpConnectionTable table;
  private final ByteBuffer readBuffer = ByteBuffer.allocate(65536 + 2);
  private final byte[] scratch = new byte[65535];
  private long now;
  private long lastAcceptError;

  TcpListener(InetSocketAddress address, TcpLimits limits, PacketProcessor processor, ServerStats s)
      throws IOException {
    this.server = ServerSocketChannel.open();
    try {
      server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
      server.bind(address, BACKLOG);
      server.configureBlocking(false);
      this.selector = Selector.open();
      server.register(selector, SelectionKey.OP_ACCEPT);
    } catch (IOException e) {
      server.close();
      throw e;
    }
    this.table = new TcpConnectionTable(limits, s);
    this.processor = processor;
    this.stats = s;
    this.workers =
        new ThreadPoolExecutor(
            WORKERS,
            WORKERS,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "tcp-transfer-" + address.getPort());
              t.setDaemon(true);
              return t;
            });
    workers.allowCoreThreadTimeOut(true);
    this.loop = new Thread(this::run, "tcp-" + address());
    loop.setDaemon(true);
  }

  void start() {
    loop.start();
  }

  InetSocketAddress address() {
    return (InetSocketAddress) server.socket().getLocalSocketAddress();
  }

  private void run() {
    long lastSweep = System.nanoTime();
    while (!stopping) {
      try {
        selector.select(SWEEP_NANOS / 1_000_000);
        now = System.nanoTime();
        for (Runnable r; (r = tasks.poll()) != null; ) {
          r.run();
        }
        Iterator<SelectionKey> it = selector.selectedKeys().iterator();
        while (it.hasNext()) {
          SelectionKey k = it.next();
          it.remove();
          if (!k.isValid()) {
            continue;
          }
          if (k.isAcceptable()) {
            acceptAll();
          } else {
            ready((TcpConnection) k.attachment(), k);
          }
        }
        if (now - lastSweep >= SWEEP_NANOS) {
          lastSweep = now;
          table.sweep(now);
        }
      } catch (Throwable t) { // thread root: one connection never stops the listener
        LOG.log(Level.ERROR, "tcp listener error, continuing: " + t, t);
      }
    }
    table.dropAll();
    closeQuietly(selector);
  }

  private void acceptAll() {
    for (int i = 0; i < 256; i++) { // then serve the ready connections before accepting more
      SocketChannel ch = null;
      try {
        ch = server.accept();
        if (ch == null) {
          return;
        }
        admit(ch);
      } catch (IOException e) {
        if (ch != null) {
          closeQuietly(ch); // reset before we could register it
        }
        if (now - lastAcceptError > 10_000_000_000L || lastAcceptError == 0) {
          lastAcceptError = now; // e.g. out of file descriptors: say so every 10 s, not per try
          LOG.log(Level.WARNING, "tcp accept failed, continuing: " + e);
        }
        return;
      }
    }
  }

  private void admit(SocketChannel ch) throws IOException {
    InetAddress client = ((InetSocketAddress) ch.getRemoteAddress()).getAddress();
    InetAddress clientKey = TcpConnectionTable.clientKey(client);
    if (!table.makeRoom(clientKey)) {
      closeQuietly(ch);
      return;
    }
    ch.configureBlocking(false);
    ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
    TcpConnection c = new TcpConnection(ch, client, clientKey, now);
    c.key = ch.register(selector, SelectionKey.OP_READ, c);
    table.add(c);
  }

  private void ready(TcpConnection c, SelectionKey k) {
    try {
      if (k.isWritable()) {
        c.flush(now);
      }
      if (k.isValid() && k.isReadable()) {
        read(c);
      }
      afterEvent(c);
    } catch (IOException e) {
      table.drop(c); // reset by the peer, a zero-length message, or a write to a closed socket
    }
  }

  private void read(TcpConnection c) throws IOException {
    readBuffer.clear();
    int n = c.channel.read(readBuffer);
    if (n < 0) {
      c.endOfInput = true;
      return;
    }
    c.consume(readBuffer.array(), 0, n, scratch, now, this::receive);
  }

  /** One complete message: answered here, or handed to a worker for transfers and updates. */
  private void receive(TcpConnection c, byte[] packet, int length) throws IOException {
    c.lastQuery = now;
    table.touch(c);
    stats.tcpQueries.increment();
    if (!runsOnWorker(packet, length)) {
      processor.handle(packet, length, c.client, true, wire -> c.enqueue(wire, now));
      c.flush(now);
      return;
    }
    byte[] own = packet == scratch ? java.util.Arrays.copyOf(packet, length) : packet;
    c.busy = true;
    workers.execute(() -> work(c, own));
  }

  private void work(TcpConnection c, byte[] packet) {
    boolean failed = false;
    try {
      processor.handle(
          packet,
          packet.length,
          c.client,
          true,
          wire -> {
            c.enqueueWaiting(wire, table.messageNanos());
            post(() -> flushFromWorker(c));
          });
    } catch (IOException e) {
      failed = true; // the client went away or stopped reading: close it
    } catch (Throwable t) { // thread root
      failed = true;
      LOG.log(Level.ERROR, "tcp transfer failed, closing the connection: " + t, t);
    }
    boolean close = failed;
    post(() -> workDone(c, close));
  }

  private void flushFromWorker(TcpConnection c) {
    if (!c.channel.isOpen()) {
      return;
    }
    try {
      c.flush(now);
      afterEvent(c);
    } catch (IOException e) {
      table.drop(c);
    }
  }

  private void workDone(TcpConnection c, boolean close) {
    if (!c.channel.isOpen()) {
      return;
    }
    if (close) {
      stats.tcpTimedOut.increment(); // the client stopped reading its transfer
      table.drop(c);
      return;
    }
    c.busy = false;
    c.lastQuery = now;
    resume(c);
  }

  /** Frames input kept while busy or while output was full, once neither holds. */
  private void resume(TcpConnection c) {
    try {
      if (c.stash != null && !c.busy && !c.outputFull()) {
        byte[] s = c.stash;
        c.stash = null;
        c.consume(s, 0, s.length, scratch, now, this::receive);
      }
      afterEvent(c);
    } catch (IOException e) {
      table.drop(c);
    }
  }

  /** Sets what to wait for: input unless paused, output while some is queued. */
  private void afterEvent(TcpConnection c) {
    if (!c.channel.isOpen()) {
      return;
    }
    if (c.stash != null && !c.busy && !c.outputFull()) {
      resume(c);
      return;
    }
    boolean output = c.hasOutput();
    if (c.endOfInput && !output && !c.busy && c.stash == null) {
      table.drop(c); // the client finished sending and has every answer
      return;
    }
    int ops = output ? SelectionKey.OP_WRITE : 0;
    if (!c.busy && !c.endOfInput && c.stash == null && !c.outputFull()) {
      ops |= SelectionKey.OP_READ;
    }
    if (c.key.isValid() && c.key.interestOps() != ops) {
      c.key.interestOps(ops);
    }
  }

  private void post(Runnable r) {
    tasks.add(r);
    selector.wakeup();
  }

  /** Transfers and anything but a plain query (updates write the journal) go to a worker. */
  static boolean runsOnWorker(byte[] p, int len) {
    if (len < 12 || (p[2] & 0x80) != 0) {
      return false; // dropped at once by the processor
    }
    if (((p[2] >> 3) & 0xF) != 0) {
      return true;
    }
    int end = ResponseClass.skipName(p, 12, len);
    if (end < 0 || end + 2 > len) {
      return false;
    }
    int qtype = ((p[end] & 0xFF) << 8) | (p[end + 1] & 0xFF);
    return qtype == 252 || qtype == 251; // AXFR, IXFR
  }

  @Override
  public void close() {
    stopping = true;
    closeQuietly(server);
    selector.wakeup();
    if (loop.isAlive() && Thread.currentThread() != loop) {
      try {
        loop.join(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    } else if (!loop.isAlive()) {
      closeQuietly(selector);
    }
    workers.shutdownNow();
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      LOG.log(Level.DEBUG, "close: " + e);
    }
  }
}
