package dev.meridian.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
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
  @TempDir Path dir;

  @Test
  void readmeTranscriptsMatchWhatTheCommandsPrint() throws Exception {
    assertTrue(Files.isRegularFile(Path.of("target/meridian.jar")), "target/meridian.jar missing");
    Path python = Tools.require("/usr/bin/python3", "apt-get install python3");
    String out =
        Tools.runScript(
            dir.resolve("readme-check.log"),
            python.toString(),
            "scripts/readme-check.py",
            "README.md");
    assertTrue(out.contains(" 0 differ"), "no summary line:\n" + out);
  }
}
