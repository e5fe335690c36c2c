package dev.meridian;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The package rules of STYLE.md, read from the import lines of src/main: leaves import nothing of
 * ours, server sees only engine (and metrics), nothing imports cli, no util package.
 */
class ArchitectureTest {
  private static final Path MAIN = Path.of("src/main/java/dev/meridian");
  private static final Pattern IMPORT =
      Pattern.compile("^import (?:static )?dev\\.meridian\\.(\\w+)\\.");

  /** Which of our packages each package may import. */
  private static final Map<String, Set<String>> ALLOWED =
      Map.ofEntries(
          Map.entry("config", Set.of()),
          Map.entry("zone", Set.of()),
          Map.entry("geo", Set.of()),
          Map.entry("health", Set.of()),
          Map.entry("metrics", Set.of()),
          Map.entry("policy", Set.of("geo", "health")),
          Map.entry("engine", Set.of("config", "zone", "geo", "health", "policy", "metrics")),
          Map.entry("server", Set.of("engine", "metrics")),
          Map.entry("admin", Set.of("engine", "health", "metrics")),
          Map.entry(
              "cli",
              Set.of(
                  "config", "zone", "geo", "health", "policy", "engine", "server", "admin",
                  "metrics")));

  @Test
  void packagesDependOneWay() throws IOException {
    List<String> violations = new ArrayList<>();
    try (Stream<Path> files = Files.walk(MAIN)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        String pkg = MAIN.relativize(f).getName(0).toString();
        Set<String> allowed = ALLOWED.get(pkg);
        if (allowed == null) {
          violations.add(f + ": package '" + pkg + "' is not in the architecture (STYLE.md)");
          continue;
        }
        for (String line : Files.readAllLines(f)) {
          Matcher m = IMPORT.matcher(line);
          if (m.find() && !m.group(1).equals(pkg) && !allowed.contains(m.group(1))) {
            violations.add(f + ": " + pkg + " must not import " + m.group(1) + " (" + line + ")");
          }
        }
      }
    }
    assertEquals(List.of(), violations);
  }

  @Test
  void everyPackageSaysWhatItOwns() throws IOException {
    try (Stream<Path> dirs = Files.list(MAIN)) {
      for (Path d : dirs.filter(Files::isDirectory).toList()) {
        assertTrue(Files.exists(d.resolve("package-info.java")), d + " has no package-info.java");
      }
    }
  }
}
