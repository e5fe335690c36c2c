package dev.meridian.server;

import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * Serves DNS over TCP on one address (RFC 7766): length-prefixed messages, several queries per
 * connection answered in order, an idle timeout, and at most {@code maxConnections} open
 * connections, each on its own thread (a bounded number). Thread-safe.
 */
final class TcpListener implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(TcpListener.class.getName());

  private final ServerSocket server;
  private final Semaphore slots;
  private final int idleMillis;
  private final PacketProcessor processor;
  private final ServerStats stats;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final Thread acceptor;

  TcpListener(
      InetSocketAddress address,
      int maxConnections,
      Duration idle,
      PacketProcessor processor,
      ServerStats stats)
      throws IOException {
    this.server = new ServerSocket();
    try {
      server.setReuseAddress(true);
      server.bind(address, 256);
    } catch (IOException e) {
      server.close();
      throw e;
    }
    this.slots = new Semaphore(maxConnections);
    this.idleMillis = (int) Math.min(Integer.MAX_VALUE, idle.toMillis());
    this.processor = processor;
    this.stats = stats;
    this.acceptor = new Thread(this::acceptLoop, "tcp-accept-" + address());
    acceptor.setDaemon(true);
  }

  void start() {
    acceptor.start();
  }

  InetSocketAddress address() {
    return (InetSocketAddress) server.getLocalSocketAddress();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      Socket s;
      try {
        s = server.accept();
      } catch (IOException e) {
        if (!server.isClosed()) {
          LOG.log(Level.WARNING, "tcp accept failed, continuing: " + e);
        }
        continue;
      }
      if (!slots.tryAcquire()) {
        stats.tcpRejected.increment();
        closeQuietly(s); // over max_connections: refuse at once rather than queue
        continue;
      }
      open.add(s);
      Thread t = new Thread(() -> serve(s), "tcp-" + s.getRemoteSocketAddress());
      t.setDaemon(true);
      t.start();
    }
  }

  private void serve(Socket s) {
    try (s) {
      s.setSoTimeout(idleMillis);
      s.setTcpNoDelay(true);
      DataInputStream in = new DataInputStream(s.getInputStream());
      OutputStream out = new BufferedOutputStream(s.getOutputStream(), 65537);
      byte[] packet = new byte[65535];
      PacketProcessor.Sink sink =
          wire -> {
            out.write(wire.length >>> 8);
            out.write(wire.length & 0xff);
            out.write(wire);
          };
      while (true) {
        int length = readLength(in);
        if (length <= 0) {
          return; // EOF between messages, or a zero length: end of conversation
        }
        in.readFully(packet, 0, length);
        stats.tcpQueries.increment();
        processor.handle(packet, length, s.getInetAddress(), true, sink);
        out.flush();
      }
    } catch (SocketTimeoutException | EOFException e) {
      // idle past the timeout, or the peer went away mid-message: just close
    } catch (SocketException e) {
      // reset by the peer, or closed by close(): nothing to answer
    } catch (Throwable t) { // thread root
      LOG.log(Level.ERROR, "tcp connection error, closing it: " + t, t);
    } finally {
      open.remove(s);
      slots.release();
    }
  }

  private static int readLength(InputStream in) throws IOException {
    int hi = in.read();
    if (hi < 0) {
      return -1;
    }
    int lo = in.read();
    if (lo < 0) {
      return -1;
    }
    return (hi << 8) | lo;
  }

  @Override
  public void close() {
    closeQuietly(server);
    for (Socket s : open) {
      closeQuietly(s);
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      LOG.log(Level.DEBUG, "close: " + e);
    }
  }
}
