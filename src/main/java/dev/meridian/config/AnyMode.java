package dev.meridian.config;

/** How a query of type ANY is answered. */
public enum AnyMode {
  /** Every RRset at the name, as BIND does by default. */
  FULL,
  /** One RRset only (RFC 8482 section 4.1), as NSD and Knot do; the default. */
  MINIMAL
}
