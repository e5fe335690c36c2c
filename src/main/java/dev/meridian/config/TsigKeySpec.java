package dev.meridian.config;

/**
 * A TSIG key (RFC 8945). Immutable.
 *
 * @param name the key's name, absolute
 * @param algorithm e.g. {@code hmac-sha256}
 * @param secret the shared secret, base64
 */
public record TsigKeySpec(String name, String algorithm, String secret) {
  @Override
  public String toString() {
    return "TsigKeySpec[" + name + ", " + algorithm + ", secret hidden]";
  }
}
