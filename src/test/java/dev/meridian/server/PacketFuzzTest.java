package dev.meridian.server;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.BeforeAll;

/**
 * Coverage-guided fuzzing of {@link PacketProcessor#handle} over a real engine ({@link PacketRig}
 * says what it checks). A plain build replays the committed corpus: the seeds directly in
 * src/test/resources/dev/meridian/server/PacketFuzzTestInputs/ (real queries: ECS, TSIG, updates,
 * transfers, NOTIFY, odd and malformed packets, written by {@link SeedCorpus}) feed both targets,
 * and each target's folder there holds the findings it reproduces. {@code scripts/fuzz.sh} fuzzes.
 */
class PacketFuzzTest {
  private static PacketRig rig;

  @BeforeAll
  static void setUp() throws Exception {
    rig = PacketRig.create();
  }

  /** Any bytes, as a UDP and as a TCP query. */
  @FuzzTest(maxDuration = "5m")
  void anyPacketGetsAParseableBoundedAnswer(byte[] packet) {
    rig.check(packet);
  }

  /**
   * The same, re-signed with a key that may update both zones and transfer them, so mutated
   * updates, IXFRs and AXFRs get past TSIG and into the engine.
   */
  @FuzzTest(maxDuration = "5m")
  void signedPacketGetsAParseableBoundedAnswer(byte[] packet) {
    byte[] signed = rig.resign(packet);
    if (signed != null) {
      rig.check(signed);
    }
  }
}
