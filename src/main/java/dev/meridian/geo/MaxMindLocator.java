package dev.meridian.geo;

import com.maxmind.db.CHMCache;
import com.maxmind.db.DatabaseRecord;
import com.maxmind.db.MaxMindDbConstructor;
import com.maxmind.db.MaxMindDbParameter;
import com.maxmind.db.Network;
import com.maxmind.db.Reader;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Reads any MaxMind-format database (GeoLite2/GeoIP2 Country or City, DB-IP, or ours) with the
 * official reader, memory-mapped, decoded records cached. Thread-safe.
 */
public final class MaxMindLocator implements GeoLocator, Closeable {
  private final Reader reader;
  private final CountryTable countries;
  private final String description;

  private MaxMindLocator(Reader reader, CountryTable countries) {
    this.reader = reader;
    this.countries = countries;
    this.description =
        reader.getMetadata().getDatabaseType() + ", built " + reader.getMetadata().getBuildDate();
  }

  /** Opens {@code file}; fails with a readable message when it is not a MaxMind DB. */
  public static MaxMindLocator open(Path file, CountryTable countries) throws IOException {
    return new MaxMindLocator(new Reader(file.toFile(), new CHMCache(4096)), countries);
  }

  /** The database type and build date, for the start-up log. */
  public String description() {
    return description;
  }

  /** The fields we read from a record; the rest is never decoded. Immutable once cached. */
  public static final class GeoRecord {
    final String country;
    final String continent;
    final String subdivision;
    final double latitude;
    final double longitude;

    @MaxMindDbConstructor
    public GeoRecord(
        @MaxMindDbParameter(name = "country") Map<String, Object> country,
        @MaxMindDbParameter(name = "registered_country") Map<String, Object> registered,
        @MaxMindDbParameter(name = "continent") Map<String, Object> continent,
        @MaxMindDbParameter(name = "subdivisions") List<Object> subdivisions,
        @MaxMindDbParameter(name = "location") Map<String, Object> location) {
      Object cc = country != null ? country.get("iso_code") : null;
      if (cc == null && registered != null) {
        cc = registered.get("iso_code");
      }
      this.country = (String) cc;
      this.continent = continent == null ? null : (String) continent.get("code");
      this.subdivision =
          subdivisions == null
                  || subdivisions.isEmpty()
                  || !(subdivisions.get(0) instanceof Map<?, ?> s)
              ? null
              : (String) s.get("iso_code");
      this.latitude = number(location, "latitude");
      this.longitude = number(location, "longitude");
    }

    private static double number(Map<String, Object> m, String key) {
      Object v = m == null ? null : m.get(key);
      return v instanceof Number n ? n.doubleValue() : Double.NaN;
    }
  }

  @Override
  public Location locate(InetAddress address) {
    DatabaseRecord<GeoRecord> r;
    try {
      r = reader.getRecord(address, GeoRecord.class);
    } catch (IOException | RuntimeException e) {
      // a corrupt region of the file: treat as unknown for this host only
      return Location.unknown(address.getAddress().length * 8, address.getHostAddress());
    }
    Network n = r.getNetwork();
    String network = n.getNetworkAddress().getHostAddress() + "/" + n.getPrefixLength();
    GeoRecord g = r.getData();
    if (g == null) {
      return Location.unknown(n.getPrefixLength(), network);
    }
    String continent = g.continent;
    double lat = g.latitude;
    double lon = g.longitude;
    CountryTable.Country c = countries.get(g.country);
    if (c != null) {
      continent = continent == null ? c.continent() : continent;
      if (Double.isNaN(lat) || Double.isNaN(lon)) {
        lat = c.latitude();
        lon = c.longitude();
      }
    }
    return new Location(
        g.country, g.subdivision, continent, lat, lon, n.getPrefixLength(), network);
  }

  @Override
  public void close() throws IOException {
    reader.close();
  }
}
