package dev.meridian.geo;

import java.net.InetAddress;

/** Finds where an address is. Implementations are thread-safe and do not block on I/O. */
public interface GeoLocator {
  /** The location of {@code address}; never null (unknown addresses get an unknown location). */
  Location locate(InetAddress address);

  /**
   * Reports every network the database knows, in address order, for deciding at load what each part
   * of the address space gets. Addresses are 128-bit, IPv4 at {@code ::/96} as in a MaxMind DB's
   * tree; space not reported is unknown. Runs on the caller's thread; may take seconds.
   */
  default void walk(NetworkVisitor visitor) {}

  /** Receives the walk of a database. Confined to the walking thread. */
  interface NetworkVisitor {
    /**
     * The network {@code (hi, lo)/prefix} is at {@code place} ({@link Location#prefix()} and {@link
     * Location#network()} of {@code place} do not describe this network). One place instance stands
     * for every network with the same database record.
     */
    void network(long hi, long lo, int prefix, Location place);

    /**
     * The network {@code (hi, lo)/prefix} aliases IPv4: an address in it is located as the IPv4
     * address in its 32 bits after the prefix (IPv4-mapped {@code ::ffff:0:0/96}, 6to4 {@code
     * 2002::/16}, and whatever else the database aliases, such as Teredo).
     */
    void alias(long hi, long lo, int prefix);
  }

  /** A locator that knows nothing: every address is unknown for the whole address space. */
  GeoLocator NONE =
      address -> Location.unknown(0, address.getAddress().length == 4 ? "0.0.0.0/0" : "::/0");
}
