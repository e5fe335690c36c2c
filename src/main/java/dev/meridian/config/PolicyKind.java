package dev.meridian.config;

/** The traffic policies a service can use. */
public enum PolicyKind {
  ROUND_ROBIN,
  WEIGHTED,
  STICKY,
  FAILOVER,
  GEO,
  NEAREST;

  /** As written in YAML: {@code round-robin}. */
  public String key() {
    return ConfigReader.yamlName(this);
  }
}
