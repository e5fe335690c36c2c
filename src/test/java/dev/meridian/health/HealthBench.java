package dev.meridian.health;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The health-check scale benchmark (bench/health-bench.sh runs it; not a unit test). Mode {@code
 * listeners N FILE}: N TCP listeners on 127.0.0.1 that accept and close, ports written to FILE.
 * Mode {@code check FILE INTERVAL_MS SECONDS}: one TCP check per listener, reporting scheduling lag
 * (p50, p99, max) and this process's CPU use.
 */
public final class HealthBench {
  private HealthBench() {}

  public static void main(String[] args) throws Exception {
    if (args[0].equals("listeners")) {
      listeners(Integer.parseInt(args[1]), Path.of(args[2]));
    } else {
      check(Path.of(args[1]), Long.parseLong(args[2]), Long.parseLong(args[3]));
    }
  }

  private static void listeners(int n, Path out) throws Exception {
    Selector sel = Selector.open();
    StringBuilder ports = new StringBuilder();
    InetAddress lo = InetAddress.getLoopbackAddress();
    for (int i = 0; i < n; i++) {
      ServerSocketChannel s = ServerSocketChannel.open();
      s.bind(new InetSocketAddress(lo, 0), 128);
      s.configureBlocking(false);
      s.register(sel, SelectionKey.OP_ACCEPT);
      ports.append(((InetSocketAddress) s.getLocalAddress()).getPort()).append('\n');
    }
    Files.writeString(out, ports.toString());
    while (true) {
      sel.select();
      for (SelectionKey k : sel.selectedKeys()) {
        SocketChannel c = ((ServerSocketChannel) k.channel()).accept();
        if (c != null) {
          c.close();
        }
      }
      sel.selectedKeys().clear();
    }
  }

  private static void check(Path portsFile, long intervalMs, long seconds) throws Exception {
    List<Target> targets = new ArrayList<>();
    InetAddress lo = InetAddress.getLoopbackAddress();
    for (String p : Files.readAllLines(portsFile)) {
      if (p.isBlank()) {
        continue;
      }
      int i = targets.size();
      Check c =
          new Check(
              Check.Kind.TCP,
              new InetSocketAddress(lo, Integer.parseInt(p.trim())),
              "/",
              Set.of(),
              null,
              null,
              null,
              true,
              intervalMs,
              2000,
              2,
              3,
              true);
      targets.add(new Target(i, "127.0.0.1:" + p.trim(), Set.of(), c));
    }
    AtomicInteger tables = new AtomicInteger();
    AtomicInteger down = new AtomicInteger();
    OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    try (HealthMonitor m =
        new HealthMonitor(
            1,
            targets,
            Duration.ofMillis(100),
            t -> {
              tables.incrementAndGet();
              int d = 0;
              for (int i = 0; i < t.size(); i++) {
                d += t.isUp(i) ? 0 : 1;
              }
              down.set(d);
            })) {
      long cpu0 = os.getProcessCpuTime();
      long wall0 = System.nanoTime();
      m.start();
      Thread.sleep(seconds * 1000);
      long cpu = os.getProcessCpuTime() - cpu0;
      long wall = System.nanoTime() - wall0;
      long[] lags = m.lags();
      // steady state: leave out the first interval (JIT warm-up, first jittered starts)
      int skip = Math.min(lags.length, targets.size());
      long[] steady = Arrays.copyOfRange(lags, skip, lags.length);
      Arrays.sort(steady);
      long expected = targets.size() * (seconds * 1000 / intervalMs);
      System.out.printf(
          "endpoints %d, interval %d ms, run %d s: %d probes started (%d expected), %d tables"
              + " published, %d endpoints down at the end%n",
          targets.size(), intervalMs, seconds, lags.length, expected, tables.get(), down.get());
      System.out.printf(
          "scheduling lag (steady state, %d probes): p50 %.2f ms, p99 %.2f ms," + " max %.2f ms%n",
          steady.length,
          ms(steady, 0.50),
          ms(steady, 0.99),
          steady.length == 0 ? 0.0 : steady[steady.length - 1] / 1e6);
      System.out.printf(
          "CPU: %.1f%% of one core (%.1f%% of the %d-core machine)%n",
          100.0 * cpu / wall,
          100.0 * cpu / wall / os.getAvailableProcessors(),
          os.getAvailableProcessors());
    }
    System.exit(0);
  }

  private static double ms(long[] sorted, double q) {
    if (sorted.length == 0) {
      return 0;
    }
    return sorted[(int) Math.min(sorted.length - 1, Math.floor(q * sorted.length))] / 1e6;
  }
}
