package dev.meridian.engine;

import dev.meridian.zone.Zone;
import dev.meridian.zone.ZoneFileLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decides which version of each zone serves after a reload, as BIND and Knot do: a zone is swapped
 * in only when it parses and its SOA serial went up (RFC 1982); the same serial is a no-op; a lower
 * serial, or a file that no longer parses, keeps the last good version answering and is reported.
 * Immutable result; stateless.
 */
public final class ZoneSet {
  private ZoneSet() {}

  /** The zones to serve, what changed, and what was refused (file:line messages). */
  public record Outcome(
      List<Zone> zones, List<String> changed, List<String> problems, List<String> warnings) {
    public Outcome {
      zones = List.copyOf(zones);
      changed = List.copyOf(changed);
      problems = List.copyOf(problems);
      warnings = List.copyOf(warnings);
    }
  }

  /** Reads {@code dir} again and merges it with the zones serving now ({@code current}). */
  public static Outcome reload(Path dir, List<Zone> current) {
    ZoneFileLoader.DirectoryResult fresh = ZoneFileLoader.loadDirectory(dir);
    Map<String, Zone> bySource = new LinkedHashMap<>();
    for (Zone z : current) {
      bySource.put(z.source(), z);
    }
    List<Zone> out = new ArrayList<>();
    List<String> changed = new ArrayList<>();
    List<String> problems = new ArrayList<>(fresh.errors());
    List<String> warnings = new ArrayList<>();
    Map<String, Zone> loaded = new LinkedHashMap<>();
    for (ZoneFileLoader.Loaded l : fresh.zones()) {
      loaded.put(l.zone().source(), l.zone());
      warnings.addAll(l.warnings());
    }
    for (Zone old : current) {
      Zone next = loaded.get(old.source());
      if (next == null) {
        boolean failed = problems.stream().anyMatch(p -> p.startsWith(old.source() + ":"));
        if (failed) {
          out.add(old); // broken edit: the last good version keeps answering
          problems.add(
              old.source()
                  + ": zone "
                  + old.origin()
                  + " keeps serial "
                  + old.serial()
                  + " until the file is fixed");
        } else {
          changed.add("zone " + old.origin() + " removed (its file is gone)");
        }
        continue;
      }
      if (Zone.serialBefore(old.serial(), next.serial())) {
        out.add(next);
        changed.add("zone " + next.origin() + " serial " + old.serial() + " -> " + next.serial());
      } else {
        out.add(old);
        if (next.serial() != old.serial()) {
          warnings.add(
              old.source()
                  + ": serial "
                  + next.serial()
                  + " is not above "
                  + old.serial()
                  + "; zone "
                  + old.origin()
                  + " keeps the version it has");
        } else if (!next.sameData(old)) {
          warnings.add(
              old.source()
                  + ": changed without a new serial ("
                  + old.serial()
                  + "); raise the serial to publish the change");
        }
      }
    }
    for (Map.Entry<String, Zone> e : loaded.entrySet()) {
      if (!bySource.containsKey(e.getKey())) {
        out.add(e.getValue());
        changed.add("zone " + e.getValue().origin() + " added, serial " + e.getValue().serial());
      }
    }
    return new Outcome(out, changed, problems, warnings);
  }
}
