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

  Service(Name name, ServiceSpec spec, TrafficPolicy policy, Record[] records) {
    this.name = name;
    this.spec = spec;
    this.policy = policy;
    this.records = records;
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
