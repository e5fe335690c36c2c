package dev.meridian.health;

/** An operator's word on an endpoint or region, stronger than its checks. */
public enum Forced {
  /** Left out of answers while checks go on (planned maintenance). */
  DRAIN,
  /** Treated as up whatever the checks say. */
  UP,
  /** Treated as down whatever the checks say. */
  DOWN
}
