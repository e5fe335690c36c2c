package dev.meridian.engine;

import java.net.InetAddress;

/**
 * Who sent a query, as the wire layer saw it. Immutable.
 *
 * @param source the packet's source address
 * @param ecsAddress the EDNS Client Subnet address (RFC 7871), host bits cleared, or null; an
 *     {@code Inet6Address} for family 2 even when IPv4-mapped, so that the scope of its answer is
 *     in IPv6 terms as the client's option is
 * @param ecsSourcePrefix the ECS source prefix length, or -1 without ECS
 * @param tcp whether the query came over TCP
 */
public record ClientInfo(
    InetAddress source, InetAddress ecsAddress, int ecsSourcePrefix, boolean tcp) {

  /** A client without ECS. */
  public static ClientInfo of(InetAddress source, boolean tcp) {
    return new ClientInfo(source, null, -1, tcp);
  }

  /**
   * The address that stands for the end client: the ECS subnet when there is one with a non-zero
   * source prefix (RFC 7871 section 7.1.2: 0 means "do not use my address"), else the source.
   */
  public InetAddress subject() {
    return ecsAddress != null && ecsSourcePrefix > 0 ? ecsAddress : source;
  }

  public boolean hasEcs() {
    return ecsSourcePrefix >= 0;
  }
}
