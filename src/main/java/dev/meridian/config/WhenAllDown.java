package dev.meridian.config;

/** What a service answers when every candidate endpoint is down. */
public enum WhenAllDown {
  /** Every configured endpoint, as if all were up (Route 53's behaviour); the default. */
  FAIL_OPEN,
  /** The zone file's own records at the name. */
  STATIC,
  /** No addresses (NOERROR, empty answer). */
  NODATA
}
