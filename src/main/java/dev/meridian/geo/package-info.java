/**
 * Client location: {@link dev.meridian.geo.GeoLocator} over any MaxMind-format database (with the
 * database network that matched, for ECS scopes), the country table, and the writer and builder of
 * the shipped database. Locators are thread-safe; the writer is confined to one thread. Uses
 * nothing of ours.
 */
package dev.meridian.geo;
