package dev.meridian.config;

/** The traffic policies a service can use. */
public enum PolicyKind {
  ROUND_ROBIN("round-robin"),
  WEIGHTED("weighted"),
  STICKY("sticky"),
  FAILOVER("failover"),
  GEO("geo"),
  NEAREST("nearest");

  private final String key;

  PolicyKind(String key) {
    this.key = key;
  }

  /** As written in YAML. */
  public String key() {
    return key;
  }
}
