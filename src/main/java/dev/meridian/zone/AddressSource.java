package dev.meridian.zone;

import org.xbill.DNS.Message;
import org.xbill.DNS.Name;

/**
 * Supplies A and AAAA answers for names a traffic policy manages; the zone's own records at those
 * names are the fallback. Called on the query path: implementations must not block.
 */
@FunctionalInterface
public interface AddressSource {
  /**
   * Adds the answer records for {@code owner} and {@code qtype} (A or AAAA) to {@code out}.
   *
   * @return false when the name is not managed or its policy yielded nothing
   */
  boolean addAddresses(Name owner, int qtype, Message out);
}
