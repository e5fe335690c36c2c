package dev.meridian.zone;

/**
 * How answers are shaped. Immutable.
 *
 * @param minimalAny answer ANY with one RRset (RFC 8482 section 4.1) rather than all
 * @param minimalResponses leave the apex NS RRset out of the authority section of positive answers
 *     (Knot's behaviour); when false, add it as NSD and BIND do by default
 */
public record LookupOptions(boolean minimalAny, boolean minimalResponses) {
  /** NSD's defaults: minimal ANY, NS in authority. */
  public static final LookupOptions NSD_LIKE = new LookupOptions(true, false);
}
