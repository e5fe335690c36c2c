package dev.meridian.server;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Sends NOTIFY (RFC 1996) to a zone's secondaries after it changes, over UDP, retrying until each
 * answers (at most 5 tries, 1 s apart). One background thread; thread-safe.
 */
public final class Notifier implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger("meridian");
  private static final int TRIES = 5;

  private final ExecutorService exec =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "notify");
            t.setDaemon(true);
            return t;
          });

  /** Tells each of {@code secondaries} that {@code zone} now has {@code soa}; returns at once. */
  public void notify(Name zone, SOARecord soa, List<InetSocketAddress> secondaries) {
    for (InetSocketAddress s : secondaries) {
      var unused = exec.submit(() -> send(zone, soa, s));
    }
  }

  private static void send(Name zone, SOARecord soa, InetSocketAddress to) {
    Message m = new Message();
    m.getHeader().setOpcode(Opcode.NOTIFY);
    m.getHeader().setFlag(Flags.AA);
    m.addRecord(Record.newRecord(zone, Type.SOA, DClass.IN), Section.QUESTION);
    m.addRecord(soa, Section.ANSWER);
    byte[] wire = m.toWire();
    try (DatagramSocket socket = new DatagramSocket()) {
      socket.setSoTimeout(1000);
      socket.connect(to);
      for (int i = 1; i <= TRIES; i++) {
        socket.send(new DatagramPacket(wire, wire.length));
        try {
          DatagramPacket p = new DatagramPacket(new byte[512], 512);
          socket.receive(p);
          Message r = new Message(Arrays.copyOf(p.getData(), p.getLength()));
          if (r.getHeader().getID() == m.getHeader().getID()) {
            LOG.log(
                Level.INFO,
                "notify: "
                    + zone
                    + " serial "
                    + soa.getSerial()
                    + " to "
                    + show(to)
                    + ": "
                    + Rcode.string(r.getRcode()));
            return;
          }
        } catch (SocketTimeoutException e) {
          // no answer yet: try again
        }
      }
      LOG.log(
          Level.WARNING,
          "notify: "
              + show(to)
              + " did not answer for "
              + zone
              + " after "
              + TRIES
              + " tries; it will still refresh on its own schedule");
    } catch (IOException e) {
      LOG.log(Level.WARNING, "notify: " + zone + " to " + show(to) + " failed: " + e);
    }
  }

  private static String show(InetSocketAddress a) {
    String h = a.getAddress().getHostAddress();
    return (h.indexOf(':') >= 0 ? "[" + h + "]" : h) + ":" + a.getPort();
  }

  @Override
  public void close() {
    exec.shutdownNow();
  }
}
