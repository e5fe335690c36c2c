/**
 * Client location: {@link dev.meridian.geo.GeoLocator} over any MaxMind-format database (with the
 * database network that matched, for explanations), a walk of every network of a database in
 * address order (for route maps decided at load; IPv4-mapped and 6to4 space reported as aliases of
 * IPv4, as MaxMind's databases have them), the country table, and the writer and builder of the
 * shipped database. Locators are thread-safe; the writer is confined to one thread. Uses nothing of
 * ours.
 */
package dev.meridian.geo;
