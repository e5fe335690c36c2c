package dev.meridian.zone;

import org.xbill.DNS.Message;
import org.xbill.DNS.Name;

/**
 * Supplies A and AAAA answers for names a traffic policy manages; the zone's own records at those
 * names are the fallback. Called on the query path: implementations must not block.
 */
@FunctionalInterface
public interface AddressSource {
  /** The name is not managed, or its policy yielded nothing: the zone's records answer. */
  int FALL_BACK = 0;

  /** Answer records were added. */
  int ANSWERED = 1;

  /** The policy says: no addresses (NODATA). */
  int NODATA = 2;

  /**
   * Adds the answer records for {@code owner} and {@code qtype} (A or AAAA) to {@code out}.
   *
   * @return {@link #FALL_BACK}, {@link #ANSWERED} or {@link #NODATA}
   */
  int addAddresses(Name owner, int qtype, Message out);
}
