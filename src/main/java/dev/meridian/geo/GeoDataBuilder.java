package dev.meridian.geo;

import com.maxmind.db.Reader;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds {@code geo-data/}: {@code countries.csv} from tzdata's {@code zone.tab} (continent and the
 * mean of each country's reference cities) and {@code meridian-country.mmdb} from the IPFire
 * Location ranges that Debian's tor-geoipdb ships as text, then reads every source range back with
 * the official reader. Confined to one thread; run by {@code meridian geo-build}.
 */
public final class GeoDataBuilder {
  private static final List<String> SOUTH_AMERICA =
      List.of("AR", "BO", "BR", "CL", "CO", "EC", "FK", "GF", "GY", "PE", "PY", "SR", "UY", "VE");

  /** Continents of countries whose tz region (Atlantic/, Indian/, America/) does not say it. */
  private static final Map<String, String> CONTINENT_OVERRIDES =
      Map.ofEntries(
          Map.entry("BM", "NA"),
          Map.entry("CV", "AF"),
          Map.entry("FO", "EU"),
          Map.entry("GS", "AN"),
          Map.entry("IS", "EU"),
          Map.entry("SH", "AF"),
          Map.entry("IO", "AS"),
          Map.entry("CX", "AS"),
          Map.entry("CC", "AS"),
          Map.entry("KM", "AF"),
          Map.entry("MG", "AF"),
          Map.entry("MU", "AF"),
          Map.entry("MV", "AS"),
          Map.entry("RE", "AF"),
          Map.entry("SC", "AF"),
          Map.entry("TF", "AN"),
          Map.entry("YT", "AF"),
          Map.entry("SJ", "EU"),
          Map.entry("GL", "NA"),
          Map.entry("PT", "EU"),
          Map.entry("ES", "EU"));

  /** Territories without a tz zone of their own: continent and a point on them. */
  private static final Map<String, String> EXTRA_COUNTRIES =
      Map.of("BV", "AN,-54.42,3.36", "HM", "AN,-53.08,73.50");

  /**
   * Codes in the IPFire data that are not ISO 3166-1 countries: the country they stand for, or
   * "@XX" for a continent only. "??", "ZZ" and "UN" (no place) are left out of the database.
   */
  private static final Map<String, String> NON_ISO =
      Map.of(
          "UK", "GB", "SU", "RU", "CS", "RS", "AN", "CW", "AB", "GE", "OS", "GE", "AP", "@AS", "EU",
          "@EU");

  private GeoDataBuilder() {}

  /** What a build did, for the tool's output and the geo-data README. */
  public record Report(int countries, int ranges, int networks, int verified, long bytes) {}

  /** Builds countries.csv and the database into {@code outDir}; verifies every range. */
  public static Report build(Path zoneTab, Path ipv4, Path ipv6, Path outDir, long buildEpoch)
      throws IOException {
    Map<String, CountryTable.Country> countries = countriesFromZoneTab(zoneTab);
    Files.createDirectories(outDir);
    StringBuilder csv = new StringBuilder("# country,continent,latitude,longitude\n");
    csv.append(
        "# from tzdata zone.tab (mean of the reference cities) and GeoDataBuilder's table\n");
    for (CountryTable.Country c : countries.values()) {
      csv.append(
          String.format(
              Locale.ROOT,
              "%s,%s,%.2f,%.2f%n",
              c.code(),
              c.continent(),
              c.latitude(),
              c.longitude()));
    }
    Files.writeString(outDir.resolve("countries.csv"), csv.toString());

    MmdbWriter writer = new MmdbWriter();
    List<Range> ranges = new ArrayList<>();
    readRanges(ipv4, true, ranges);
    readRanges(ipv6, false, ranges);
    int networks = 0;
    List<Range> kept = new ArrayList<>();
    for (Range r : ranges) {
      Map<String, Object> value = value(r.code, countries);
      if (value == null) {
        continue;
      }
      kept.add(r);
      for (Object[] cidr : cidrs(r.start, r.end, r.v4 ? 32 : 128)) {
        writer.insert(toAddress((BigInteger) cidr[0], r.v4), (Integer) cidr[1], value);
        networks++;
      }
    }
    Path db = outDir.resolve("meridian-country.mmdb");
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(db))) {
      writer.write(
          out,
          "Meridian-Country",
          "IPFire Location data (CC BY-SA 4.0) via Debian tor-geoipdb",
          buildEpoch);
    }
    int verified = verify(db, kept, countries);
    return new Report(countries.size(), kept.size(), networks, verified, Files.size(db));
  }

  private record Range(BigInteger start, BigInteger end, String code, boolean v4) {}

  static Map<String, CountryTable.Country> countriesFromZoneTab(Path zoneTab) throws IOException {
    Map<String, double[]> sums = new TreeMap<>();
    Map<String, String> continent = new TreeMap<>();
    for (String line : Files.readAllLines(zoneTab, StandardCharsets.UTF_8)) {
      if (line.startsWith("#") || line.isBlank()) {
        continue;
      }
      String[] f = line.split("\t", -1);
      double[] ll = isoCoordinates(f[1]);
      double[] s = sums.computeIfAbsent(f[0], k -> new double[3]);
      s[0] += ll[0];
      s[1] += ll[1];
      s[2]++;
      continent.putIfAbsent(f[0], continentOfZone(f[0], f[2]));
    }
    Map<String, CountryTable.Country> out = new TreeMap<>();
    for (var e : sums.entrySet()) {
      double[] s = e.getValue();
      out.put(
          e.getKey(),
          new CountryTable.Country(
              e.getKey(), continent.get(e.getKey()), s[0] / s[2], s[1] / s[2]));
    }
    for (var e : EXTRA_COUNTRIES.entrySet()) {
      String[] f = e.getValue().split(",", -1);
      out.putIfAbsent(
          e.getKey(),
          new CountryTable.Country(
              e.getKey(), f[0], Double.parseDouble(f[1]), Double.parseDouble(f[2])));
    }
    return out;
  }

  private static String continentOfZone(String cc, String zone) {
    if (CONTINENT_OVERRIDES.containsKey(cc)) {
      return CONTINENT_OVERRIDES.get(cc);
    }
    if (SOUTH_AMERICA.contains(cc)) {
      return "SA";
    }
    String region = zone.substring(0, zone.indexOf('/'));
    return switch (region) {
      case "Europe", "Arctic" -> "EU";
      case "Africa" -> "AF";
      case "Asia" -> "AS";
      case "Australia", "Pacific" -> "OC";
      case "Antarctica" -> "AN";
      case "America" -> "NA";
      default -> throw new IllegalArgumentException("no continent for " + cc + " " + zone);
    };
  }

  /** ISO 6709 as zone.tab writes it: +DDMM+DDDMM or +DDMMSS+DDDMMSS. */
  static double[] isoCoordinates(String s) {
    int split = Math.max(s.lastIndexOf('+'), s.lastIndexOf('-'));
    return new double[] {dms(s.substring(0, split), 2), dms(s.substring(split), 3)};
  }

  private static double dms(String s, int degreeDigits) {
    double sign = s.charAt(0) == '-' ? -1 : 1;
    String d = s.substring(1);
    double deg = Integer.parseInt(d.substring(0, degreeDigits));
    double min = Integer.parseInt(d.substring(degreeDigits, degreeDigits + 2));
    double sec =
        d.length() > degreeDigits + 2 ? Integer.parseInt(d.substring(degreeDigits + 2)) : 0;
    return sign * (deg + min / 60 + sec / 3600);
  }

  private static void readRanges(Path file, boolean v4, List<Range> out) throws IOException {
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      if (line.startsWith("#") || line.isBlank()) {
        continue;
      }
      String[] f = line.split(",", -1);
      BigInteger start = v4 ? new BigInteger(f[0]) : new BigInteger(1, literal(f[0]).getAddress());
      BigInteger end = v4 ? new BigInteger(f[1]) : new BigInteger(1, literal(f[1]).getAddress());
      out.add(new Range(start, end, f[2].trim(), v4));
    }
  }

  private static InetAddress literal(String s) throws IOException {
    if (s.indexOf(':') < 0 && !s.matches("[0-9.]+")) {
      throw new IOException("not an address literal: " + s);
    }
    return InetAddress.getByName(s); // a literal: no lookup
  }

  /** The record for a source code, or null to leave the range out. */
  static Map<String, Object> value(String code, Map<String, CountryTable.Country> countries) {
    String cc = NON_ISO.getOrDefault(code, code);
    Map<String, Object> v = new LinkedHashMap<>();
    if (cc.startsWith("@")) {
      v.put("continent", Map.of("code", cc.substring(1)));
      return v;
    }
    CountryTable.Country c = countries.get(cc);
    if (c == null) {
      return null; // "??", "ZZ", "UN": no place
    }
    v.put("continent", Map.of("code", c.continent()));
    v.put("country", Map.of("iso_code", cc));
    return v;
  }

  /** Splits [start, end] into the fewest aligned CIDR blocks. */
  static List<Object[]> cidrs(BigInteger start, BigInteger end, int width) {
    List<Object[]> out = new ArrayList<>();
    BigInteger s = start;
    while (s.compareTo(end) <= 0) {
      int size = s.signum() == 0 ? width : Math.min(width, s.getLowestSetBit());
      while (size > 0
          && s.add(BigInteger.ONE.shiftLeft(size)).subtract(BigInteger.ONE).compareTo(end) > 0) {
        size--;
      }
      out.add(new Object[] {s, width - size});
      s = s.add(BigInteger.ONE.shiftLeft(size));
    }
    return out;
  }

  private static InetAddress toAddress(BigInteger v, boolean v4) throws IOException {
    byte[] raw = v.toByteArray();
    byte[] a = new byte[v4 ? 4 : 16];
    int n = Math.min(raw.length, a.length);
    System.arraycopy(raw, raw.length - n, a, a.length - n, n);
    return InetAddress.getByAddress(a);
  }

  /** Reads the first and last address of every kept range back with the official reader. */
  private static int verify(
      Path db, List<Range> ranges, Map<String, CountryTable.Country> countries) throws IOException {
    int ok = 0;
    try (Reader reader = new Reader(db.toFile())) {
      for (Range r : ranges) {
        Map<String, Object> want = value(r.code, countries);
        for (BigInteger probe : new BigInteger[] {r.start, r.end}) {
          @SuppressWarnings("unchecked")
          Map<String, Object> got = reader.get(toAddress(probe, r.v4), Map.class);
          if (!want.equals(got)) {
            throw new IOException(
                "verification failed: "
                    + toAddress(probe, r.v4).getHostAddress()
                    + " should be "
                    + want
                    + " but the database says "
                    + got);
          }
        }
        ok++;
      }
    }
    return ok;
  }
}
