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
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads any MaxMind-format database (GeoLite2/GeoIP2 Country or City, DB-IP, or ours) with the
 * official reader, memory-mapped, decoded records cached. Thread-safe.
 */
public final class MaxMindLocator implements GeoLocator, Closeable {
  private final Reader reader;
  private final Path file;
  private final CountryTable countries;
  private final String description;

  private MaxMindLocator(Reader reader, Path file, CountryTable countries) {
    this.reader = reader;
    this.file = file;
    this.countries = countries;
    this.description =
        reader.getMetadata().databaseType() + ", built " + reader.getMetadata().buildTime();
  }

  /** Opens {@code file}; fails with a readable message when it is not a MaxMind DB. */
  public static MaxMindLocator open(Path file, CountryTable countries) throws IOException {
    return new MaxMindLocator(new Reader(file.toFile(), new CHMCache(4096)), file, countries);
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
    InetAddress a = embeddedIpv4(address);
    DatabaseRecord<GeoRecord> r;
    try {
      r = reader.getRecord(a, GeoRecord.class);
    } catch (IOException | RuntimeException e) {
      // a corrupt region of the file: treat as unknown for this host only
      return Location.unknown(a.getAddress().length * 8, a.getHostAddress());
    }
    Network n = r.network();
    String network = n.networkAddress().getHostAddress() + "/" + n.prefixLength();
    return place(r.data(), n.prefixLength(), network);
  }

  /**
   * The IPv4 address inside an IPv4-mapped ({@code ::ffff:0:0/96}) or 6to4 ({@code 2002::/16})
   * address, as MaxMind's databases alias them; any other address as it is.
   */
  static InetAddress embeddedIpv4(InetAddress address) {
    byte[] b = address.getAddress();
    int at = -1;
    if (b.length == 16 && b[0] == 0x20 && b[1] == 0x02) {
      at = 2;
    } else if (b.length == 16 && (b[10] & b[11]) == -1) {
      at = 12;
      for (int i = 0; i < 10; i++) {
        at = b[i] == 0 ? at : -1;
      }
    }
    if (at < 0) {
      return address;
    }
    try {
      return InetAddress.getByAddress(java.util.Arrays.copyOfRange(b, at, at + 4));
    } catch (java.net.UnknownHostException e) {
      throw new AssertionError("four bytes are an IPv4 address", e);
    }
  }

  private Location place(GeoRecord g, int prefix, String network) {
    if (g == null) {
      return Location.unknown(prefix, network);
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
    return new Location(g.country, g.subdivision, continent, lat, lon, prefix, network);
  }

  /**
   * Walks the file's search tree (our own walk: the reader's iterator would build an address object
   * per network) and decodes each distinct record once, through a lookup of the first network that
   * holds it. About a second for the shipped database's 1.15 million networks.
   */
  @Override
  public void walk(NetworkVisitor visitor) {
    Map<Integer, Location> places = new HashMap<>();
    Location unknown = Location.unknown(0, "unknown");
    boolean v6 = reader.getMetadata().ipVersion() == 6;
    try {
      TreeWalk.walk(
          file,
          new TreeWalk.Leaves() {
            @Override
            public void network(long hi, long lo, int prefix, int pointer) {
              Location place = pointer < 0 ? unknown : places.get(pointer);
              if (place == null) {
                place = decode(hi, lo, v6);
                places.put(pointer, place);
              }
              visitor.network(hi, lo, prefix, place);
            }

            @Override
            public void alias(long hi, long lo, int prefix) {
              visitor.alias(hi, lo, prefix);
            }
          });
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot walk " + file, e);
    }
  }

  private Location decode(long hi, long lo, boolean v6) {
    byte[] b = new byte[16];
    for (int i = 0; i < 8; i++) {
      b[i] = (byte) (hi >>> (56 - 8 * i));
      b[8 + i] = (byte) (lo >>> (56 - 8 * i));
    }
    try {
      InetAddress a =
          v6
              ? java.net.Inet6Address.getByAddress(null, b, -1)
              : InetAddress.getByAddress(java.util.Arrays.copyOfRange(b, 12, 16));
      return place(reader.getRecord(a, GeoRecord.class).data(), 0, "walk");
    } catch (IOException e) {
      return Location.unknown(0, "unreadable record");
    }
  }

  @Override
  public void close() throws IOException {
    reader.close();
  }
}
