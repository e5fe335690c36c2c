package dev.meridian.config;

import java.util.List;

/**
 * Bad configuration or zone input. The message is one or more lines, each reading {@code file:line:
 * key: problem, what is allowed}. Immutable.
 */
public final class ConfigException extends Exception {
  private static final long serialVersionUID = 1L;
  private final List<String> problems;

  public ConfigException(String problem) {
    this(List.of(problem));
  }

  public ConfigException(List<String> problems) {
    super(String.join("\n", problems));
    this.problems = List.copyOf(problems);
  }

  public ConfigException(String problem, Throwable cause) {
    super(problem, cause);
    this.problems = List.of(problem);
  }

  /** Every problem found, one line each. */
  public List<String> problems() {
    return problems;
  }
}
