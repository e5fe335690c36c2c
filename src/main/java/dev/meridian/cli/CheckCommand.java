package dev.meridian.cli;

import dev.meridian.config.ConfigException;
import dev.meridian.config.ConfigLoader;
import dev.meridian.config.EndpointSpec;
import dev.meridian.config.MeridianConfig;
import dev.meridian.config.RegionSpec;
import dev.meridian.config.TierSpec;
import dev.meridian.engine.SnapshotLoader;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code meridian check}: validates the configuration, every zone, the geo database and the
 * services without starting anything, like named-checkzone or gdnsd's checkconf. Prints each
 * problem with file:line (or key path); exits 1 when any is an error.
 */
final class CheckCommand {
  private CheckCommand() {}

  static int run(Path configFile, PrintStream out) {
    List<String> errors = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    MeridianConfig config;
    try {
      config = ConfigLoader.load(configFile);
    } catch (ConfigException e) {
      errors.addAll(e.problems());
      return report(out, errors, warnings);
    }
    SnapshotLoader.Result r = SnapshotLoader.load(config, 1, SnapshotLoader.Journals.READ_ONLY);
    r.notes().forEach(out::println);
    errors.addAll(r.errors());
    warnings.addAll(r.warnings());
    // a service must have records to fall back on (and for secondaries to receive)
    errors.addAll(r.serviceWarnings());
    errors.addAll(sharedEndpoints(config));
    return report(out, errors, warnings);
  }

  /** An endpoint listed in two regions makes geo and failover decisions ambiguous. */
  static List<String> sharedEndpoints(MeridianConfig config) {
    Map<String, String> seen = new LinkedHashMap<>();
    List<String> out = new ArrayList<>();
    for (RegionSpec r : config.traffic().regions().values()) {
      for (Map.Entry<String, TierSpec> t : r.tiers().entrySet()) {
        for (EndpointSpec e : t.getValue().endpoints()) {
          String a = e.address().getHostAddress();
          String where = "regions." + r.name() + "." + t.getKey();
          String before = seen.putIfAbsent(a, r.name());
          if (before != null && !before.equals(r.name())) {
            out.add(
                config.file()
                    + ": "
                    + where
                    + ": endpoint "
                    + a
                    + " is also in region "
                    + before
                    + "; an endpoint belongs to one region");
          }
        }
      }
    }
    return out;
  }

  private static int report(PrintStream out, List<String> errors, List<String> warnings) {
    for (String e : errors) {
      out.println("error: " + e);
    }
    for (String w : warnings) {
      out.println("warning: " + w);
    }
    out.println("check: " + errors.size() + " errors, " + warnings.size() + " warnings");
    return errors.isEmpty() ? 0 : Main.EXIT_RUNTIME;
  }
}
