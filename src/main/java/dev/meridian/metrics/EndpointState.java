package dev.meridian.metrics;

/**
 * One endpoint's liveness for {@code meridian_health_endpoint_up}. Immutable.
 *
 * @param endpoint the endpoint's address (or address and check), as the operator names it
 * @param region its region, or "" for an endpoint listed on a service
 * @param tier its tier ("l4", "l7"), or ""
 * @param up whether answers may include it now
 */
public record EndpointState(String endpoint, String region, String tier, boolean up) {}
