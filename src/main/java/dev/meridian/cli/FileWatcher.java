package dev.meridian.cli;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Calls a reload when a {@code *.zone} file in the zone directory or the configuration file
 * changes, once the changes have settled for {@code debounce} (an editor's several writes make one
 * reload). Thread-safe; one daemon thread.
 */
final class FileWatcher implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger("meridian");

  private final WatchService watch;
  private final Thread thread;

  FileWatcher(Path zoneDir, Path configFile, Duration debounce, Runnable reload)
      throws IOException {
    watch = FileSystems.getDefault().newWatchService();
    Path zones = zoneDir.toAbsolutePath();
    Path cfgDir = configFile.toAbsolutePath().getParent();
    String cfgName = configFile.getFileName().toString();
    zones.register(
        watch,
        StandardWatchEventKinds.ENTRY_CREATE,
        StandardWatchEventKinds.ENTRY_MODIFY,
        StandardWatchEventKinds.ENTRY_DELETE);
    if (!cfgDir.equals(zones)) {
      cfgDir.register(
          watch, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
    }
    thread = new Thread(() -> loop(zones, cfgDir, cfgName, debounce, reload), "file-watch");
    thread.setDaemon(true);
    thread.start();
  }

  private void loop(Path zones, Path cfgDir, String cfgName, Duration debounce, Runnable reload) {
    try {
      while (true) {
        boolean relevant = drain(watch.take(), zones, cfgDir, cfgName);
        if (!relevant) {
          continue;
        }
        settle(zones, cfgDir, cfgName, debounce);
        LOG.log(Level.INFO, "files changed: reloading");
        try {
          reload.run();
        } catch (RuntimeException e) { // thread root: keep watching
          LOG.log(Level.ERROR, "reload failed, still watching: " + e, e);
        }
      }
    } catch (InterruptedException | ClosedWatchServiceException e) {
      // closed: the server is stopping
    }
  }

  /**
   * Waits until no relevant event has come for {@code debounce}, or for ten debounce times in all
   * (a file rewritten without pause still gets reloaded). Events for other files in the same
   * folders (logs, the health state file) do not hold the reload back.
   */
  private void settle(Path zones, Path cfgDir, String cfgName, Duration debounce)
      throws InterruptedException {
    long now = System.nanoTime();
    long quietUntil = now + debounce.toNanos();
    long latest = now + 10 * debounce.toNanos();
    while (true) {
      long left = Math.min(quietUntil, latest) - System.nanoTime();
      if (left <= 0) {
        return;
      }
      WatchKey more = watch.poll(left, TimeUnit.NANOSECONDS);
      if (more != null && drain(more, zones, cfgDir, cfgName)) {
        quietUntil = System.nanoTime() + debounce.toNanos();
      }
    }
  }

  private static boolean drain(WatchKey key, Path zones, Path cfgDir, String cfgName) {
    boolean relevant = false;
    Path dir = (Path) key.watchable();
    for (WatchEvent<?> e : key.pollEvents()) {
      if (!(e.context() instanceof Path p)) {
        relevant = true; // overflow: events were lost, so look again
        continue;
      }
      String name = p.getFileName().toString();
      relevant |=
          (dir.equals(zones) && name.endsWith(".zone"))
              || (dir.equals(cfgDir) && name.equals(cfgName));
    }
    key.reset();
    return relevant;
  }

  @Override
  public void close() throws IOException {
    watch.close();
  }
}
