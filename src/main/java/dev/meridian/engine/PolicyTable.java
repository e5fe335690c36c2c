package dev.meridian.engine;

import java.util.Map;
import org.xbill.DNS.Name;

/** The managed names of a snapshot. Immutable. */
public final class PolicyTable {
  private final Map<Name, Service> services;

  PolicyTable(Map<Name, Service> services) {
    this.services = Map.copyOf(services);
  }

  Service get(Name name) {
    return services.get(name);
  }

  /** The managed names. */
  java.util.Set<Name> managed() {
    return services.keySet();
  }

  /** Every managed name's service. */
  java.util.Collection<Service> all() {
    return services.values();
  }

  public boolean isEmpty() {
    return services.isEmpty();
  }

  public int size() {
    return services.size();
  }
}
