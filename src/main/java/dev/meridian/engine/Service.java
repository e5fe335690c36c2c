package dev.meridian.engine;

import dev.meridian.config.ServiceSpec;
import dev.meridian.policy.TrafficPolicy;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;

/**
 * A managed name: its policy and an answer record pre-built for every endpoint (by slot), so the
 * query path only picks records. Immutable: the array is never written after construction.
 */
final class Service {
  private final Name name;
  private final ServiceSpec spec;
  private final TrafficPolicy policy;
  private final Record[] records;
  private final Record[] degraded;
  private final int[] healthIndexes;
  private final boolean hasV4;
  private final boolean hasV6;
  private final java.util.concurrent.atomic.LongAdder[] answered;

  Service(
      Name name,
      ServiceSpec spec,
      TrafficPolicy policy,
      Record[] records,
      Record[] degraded,
      java.util.List<dev.meridian.policy.Endpoint> endpoints,
      java.util.concurrent.atomic.LongAdder[] answered) {
    this.answered = answered;
    this.name = name;
    this.spec = spec;
    this.policy = policy;
    this.records = records;
    this.degraded = degraded;
    this.healthIndexes = new int[endpoints.size()];
    boolean v4 = false;
    boolean v6 = false;
    for (int i = 0; i < healthIndexes.length; i++) {
      healthIndexes[i] = endpoints.get(i).healthIndex();
      v4 |= !endpoints.get(i).isV6();
      v6 |= endpoints.get(i).isV6();
    }
    this.hasV4 = v4;
    this.hasV6 = v6;
  }

  /** Counts one answer given with the endpoint of {@code slot} first. No allocation. */
  void countAnswer(int slot) {
    answered[slot].increment();
  }

  /** Whether any endpoint is of the family (IPv6 when {@code v6}). */
  boolean hasFamily(boolean v6) {
    return v6 ? hasV6 : hasV4;
  }

  /** Health indexes of every endpoint, for explanations. */
  int[] healthIndexes() {
    return healthIndexes.clone();
  }

  /** The answer record of {@code slot} with the degraded TTL. */
  Record degradedRecord(int slot) {
    return degraded[slot];
  }

  /** True while any of the service's endpoints is down: answers then carry the shorter TTL. */
  boolean isDegraded(dev.meridian.health.HealthView health) {
    for (int i : healthIndexes) {
      if (!health.isUp(i)) {
        return true;
      }
    }
    return false;
  }

  Name name() {
    return name;
  }

  ServiceSpec spec() {
    return spec;
  }

  TrafficPolicy policy() {
    return policy;
  }

  /** The answer record of the endpoint in {@code slot}. */
  Record record(int slot) {
    return records[slot];
  }
}
