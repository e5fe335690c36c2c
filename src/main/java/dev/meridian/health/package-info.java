/**
 * Endpoint liveness as the query path sees it: an immutable {@link dev.meridian.health.HealthView}
 * indexed by the int each endpoint gets at snapshot build. Uses nothing of ours.
 */
package dev.meridian.health;
