package dev.meridian.server;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;

/**
 * One TCP client of a {@link TcpListener}: RFC 1035 section 4.2.2 framing of what it sends, and the
 * queue of what we send back. Input state is confined to the selector thread; the output queue is
 * guarded by this object's monitor, because a zone transfer fills it from a worker thread while the
 * selector thread drains it.
 */
final class TcpConnection {
  /** Output queued beyond this stops reading (pipelining) or makes a transfer wait. */
  static final int OUTPUT_BOUND = 256 * 1024;

  /** Receives each complete message; {@code packet} may be reused once the call returns. */
  interface Receiver {
    void receive(TcpConnection c, byte[] packet, int length) throws IOException;
  }

  final SocketChannel channel;
  final InetAddress client;
  final InetAddress clientKey;
  SelectionKey key;

  // selector thread only
  long lastQuery; // accept, the last complete query, or the end of a transfer (System.nanoTime)
  long messageStart; // when the first byte of the message being read arrived
  boolean reading; // part of a message has arrived
  boolean busy; // a transfer or update runs on a worker; later queries wait (answers stay in order)
  boolean endOfInput;
  byte[] stash; // input not yet framed because busy or output full
  private int lengthBytes;
  private int length;
  private byte[] body;
  private int filled;

  // guarded by this
  private final ArrayDeque<ByteBuffer> out = new ArrayDeque<>();
  private int outBytes;
  private long lastWrite;
  private boolean closed;

  TcpConnection(SocketChannel channel, InetAddress client, InetAddress clientKey, long now) {
    this.channel = channel;
    this.client = client;
    this.clientKey = clientKey;
    this.lastQuery = now;
  }

  /**
   * Frames {@code src[p..end)}: each complete message goes to {@code to}; a message split across
   * reads is kept in a buffer of its own length. Stops, keeping the rest in {@link #stash}, while
   * {@link #busy} or while output is over {@link #OUTPUT_BOUND}.
   */
  void consume(byte[] src, int p, int end, byte[] scratch, long now, Receiver to)
      throws IOException {
    while (p < end) {
      if (busy || outputFull() || !channel.isOpen()) {
        keep(src, p, end);
        return;
      }
      if (body == null) {
        if (lengthBytes == 0) {
          reading = true;
          messageStart = now;
          int len = end - p >= 2 ? ((src[p] & 0xFF) << 8) | (src[p + 1] & 0xFF) : -1;
          if (len > 0 && end - p - 2 >= len) { // the usual case: a whole message in one read
            System.arraycopy(src, p + 2, scratch, 0, len);
            p += 2 + len;
            reading = false;
            to.receive(this, scratch, len);
            continue;
          }
        }
        length = (length << 8) | (src[p++] & 0xFF);
        if (++lengthBytes == 2) {
          if (length == 0) {
            throw new IOException("zero-length message"); // RFC 7766: nothing to answer
          }
          body = new byte[length];
          filled = 0;
          lengthBytes = 0;
          length = 0;
        }
      } else {
        int n = Math.min(end - p, body.length - filled);
        System.arraycopy(src, p, body, filled, n);
        p += n;
        filled += n;
        if (filled == body.length) {
          byte[] whole = body;
          body = null;
          reading = false;
          to.receive(this, whole, whole.length);
        }
      }
    }
  }

  private void keep(byte[] src, int p, int end) {
    if (stash == null) {
      stash = java.util.Arrays.copyOfRange(src, p, end);
    } else {
      byte[] more = java.util.Arrays.copyOf(stash, stash.length + end - p);
      System.arraycopy(src, p, more, stash.length, end - p);
      stash = more;
    }
  }

  /** Queues one response (selector thread); the caller flushes. */
  synchronized void enqueue(byte[] wire, long now) throws IOException {
    if (closed) {
      throw new IOException("connection closed");
    }
    if (outBytes == 0) {
      lastWrite = now; // progress is measured from when output became pending
    }
    ByteBuffer frame = ByteBuffer.allocate(2 + wire.length);
    frame.putShort((short) wire.length).put(wire).flip();
    out.add(frame);
    outBytes += frame.capacity();
  }

  /**
   * Queues one response from a worker, first waiting while output is over the bound; throws when
   * the connection closes or the client has not made room within {@code timeoutNanos}.
   */
  synchronized void enqueueWaiting(byte[] wire, long timeoutNanos) throws IOException {
    long deadline = System.nanoTime() + timeoutNanos;
    while (!closed && outputFull()) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new IOException("client is not reading its transfer");
      }
      try {
        wait(Math.max(1, left / 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      }
    }
    enqueue(wire, System.nanoTime());
  }

  /** Writes what the socket takes without blocking (selector thread). */
  synchronized void flush(long now) throws IOException {
    while (!out.isEmpty()) {
      ByteBuffer b = out.peek();
      if (channel.write(b) > 0) {
        lastWrite = now;
      }
      if (b.hasRemaining()) {
        break;
      }
      out.poll();
      outBytes -= b.capacity();
    }
    if (!outputFull()) {
      notifyAll();
    }
  }

  synchronized boolean hasOutput() {
    return outBytes > 0;
  }

  synchronized boolean outputFull() {
    return outBytes >= OUTPUT_BOUND;
  }

  /** True when output has been pending without progress for longer than {@code limit}. */
  synchronized boolean isOutputStalled(long now, long limit) {
    return outBytes > 0 && now - lastWrite > limit;
  }

  /** Marks closed and wakes a worker waiting to queue; true the first time. */
  synchronized boolean markClosed() {
    if (closed) {
      return false;
    }
    closed = true;
    out.clear();
    outBytes = 0;
    notifyAll();
    return true;
  }

  /** True when the connection waits for its next query: nothing half-read, running or unsent. */
  boolean isIdle() {
    return !reading && !busy && stash == null && !hasOutput();
  }
}
