package dev.meridian.server;

import dev.meridian.engine.QueryHandler;

/**
 * Test access to the package-private {@link FastResponder} for the JMH benchmarks in {@code
 * dev.meridian.bench}: one responder and one worker's {@link FastResponder.State}. Confined to one
 * thread, like the state it holds.
 */
public final class FastResponderProbe {
  private final FastResponder responder;
  private final FastResponder.State state = new FastResponder.State();

  public FastResponderProbe(QueryHandler handler, int payloadSize) {
    responder = new FastResponder(handler, payloadSize);
  }

  /** The fast path's response length for {@code packet[0..length)} over UDP, or -1. */
  public int respond(byte[] packet, int length) {
    return responder.respond(
        packet, length, java.net.InetAddress.getLoopbackAddress(), false, state);
  }

  /** The buffer {@link #respond} writes the response into. */
  public byte[] out() {
    return state.out;
  }
}
