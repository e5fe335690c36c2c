package dev.meridian.engine;

import dev.meridian.config.ConfigException;
import dev.meridian.config.MeridianConfig;
import dev.meridian.geo.CountryTable;
import dev.meridian.geo.GeoLocator;
import dev.meridian.geo.MaxMindLocator;
import dev.meridian.zone.Journal;
import dev.meridian.zone.Zone;
import dev.meridian.zone.ZoneException;
import dev.meridian.zone.ZoneFileLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The one loader behind {@code serve}, {@code check} and {@code explain}: reads every zone file of
 * the configuration, replays each zone's update journal (updates acknowledged before a crash),
 * opens the geo database and builds a snapshot. The three commands therefore see the same data;
 * only {@code serve} folds a replayed journal back into the zone file. Stateless.
 */
public final class SnapshotLoader {
  private SnapshotLoader() {}

  /** Whether a replayed journal is written back into its zone file (serve) or left alone. */
  public enum Journals {
    FOLD,
    READ_ONLY
  }

  /**
   * What a load produced.
   *
   * @param snapshot the snapshot, or null when nothing can be served (no zone folder, unreadable
   *     geo database, services that do not fit the zones)
   * @param errors problems with file:line or key path; a zone with an error is left out
   * @param warnings problems in zone files that load anyway (missing glue, say)
   * @param serviceWarnings services that load but cannot fall back on zone data ({@code check}
   *     counts these as errors)
   * @param notes one line per zone loaded (origin, serial, records, source, journal replayed)
   */
  public record Result(
      Snapshot snapshot,
      List<String> errors,
      List<String> warnings,
      List<String> serviceWarnings,
      List<String> notes) {
    public Result {
      errors = List.copyOf(errors);
      warnings = List.copyOf(warnings);
      serviceWarnings = List.copyOf(serviceWarnings);
      notes = List.copyOf(notes);
    }

    public boolean isServable() {
      return snapshot != null;
    }
  }

  /** Loads everything {@code config} names into a snapshot of {@code generation}. */
  public static Result load(MeridianConfig config, long generation, Journals journals) {
    return load(config, generation, journals, new AnswerCounts());
  }

  /** As {@link #load(MeridianConfig, long, Journals)}, counting answers in {@code counts}. */
  public static Result load(
      MeridianConfig config, long generation, Journals journals, AnswerCounts counts) {
    List<String> errors = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    if (!Files.isDirectory(config.zoneDir())) {
      errors.add(
          config.file()
              + ": zone_dir: "
              + config.zoneDir()
              + " is not a directory; allowed: a folder of *.zone files, relative to the config"
              + " file");
      return new Result(null, errors, warnings, List.of(), notes);
    }
    List<Zone> zones = zones(config.zoneDir(), journals, errors, warnings, notes);
    GeoLocator geo;
    try {
      geo = openGeo(config);
      if (geo instanceof MaxMindLocator m) {
        notes.add(
            "geo database " + config.traffic().geo().database() + " (" + m.description() + ")");
      }
    } catch (ConfigException e) {
      errors.addAll(e.problems());
      return new Result(null, errors, warnings, List.of(), notes);
    }
    SnapshotBuilder builder = new SnapshotBuilder(counts);
    try {
      Snapshot s = builder.build(config, zones, geo, generation);
      return new Result(s, errors, warnings, builder.warnings(), notes);
    } catch (ConfigException e) {
      errors.addAll(e.problems());
      if (geo instanceof java.io.Closeable c) {
        try {
          c.close();
        } catch (IOException ignored) {
          // nothing was built on it; the load already failed
        }
      }
      return new Result(null, errors, warnings, List.of(), notes);
    }
  }

  private static List<Zone> zones(
      Path dir, Journals journals, List<String> errors, List<String> warnings, List<String> notes) {
    ZoneFileLoader.DirectoryResult result = ZoneFileLoader.loadDirectory(dir);
    errors.addAll(result.errors());
    List<Zone> zones = new ArrayList<>();
    for (ZoneFileLoader.Loaded l : result.zones()) {
      warnings.addAll(l.warnings());
      Zone z = l.zone();
      String replayed = "";
      try {
        Zone r = Journal.replay(z, Path.of(z.source()));
        if (r.serial() != z.serial()) {
          replayed =
              " (journal replayed, serial "
                  + z.serial()
                  + " -> "
                  + r.serial()
                  + (journals == Journals.FOLD ? ", folded into the file)" : ")");
          if (journals == Journals.FOLD) {
            Journal.fold(r, Path.of(z.source()));
          }
        }
        z = r;
      } catch (IOException | ZoneException e) {
        errors.add(z.source() + ".jnl: cannot replay the journal: " + e.getMessage());
        continue;
      }
      zones.add(z);
      notes.add(
          "zone "
              + z.origin()
              + " serial "
              + z.serial()
              + ", "
              + z.recordCount()
              + " records, from "
              + z.source()
              + replayed);
    }
    return zones;
  }

  /** Opens the configured geo database ({@link GeoLocator#NONE} when none is configured). */
  public static GeoLocator openGeo(MeridianConfig config) throws ConfigException {
    Path db = config.traffic().geo().database();
    if (db == null) {
      return GeoLocator.NONE;
    }
    try {
      return MaxMindLocator.open(db, CountryTable.bundled());
    } catch (IOException | RuntimeException e) {
      throw new ConfigException(
          List.of(
              config.file()
                  + ": geo.database: cannot read "
                  + db
                  + ": "
                  + e.getMessage()
                  + "; allowed: a MaxMind-format (.mmdb) file, such as"
                  + " geo-data/meridian-country.mmdb or GeoLite2-Country.mmdb"));
    }
  }
}
