package dev.meridian;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The package rules of STYLE.md, read from the compiled classes by the JDK's own {@code jdeps} (so
 * a fully qualified name counts as much as an import): leaves depend on nothing of ours, server
 * sees only engine (and metrics), nothing depends on cli, no package outside the list.
 */
class ArchitectureTest {
  private static final Path CLASSES = Path.of("target/classes");
  private static final Path MAIN = Path.of("src/main/java/dev/meridian");
  private static final Pattern EDGE =
      Pattern.compile(
          "^\\s*(?:\\S*\\.)?(\\w+)\\.\\w+(?:\\$\\S*)?\\s+->\\s+dev\\.meridian\\.(\\w+)\\.");

  /** Which of our packages each package may depend on. */
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
  void packagesDependOneWay() {
    assertEquals(Set.of(), violations(jdeps(CLASSES)));
  }

  @Test
  void aFullyQualifiedReferenceIsCaughtToo() {
    // fixture.server.FullyQualified names dev.meridian.zone.Zone in full, with no import line
    Set<String> found = violations(jdeps(Path.of("target/test-classes/fixture")));
    assertEquals(Set.of("server -> zone"), found.isEmpty() ? Set.of() : Set.of(edgeOf(found)));
  }

  @Test
  void everyPackageSaysWhatItOwns() throws IOException {
    try (Stream<Path> dirs = Files.list(MAIN)) {
      for (Path d : dirs.filter(Files::isDirectory).toList()) {
        assertTrue(Files.exists(d.resolve("package-info.java")), d + " has no package-info.java");
      }
    }
  }

  /** "from -> to" for every class-level dependency between two of our packages. */
  private static List<String> jdeps(Path classes) {
    assertTrue(Files.isDirectory(classes), classes + " is missing: compile first");
    ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow();
    StringWriter out = new StringWriter();
    int exit =
        jdeps.run(
            new PrintWriter(out),
            new PrintWriter(out),
            "-verbose:class",
            "-e",
            "dev\\.meridian\\..*",
            classes.toString());
    assertEquals(0, exit, out.toString());
    List<String> edges = new ArrayList<>();
    for (String line : out.toString().lines().toList()) {
      Matcher m = EDGE.matcher(line);
      if (m.find() && !m.group(1).equals(m.group(2))) {
        edges.add(m.group(1) + " -> " + m.group(2));
      }
    }
    return edges;
  }

  private static Set<String> violations(List<String> edges) {
    Set<String> out = new TreeSet<>();
    for (String e : edges) {
      String from = e.substring(0, e.indexOf(' '));
      String to = e.substring(e.lastIndexOf(' ') + 1);
      Set<String> allowed = ALLOWED.get(from);
      if (allowed == null) {
        out.add(from + ": not a package of the architecture (STYLE.md)");
      } else if (!allowed.contains(to)) {
        out.add(e);
      }
    }
    return out;
  }

  private static String edgeOf(Set<String> found) {
    return found.iterator().next();
  }
}
