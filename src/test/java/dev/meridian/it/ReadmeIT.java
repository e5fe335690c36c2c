package dev.meridian.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs scripts/readme-check.py: every transcript in README.md is run against copies of the shipped
 * example on the README's ports (1053, 8053) and its output compared with the README's, as CoreDNS
 * tests its READMEs. A difference fails with the script's diff; taken ports fail with what holds
 * them. The script exits 77 when a tool the README uses is missing: a failure when CI is set
 * (.ci/install-deps installs them), else a skip that names the tools.
 */
class ReadmeIT {
  static final int MISSING_TOOL = 77;
  @TempDir Path dir;

  @Test
  void readmeTranscriptsMatchWhatTheCommandsPrint() throws Exception {
    assertTrue(Files.isRegularFile(Path.of("target/meridian.jar")), "target/meridian.jar missing");
    Path python = Tools.require("/usr/bin/python3", "apt-get install python3");
    Path log = dir.resolve("readme-check.log");
    Process p =
        new ProcessBuilder(python.toString(), "scripts/readme-check.py", "README.md")
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    try {
      if (!p.waitFor(10, TimeUnit.MINUTES)) {
        fail("scripts/readme-check.py still running after 10 minutes:\n" + read(log));
      }
    } finally {
      // The script stops what it started; this covers a timeout or an interrupted test.
      p.descendants().forEach(ProcessHandle::destroy);
      p.destroy();
    }
    String out = read(log);
    System.out.println(out);
    if (p.exitValue() == MISSING_TOOL) {
      if (System.getenv("CI") != null) {
        fail("CI is set but a tool is missing (.ci/install-deps installs them):\n" + out);
      }
      Assumptions.abort(out.strip());
    }
    assertEquals(0, p.exitValue(), "README.md transcripts differ from the commands:\n" + out);
    assertTrue(out.contains(" 0 differ"), "no summary line:\n" + out);
  }

  private static String read(Path log) throws Exception {
    return Files.readString(log, StandardCharsets.UTF_8);
  }
}
