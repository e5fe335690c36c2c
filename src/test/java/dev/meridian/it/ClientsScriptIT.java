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
 * Runs scripts/clients-e2e.sh: dig, kdig and nslookup against the packaged jar serving the shipped
 * example, and Unbound in front of it with its ECS subnet cache. The script exits 77 when a client
 * or Unbound is missing: a failure when the environment variable CI is set (.ci/run installs them),
 * else a skip that names the missing tools.
 */
class ClientsScriptIT {
  static final int MISSING_TOOL = 77;
  @TempDir Path dir;

  @Test
  void realClientsAndUnboundGetTheExpectedAnswers() throws Exception {
    assertTrue(Files.isRegularFile(Path.of("target/meridian.jar")), "target/meridian.jar missing");
    Path log = dir.resolve("clients-e2e.log");
    Process p =
        new ProcessBuilder("bash", "scripts/clients-e2e.sh")
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    if (!p.waitFor(10, TimeUnit.MINUTES)) {
      p.descendants().forEach(ProcessHandle::destroy);
      p.destroy();
      fail("scripts/clients-e2e.sh still running after 10 minutes:\n" + read(log));
    }
    String out = read(log);
    System.out.println(out);
    if (p.exitValue() == MISSING_TOOL) {
      if (System.getenv("CI") != null) {
        fail("CI is set but a tool is missing (.ci/install-deps installs them):\n" + out);
      }
      Assumptions.abort(out.strip());
    }
    assertEquals(0, p.exitValue(), "scripts/clients-e2e.sh failed:\n" + out);
    assertTrue(out.strip().endsWith(" 0 failed"), "no final summary line:\n" + out);
  }

  private static String read(Path log) throws Exception {
    return Files.readString(log, StandardCharsets.UTF_8);
  }
}
