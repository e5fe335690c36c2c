package dev.meridian.engine;

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
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Calls a reload when a {@code *.zone} file in the zone directory, the configuration file or the
 * geo database changes (written in place or replaced by rename, as geoipupdate does), once the
 * changes have settled for {@code debounce} (an editor's several writes make one reload).
 * Thread-safe; one daemon thread.
 */
final class FileWatcher implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger("meridian");

  private final WatchService watch;
  private final Path zones;
  private final Set<Path> files;
  private final Thread thread;

  /**
   * @param zoneDir every {@code *.zone} file in it counts
   * @param files single files that count (the configuration, the geo database)
   */
  FileWatcher(Path zoneDir, List<Path> files, Duration debounce, Runnable reload)
      throws IOException {
    watch = FileSystems.getDefault().newWatchService();
    zones = zoneDir.toAbsolutePath().normalize();
    Set<Path> dirs = new HashSet<>();
    dirs.add(zones);
    Set<Path> fs = new HashSet<>();
    for (Path f : files) {
      Path abs = f.toAbsolutePath().normalize();
      fs.add(abs);
      dirs.add(abs.getParent());
    }
    this.files = Set.copyOf(fs);
    for (Path d : dirs) {
      d.register(
          watch,
          StandardWatchEventKinds.ENTRY_CREATE,
          StandardWatchEventKinds.ENTRY_MODIFY,
          StandardWatchEventKinds.ENTRY_DELETE);
    }
    thread = new Thread(() -> loop(debounce, reload), "file-watch");
    thread.setDaemon(true);
    thread.start();
  }

  private void loop(Duration debounce, Runnable reload) {
    try {
      while (true) {
        boolean relevant = drain(watch.take());
        if (!relevant) {
          continue;
        }
        settle(debounce);
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
  private void settle(Duration debounce) throws InterruptedException {
    long now = System.nanoTime();
    long quietUntil = now + debounce.toNanos();
    long latest = now + 10 * debounce.toNanos();
    while (true) {
      long left = Math.min(quietUntil, latest) - System.nanoTime();
      if (left <= 0) {
        return;
      }
      WatchKey more = watch.poll(left, TimeUnit.NANOSECONDS);
      if (more != null && drain(more)) {
        quietUntil = System.nanoTime() + debounce.toNanos();
      }
    }
  }

  private boolean drain(WatchKey key) {
    boolean relevant = false;
    Path dir = (Path) key.watchable();
    for (WatchEvent<?> e : key.pollEvents()) {
      if (!(e.context() instanceof Path p)) {
        relevant = true; // overflow: events were lost, so look again
        continue;
      }
      Path full = dir.resolve(p);
      relevant |=
          (dir.equals(zones) && p.getFileName().toString().endsWith(".zone"))
              || files.contains(full);
    }
    key.reset();
    return relevant;
  }

  @Override
  public void close() throws IOException {
    watch.close();
  }
}
