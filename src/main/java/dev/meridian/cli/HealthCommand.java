package dev.meridian.cli;

import dev.meridian.config.MeridianConfig;
import dev.meridian.engine.OverrideEditor;
import dev.meridian.engine.Snapshot;
import dev.meridian.health.OverrideFile;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code meridian health ACTION TARGET}: edits the overrides file that running servers watch.
 * Drains and forced states outlive reloads and restarts because they live in that file.
 */
final class HealthCommand {
  private HealthCommand() {}

  static int run(
      Path configFile, List<String> args, String region, PrintStream out, PrintStream err) {
    MeridianConfig config = Main.config(configFile, err);
    if (config == null) {
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
      boolean byRegion = region != null;
      if (byRegion == (args.size() == 2)) {
        err.println("meridian health " + action + ": give one ADDRESS or --region NAME");
        return Main.EXIT_USAGE;
      }
      Snapshot snapshot = Main.offline(config, err);
      if (snapshot == null) {
        return Main.EXIT_USAGE;
      }
      OverrideFile.Overrides next =
          OverrideEditor.apply(snapshot, action, byRegion ? null : args.get(1), region);
      out.println(file + ": " + next);
      return 0;
    } catch (OverrideEditor.UnknownException e) {
      err.println("meridian health: " + e.getMessage());
      return Main.EXIT_USAGE;
    } catch (IOException e) {
      err.println("meridian health: " + e.getMessage());
      return Main.EXIT_RUNTIME;
    }
  }
}
