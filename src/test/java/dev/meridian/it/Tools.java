package dev.meridian.it;

import java.io.Closeable;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * External programs the integration tests drive (nsupdate, knotd, dig). On a developer's machine a
 * missing one skips its test with the command that installs it; in CI (the {@code CI} variable is
 * set, as {@code .ci/run} runs) it fails the build, so that a test never passes by not running.
 */
public final class Tools {
  private Tools() {}

  /** The program at {@code path}, which must be executable; {@code install} says how to get it. */
  public static Path require(String path, String install) {
    Path p = Path.of(path);
    if (!Files.isExecutable(p)) {
      String why = p + " is not installed (" + install + ")";
      if (System.getenv("CI") != null) {
        Assertions.fail(why + "; CI must install it (.ci/install-deps)");
      }
      Assumptions.abort(why);
    }
    return p;
  }

  /**
   * A port held for a child process (knotd, a second meridian) to bind on 127.0.0.1, over TCP and
   * UDP: these sockets hold it at 127.0.0.10, so while they stay open no wildcard bind can take the
   * port and Linux gives it to no outgoing socket as its ephemeral port, yet 127.0.0.1:port is free
   * for the child, now and after the child is killed and restarted. Close it after the child.
   */
  public record Reservation(ServerSocket tcp, DatagramSocket udp) implements Closeable {
    public int port() {
      return tcp.getLocalPort();
    }

    @Override
    public void close() throws IOException {
      udp.close();
      tcp.close();
    }
  }

  public static Reservation reservePort() throws IOException {
    InetAddress holder = InetAddress.getByName("127.0.0.10");
    InetAddress child = InetAddress.getLoopbackAddress();
    for (int attempt = 0; attempt < 20; attempt++) {
      ServerSocket tcp = new ServerSocket(0, 1, holder);
      int port = tcp.getLocalPort();
      // port 0 on 127.0.0.10 may pick a port someone uses on 127.0.0.1 only: check it is free there
      try {
        new ServerSocket(port, 1, child).close();
        new DatagramSocket(new InetSocketAddress(child, port)).close();
        return new Reservation(tcp, new DatagramSocket(new InetSocketAddress(holder, port)));
      } catch (IOException taken) {
        tcp.close(); // in use: try another
      }
    }
    throw new IOException("no port free on both 127.0.0.1 and 127.0.0.10 in 20 tries");
  }

  /** The exit status our scripts use when a tool they need is missing (as automake's tests do). */
  static final int MISSING_TOOL = 77;

  /**
   * Runs a project script from the project root, output into {@code log}, for at most ten minutes
   * (then it and its children are stopped, as they are whatever happens); skips when the script
   * reports a missing tool (exit 77), or fails when {@code CI} is set. Returns what it printed,
   * after checking it exited 0.
   */
  static String runScript(Path log, String... command) throws Exception {
    Process p =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    String name = String.join(" ", command);
    try {
      if (!p.waitFor(10, java.util.concurrent.TimeUnit.MINUTES)) {
        Assertions.fail(name + " still running after 10 minutes:\n" + Files.readString(log));
      }
    } finally {
      p.descendants().forEach(ProcessHandle::destroy); // the scripts stop what they start; this is
      p.destroy(); // for a timeout or an interrupted test
    }
    String out = Files.readString(log);
    System.out.println(out);
    if (p.exitValue() == MISSING_TOOL) {
      if (System.getenv("CI") != null) {
        Assertions.fail(
            "CI is set but a tool is missing (.ci/install-deps installs them):\n" + out);
      }
      Assumptions.abort(out.strip());
    }
    Assertions.assertEquals(0, p.exitValue(), name + " failed:\n" + out);
    return out;
  }
}
