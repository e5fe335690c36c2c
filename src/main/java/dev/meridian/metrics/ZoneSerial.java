package dev.meridian.metrics;

/**
 * The SOA serial a zone is served with, for {@code meridian_zone_serial}. Immutable.
 *
 * @param zone the zone's apex, e.g. "example.com."
 * @param serial its SOA serial (0 to 2^32-1)
 */
public record ZoneSerial(String zone, long serial) {}
