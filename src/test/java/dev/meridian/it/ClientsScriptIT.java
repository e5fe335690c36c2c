package dev.meridian.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs scripts/clients-e2e.sh: dig, kdig and nslookup against the packaged jar serving the shipped
 * example, and Unbound in front of it with its ECS subnet cache. The script exits 77 when a client
 * or Unbound is missing: a failure when the environment variable CI is set (.ci/run installs them),
 * else a skip that names the missing tools.
 */
class ClientsScriptIT {
  @TempDir Path dir;

  @Test
  void realClientsAndUnboundGetTheExpectedAnswers() throws Exception {
    assertTrue(Files.isRegularFile(Path.of("target/meridian.jar")), "target/meridian.jar missing");
    String out = Tools.runScript(dir.resolve("clients-e2e.log"), "bash", "scripts/clients-e2e.sh");
    assertTrue(out.strip().endsWith(" 0 failed"), "no final summary line:\n" + out);
  }
}
