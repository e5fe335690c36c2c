package dev.meridian.health;

import java.util.Set;

/**
 * One health entry: an endpoint (with its check, or none) at a fixed index of the health table.
 * Immutable.
 *
 * @param index position in the {@link HealthTable}
 * @param address the endpoint address, as text (overrides name endpoints by it)
 * @param regions regions whose tiers hold the endpoint (overrides can name a region)
 * @param check how it is probed, or null for never (always up unless overridden)
 */
public record Target(int index, String address, Set<String> regions, Check check) {
  public Target {
    regions = Set.copyOf(regions);
  }
}
