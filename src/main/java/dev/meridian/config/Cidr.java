package dev.meridian.config;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An address prefix such as {@code 127.0.0.0/8} or {@code ::1/128}. Immutable.
 *
 * @param network the network address, host bits cleared
 * @param prefix the prefix length in bits
 */
public record Cidr(InetAddress network, int prefix) {

  /** Parses {@code ADDRESS[/PREFIX]}; a bare address is a host prefix. */
  public static Cidr parse(String text) throws ConfigException {
    String t = text.trim();
    int slash = t.indexOf('/');
    String addressPart = slash < 0 ? t : t.substring(0, slash);
    InetAddress address = parseLiteral(addressPart);
    int max = address.getAddress().length * 8;
    int prefix = max;
    if (slash >= 0) {
      try {
        prefix = Integer.parseInt(t.substring(slash + 1));
      } catch (NumberFormatException e) {
        throw new ConfigException("bad prefix length in '" + text + "': must be 0.." + max);
      }
      if (prefix < 0 || prefix > max) {
        throw new ConfigException("bad prefix length in '" + text + "': must be 0.." + max);
      }
    }
    return new Cidr(mask(address, prefix), prefix);
  }

  /** Parses an IPv4 or IPv6 literal without ever consulting DNS. */
  public static InetAddress parseLiteral(String text) throws ConfigException {
    String t =
        text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
    boolean v4 = t.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    boolean v6 = t.indexOf(':') >= 0 && t.matches("[0-9A-Fa-f:.]+");
    if (!v4 && !v6) {
      throw new ConfigException("'" + text + "' is not an IPv4 or IPv6 address");
    }
    try {
      return InetAddress.getByName(t); // a literal: no lookup happens
    } catch (UnknownHostException e) {
      throw new ConfigException("'" + text + "' is not an IPv4 or IPv6 address");
    }
  }

  /** True when any of {@code list} contains {@code address}. */
  public static boolean anyContains(java.util.List<Cidr> list, InetAddress address) {
    for (Cidr c : list) {
      if (c.contains(address)) {
        return true;
      }
    }
    return false;
  }

  /** True when {@code address} is of the same family and inside this prefix. */
  public boolean contains(InetAddress address) {
    byte[] a = address.getAddress();
    byte[] n = network.getAddress();
    if (a.length != n.length) {
      return false;
    }
    int full = prefix / 8;
    for (int i = 0; i < full; i++) {
      if (a[i] != n[i]) {
        return false;
      }
    }
    int rest = prefix % 8;
    if (rest == 0) {
      return true;
    }
    int m = (0xff << (8 - rest)) & 0xff;
    return (a[full] & m) == (n[full] & m);
  }

  private static InetAddress mask(InetAddress address, int prefix) {
    byte[] b = address.getAddress();
    for (int i = 0; i < b.length; i++) {
      int bits = Math.max(0, Math.min(8, prefix - i * 8));
      b[i] &= (byte) ((0xff << (8 - bits)) & 0xff);
    }
    try {
      return InetAddress.getByAddress(b);
    } catch (UnknownHostException e) {
      throw new IllegalStateException("address of valid length rejected", e);
    }
  }

  @Override
  public String toString() {
    return network.getHostAddress() + "/" + prefix;
  }
}
