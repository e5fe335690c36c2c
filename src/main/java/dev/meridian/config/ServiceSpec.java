package dev.meridian.config;

import java.util.List;

/**
 * A name whose A and AAAA answers come from a traffic policy. Immutable.
 *
 * @param name owner name, absolute (ends with a dot)
 * @param policy how endpoints are chosen
 * @param tier {@code l4} or {@code l7}: the region tier geo, nearest and failover-by-region use
 * @param endpoints the pool of round-robin, weighted and sticky
 * @param regions failover's ordered regions (with {@code tier})
 * @param pools failover's ordered pools, when given instead of regions
 * @param ttl TTL of the answers, seconds
 * @param maxAnswers most addresses in one answer
 * @param virtualNodes sticky: points per endpoint on the hash ring
 * @param line where the service is defined, for messages
 * @param check the service's check for endpoints without their own, or null
 * @param whenAllDown what to answer when every candidate is down
 * @param degradedTtl TTL while any of the service's endpoints is down
 * @param ttlSet whether {@code ttl} was given (a zone-backed round-robin takes the RRset's TTL)
 */
public record ServiceSpec(
    String name,
    PolicyKind policy,
    String tier,
    List<EndpointSpec> endpoints,
    List<String> regions,
    List<List<EndpointSpec>> pools,
    long ttl,
    int maxAnswers,
    int virtualNodes,
    String line,
    CheckSpec check,
    WhenAllDown whenAllDown,
    long degradedTtl,
    boolean ttlSet) {
  public ServiceSpec {
    endpoints = List.copyOf(endpoints);
    regions = List.copyOf(regions);
    pools = pools.stream().map(List::copyOf).toList();
  }
}
