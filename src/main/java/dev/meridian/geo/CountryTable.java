package dev.meridian.geo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Country code to continent and a representative point (the mean of the country's tz reference
 * cities), for rules by continent and for {@code nearest} when a database has no coordinates. Read
 * from {@code geo-data/countries.csv}, which the jar carries. Immutable.
 */
public final class CountryTable {
  /** One country. */
  public record Country(String code, String continent, double latitude, double longitude) {}

  private final Map<String, Country> countries;

  private CountryTable(Map<String, Country> countries) {
    this.countries = Map.copyOf(countries);
  }

  /** The table shipped in the jar. */
  public static CountryTable bundled() {
    try (InputStream in = CountryTable.class.getResourceAsStream("/countries.csv")) {
      if (in == null) {
        throw new IllegalStateException("countries.csv is missing from the jar");
      }
      return read(in);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the bundled countries.csv", e);
    }
  }

  /** Reads {@code code,continent,latitude,longitude} lines; '#' starts a comment line. */
  public static CountryTable read(InputStream in) throws IOException {
    Map<String, Country> m = new HashMap<>();
    BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    String line;
    while ((line = r.readLine()) != null) {
      if (line.isBlank() || line.startsWith("#") || line.startsWith("code,")) {
        continue;
      }
      String[] f = line.split(",", -1);
      m.put(f[0], new Country(f[0], f[1], Double.parseDouble(f[2]), Double.parseDouble(f[3])));
    }
    return new CountryTable(m);
  }

  /** The country, or null. */
  public Country get(String code) {
    return code == null ? null : countries.get(code);
  }

  public int size() {
    return countries.size();
  }
}
