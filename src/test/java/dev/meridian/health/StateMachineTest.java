package dev.meridian.health;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StateMachineTest {
  /** Each character one probe: o ok, x failed; the expected state after each, U or D. */
  @ParameterizedTest(name = "fall {0} rise {1} start {2}: {3}")
  @CsvSource({
    "2, 3, up,   xoxoxo,     UUUUUU",
    "2, 3, up,   xx,         UD",
    "2, 3, up,   xxooo,      UDDDU",
    "2, 3, up,   xxooxooo,   UDDDDDDU",
    "1, 1, up,   xoxo,       DUDU",
    "2, 3, down, ooo,        DDU",
    "3, 2, up,   xxoxxx,     UUUUUD",
  })
  void fallsAfterFallFailuresAndRisesAfterRiseSuccesses(
      int fall, int rise, String start, String probes, String states) {
    StateMachine s = new StateMachine(fall, rise, start.equals("up"), 0);
    StringBuilder got = new StringBuilder();
    for (int i = 0; i < probes.length(); i++) {
      s.record(probes.charAt(i) == 'o' ? null : "connection refused", 0);
      got.append(s.isUp() ? 'U' : 'D');
    }
    assertEquals(states, got.toString());
  }
}
