package dev.meridian.geo;

/**
 * Where a client is, as far as the geo database knows, and the database network that said so (for
 * explanations: ECS scopes come from the policy's route map, which merges alike neighbours).
 * Immutable.
 *
 * @param country ISO 3166-1 alpha-2 code, or null
 * @param subdivision ISO 3166-2 subdivision code without the country (e.g. "CA"), or null
 * @param continent two-letter continent code (AF AN AS EU NA OC SA), or null
 * @param latitude degrees, NaN when unknown
 * @param longitude degrees, NaN when unknown
 * @param prefix prefix length of the database network that holds the address (of the IPv4 network
 *     for an IPv4-mapped or 6to4 address)
 * @param network that network, as text (e.g. {@code 81.2.69.128/26}), for explanations
 */
public record Location(
    String country,
    String subdivision,
    String continent,
    double latitude,
    double longitude,
    int prefix,
    String network) {

  /** Nothing known about an address, for the whole {@code prefix}. */
  public static Location unknown(int prefix, String network) {
    return new Location(null, null, null, Double.NaN, Double.NaN, prefix, network);
  }

  public boolean hasCoordinates() {
    return !Double.isNaN(latitude) && !Double.isNaN(longitude);
  }

  /** Great-circle distance in kilometres (haversine). */
  public static double distanceKm(double lat1, double lon1, double lat2, double lon2) {
    double p1 = Math.toRadians(lat1);
    double p2 = Math.toRadians(lat2);
    double dp = p2 - p1;
    double dl = Math.toRadians(lon2 - lon1);
    double h =
        Math.sin(dp / 2) * Math.sin(dp / 2)
            + Math.cos(p1) * Math.cos(p2) * Math.sin(dl / 2) * Math.sin(dl / 2);
    return 2 * 6371.0 * Math.asin(Math.min(1, Math.sqrt(h)));
  }

  /** One line for logs and explanations. */
  public String describe() {
    StringBuilder b = new StringBuilder();
    b.append(country == null ? "country unknown" : "country " + country);
    if (subdivision != null) {
      b.append('-').append(subdivision);
    }
    b.append(continent == null ? ", continent unknown" : ", continent " + continent);
    if (hasCoordinates()) {
      b.append(String.format(java.util.Locale.ROOT, ", at %.2f,%.2f", latitude, longitude));
    }
    return b.append(" (database network ").append(network).append(')').toString();
  }
}
