package dev.meridian.zone;

import java.util.List;

/** A zone file that cannot be served; each problem reads {@code file:line: problem}. Immutable. */
public final class ZoneException extends Exception {
  private static final long serialVersionUID = 1L;
  private final List<String> problems;

  public ZoneException(List<String> problems) {
    super(String.join("\n", problems));
    this.problems = List.copyOf(problems);
  }

  /** Every problem found, one line each. */
  public List<String> problems() {
    return problems;
  }
}
