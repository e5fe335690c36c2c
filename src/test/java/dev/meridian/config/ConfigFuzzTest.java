package dev.meridian.config;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * Coverage-guided fuzzing of {@link ConfigLoader#parse} on mutated YAML: a document either
 * validates or fails with {@link ConfigException} whose every problem reads {@code file:line: ...}.
 * Anything else escaping, or a parse running over 10 s, is a finding. The seeds in
 * src/test/resources/dev/meridian/config/ConfigFuzzTestInputs/ (meridian.yaml, demo and test
 * configurations, YAML edge cases) are replayed by every build; {@code scripts/fuzz.sh} fuzzes.
 */
class ConfigFuzzTest {
  private static final Path FILE = Path.of("fuzz", "meridian.yaml").toAbsolutePath();
  private static final Pattern LOCATED =
      Pattern.compile("^" + Pattern.quote(FILE.toString()) + ":\\d+: .+", Pattern.DOTALL);

  /**
   * Longer than any sane input needs; fuzzing gets more, as Jazzer instruments classes on first use
   * and the first inputs run far slower.
   */
  private static final Duration HANG =
      Duration.ofSeconds(System.getenv("JAZZER_FUZZ") == null ? 10 : 60);

  @FuzzTest(maxDuration = "5m")
  void anyYamlValidatesOrNamesFileAndLine(byte[] yaml) {
    String text = new String(yaml, StandardCharsets.UTF_8);
    ConfigException e = assertTimeoutPreemptively(HANG, () -> parse(text));
    if (e == null) {
      return;
    }
    for (String p : e.problems()) {
      if (!LOCATED.matcher(p).matches()) {
        throw new AssertionError("problem does not name " + FILE + " and a line: " + p, e);
      }
    }
  }

  /** The problem found, or null when the document is valid. */
  private static ConfigException parse(String text) {
    try {
      ConfigLoader.parse(new StringReader(text), FILE);
      return null;
    } catch (ConfigException e) {
      return e;
    }
  }
}
