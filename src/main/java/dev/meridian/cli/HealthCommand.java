package dev.meridian.cli;

import dev.meridian.config.ConfigException;
import dev.meridian.config.ConfigLoader;
import dev.meridian.config.MeridianConfig;
import dev.meridian.health.Forced;
import dev.meridian.health.OverrideFile;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code meridian health ACTION TARGET}: edits the overrides file that running servers watch.
 * Drains and forced states outlive reloads and restarts because they live in that file.
 */
final class HealthCommand {
  private HealthCommand() {}

  static int run(
      Path configFile, List<String> args, String region, PrintStream out, PrintStream err) {
    MeridianConfig config;
    try {
      config = ConfigLoader.load(configFile);
    } catch (ConfigException e) {
      err.println(e.getMessage());
      return Main.EXIT_USAGE;
    }
    Path file = config.traffic().health().stateFile();
    String action = args.get(0);
    try {
      OverrideFile.Overrides now = OverrideFile.read(file);
      if (action.equals("list")) {
        out.println(file + ": " + now);
        return 0;
      }
      if (!List.of("drain", "up", "down", "clear").contains(action)) {
        err.println("meridian health: '" + action + "'; allowed: drain, up, down, clear, list");
        return Main.EXIT_USAGE;
      }
      boolean byRegion = region != null;
      if (byRegion == (args.size() == 2)) {
        err.println("meridian health " + action + ": give one ADDRESS or --region NAME");
        return Main.EXIT_USAGE;
      }
      String key = byRegion ? region : args.get(1);
      if (byRegion && !config.traffic().regions().containsKey(region)) {
        err.println(
            "meridian health: no region '"
                + region
                + "'; regions: "
                + String.join(", ", config.traffic().regions().keySet()));
        return Main.EXIT_USAGE;
      }
      Map<String, Forced> endpoints = new HashMap<>(now.endpoints());
      Map<String, Forced> regions = new HashMap<>(now.regions());
      Map<String, Forced> target = byRegion ? regions : endpoints;
      if (action.equals("clear")) {
        target.remove(key);
      } else {
        target.put(key, Forced.valueOf(action.toUpperCase(Locale.ROOT)));
      }
      OverrideFile.Overrides next = new OverrideFile.Overrides(endpoints, regions);
      OverrideFile.write(file, next);
      out.println(file + ": " + next);
      return 0;
    } catch (IOException e) {
      err.println("meridian health: " + e.getMessage());
      return Main.EXIT_RUNTIME;
    }
  }
}
