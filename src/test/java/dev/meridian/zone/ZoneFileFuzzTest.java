package dev.meridian.zone;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;

/**
 * Coverage-guided fuzzing of {@link ZoneFileLoader} on mutated zone text: a file either loads or
 * fails with {@link ZoneException} whose every problem names the file and a line (problems about
 * the zone as a whole, such as a missing SOA, name the file only). Anything else escaping, or a
 * load running over 10 s, is a finding. The seeds in
 * src/test/resources/dev/meridian/zone/ZoneFileFuzzTestInputs/ (the shipped and test zones and edge
 * cases) are replayed by every build; {@code scripts/fuzz.sh} fuzzes.
 */
class ZoneFileFuzzTest {
  /** Problems about the whole zone, where no one line is at fault. */
  private static final List<String> WHOLE_ZONE =
      List.of("no SOA record at the apex", "no NS records at the apex", "more problems not shown");

  private static final Pattern LOCATED = Pattern.compile("^(\\S+?):(\\d+): .+", Pattern.DOTALL);
  private static Path dir;

  @BeforeAll
  static void setUp() throws Exception {
    dir = Files.createTempDirectory("meridian-zone-fuzz");
    Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir)));
  }

  /**
   * Longer than any sane input needs; fuzzing gets more, as Jazzer instruments classes on first use
   * and the first inputs run far slower.
   */
  private static final Duration HANG =
      Duration.ofSeconds(System.getenv("JAZZER_FUZZ") == null ? 10 : 60);

  @FuzzTest(maxDuration = "5m")
  void anyZoneTextLoadsOrNamesFileAndLine(byte[] text) throws Exception {
    String s = new String(text, StandardCharsets.ISO_8859_1);
    // the test zones are example.org; everything else is read as example.com
    boolean org = s.contains("example.org");
    Path file = dir.resolve(org ? "example.org.zone" : "example.com.zone");
    // only this file exists, so that an $INCLUDE finds the same files whatever ran before
    Files.deleteIfExists(dir.resolve(org ? "example.com.zone" : "example.org.zone"));
    Files.write(file, text);
    ZoneException e = assertTimeoutPreemptively(HANG, () -> load(file));
    if (e == null) {
      return;
    }
    boolean includes = s.toUpperCase(Locale.ROOT).contains("$INCLUDE");
    for (String p : e.problems()) {
      checkLocated(p, file, includes);
    }
  }

  /** The problem found, or null when the zone loads. */
  private static ZoneException load(Path file) {
    try {
      ZoneFileLoader.load(file);
      return null;
    } catch (ZoneException e) {
      return e;
    }
  }

  /** {@code file:line: problem}, another file's when it came from an $INCLUDE. */
  static void checkLocated(String problem, Path file, boolean includes) {
    String f = file.toString();
    if (problem.startsWith(f + ": ") && WHOLE_ZONE.stream().anyMatch(problem::contains)) {
      return;
    }
    Matcher m = LOCATED.matcher(problem);
    if (!m.matches() || !(m.group(1).equals(f) || includes)) {
      throw new AssertionError("problem does not name " + f + " and a line: " + problem);
    }
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (java.io.IOException e) {
      // best effort at exit: a leftover temporary folder is harmless
    }
  }
}
