/**
 * Zone files (dnsjava {@code Master}) to immutable {@link dev.meridian.zone.Zone}s with a node per
 * owner name, empty non-terminals included, and the authoritative lookup of RFC 1034/4592/2308 as a
 * pure function ({@link dev.meridian.zone.ZoneLookup}). Zones are immutable once built and safe to
 * share across threads. Uses nothing of ours.
 */
package dev.meridian.zone;
