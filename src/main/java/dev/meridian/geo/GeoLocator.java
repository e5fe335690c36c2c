package dev.meridian.geo;

import java.net.InetAddress;

/** Finds where an address is. Implementations are thread-safe and do not block on I/O. */
public interface GeoLocator {
  /** The location of {@code address}; never null (unknown addresses get an unknown location). */
  Location locate(InetAddress address);

  /** A locator that knows nothing: every address is unknown for the whole address space. */
  GeoLocator NONE =
      address -> Location.unknown(0, address.getAddress().length == 4 ? "0.0.0.0/0" : "::/0");
}
