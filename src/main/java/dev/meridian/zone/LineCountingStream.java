package dev.meridian.zone;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Feeds a zone file to dnsjava's tokenizer byte by byte (it does not re-buffer a {@link
 * BufferedInputStream}) and notes the line where each record starts, so that our own checks can say
 * {@code file:line}. Comments, blank lines and {@code $} directive lines do not start records.
 * Confined to the loading thread.
 */
final class LineCountingStream extends BufferedInputStream {
  private int line = 1;
  private int start = -1;
  private boolean lineStart = true;
  private boolean directiveLine;
  private boolean comment;
  private boolean quoted;
  private boolean escaped;

  LineCountingStream(InputStream in) {
    super(in);
  }

  /** Forget the start of the previous record. */
  void mark() {
    start = -1;
  }

  /** The line of the last byte read (1-based). */
  int line() {
    return line;
  }

  /** The line of the first byte of the record read since {@link #mark()}, or -1. */
  int recordStart() {
    return start;
  }

  @Override
  public synchronized int read() throws IOException {
    int b = super.read();
    if (b >= 0) {
      see(b);
    }
    return b;
  }

  @Override
  public synchronized int read(byte[] buf, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    int b = read();
    if (b < 0) {
      return -1;
    }
    buf[off] = (byte) b;
    return 1;
  }

  private void see(int b) {
    if (b == '\n') {
      line++;
      lineStart = true;
      directiveLine = false;
      comment = false;
      return;
    }
    if (comment) {
      return;
    }
    if (escaped) {
      escaped = false;
    } else if (b == '\\') {
      escaped = true;
    } else if (b == '"') {
      quoted = !quoted;
    } else if (b == ';' && !quoted) {
      comment = true;
      return;
    }
    if (b == ' ' || b == '\t' || b == '\r') {
      return;
    }
    if (lineStart) {
      lineStart = false;
      directiveLine = b == '$';
    }
    if (!directiveLine && start < 0) {
      start = line;
    }
  }
}
