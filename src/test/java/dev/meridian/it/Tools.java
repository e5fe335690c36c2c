package dev.meridian.it;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * External programs the integration tests drive (nsupdate, knotd, dig). On a developer's machine a
 * missing one skips its test with the command that installs it; in CI (the {@code CI} variable is
 * set, as {@code .ci/run} runs) it fails the build, so that a test never passes by not running.
 */
public final class Tools {
  private Tools() {}

  /** The program at {@code path}, which must be executable; {@code install} says how to get it. */
  public static Path require(String path, String install) {
    Path p = Path.of(path);
    if (!Files.isExecutable(p)) {
      String why = p + " is not installed (" + install + ")";
      if (System.getenv("CI") != null) {
        Assertions.fail(why + "; CI must install it (.ci/install-deps)");
      }
      Assumptions.abort(why);
    }
    return p;
  }
}
