package dev.meridian.zone;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.xbill.DNS.Master;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.TextParseException;

/**
 * Reads master files (RFC 1035 section 5: $ORIGIN, $TTL, $INCLUDE, parentheses, escapes) with
 * dnsjava's {@link Master}. The zone's name is the file name without {@code .zone}. Stateless.
 */
public final class ZoneFileLoader {
  private static final Pattern INCLUDE =
      Pattern.compile("^(\\$INCLUDE\\s+)(\"[^\"]+\"|\\S+)(.*)$", Pattern.CASE_INSENSITIVE);

  private ZoneFileLoader() {}

  /** Everything a directory scan produced: the zones that loaded and the files that did not. */
  public record DirectoryResult(List<Loaded> zones, List<String> errors) {
    public DirectoryResult {
      zones = List.copyOf(zones);
      errors = List.copyOf(errors);
    }
  }

  /** One zone that loaded, with the warnings it raised. */
  public record Loaded(Zone zone, List<String> warnings) {
    public Loaded {
      warnings = List.copyOf(warnings);
    }
  }

  /** Loads every {@code *.zone} file in {@code dir}; a bad file is reported and skipped. */
  public static DirectoryResult loadDirectory(Path dir) {
    List<Loaded> zones = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.zone")) {
      for (Path p : ds) {
        files.add(p);
      }
    } catch (IOException e) {
      errors.add(dir + ": cannot list zone directory: " + e.getMessage());
      return new DirectoryResult(zones, errors);
    }
    files.sort(null);
    List<Name> seen = new ArrayList<>();
    for (Path f : files) {
      try {
        Loaded l = load(f);
        if (seen.contains(l.zone().origin())) {
          errors.add(f + ": zone " + l.zone().origin() + " is already loaded from another file");
          continue;
        }
        seen.add(l.zone().origin());
        zones.add(l);
      } catch (ZoneException e) {
        errors.addAll(e.problems());
      }
    }
    return new DirectoryResult(zones, errors);
  }

  /** Loads one file whose name (minus {@code .zone}) is the zone's origin. */
  public static Loaded load(Path file) throws ZoneException {
    String fileName = file.getFileName().toString();
    String stem =
        fileName.endsWith(".zone") ? fileName.substring(0, fileName.length() - 5) : fileName;
    Name origin;
    try {
      origin = Name.fromString(stem, Name.root);
    } catch (TextParseException e) {
      throw new ZoneException(List.of(file + ": file name '" + stem + "' is not a domain name"));
    }
    return load(file, origin);
  }

  /** Loads {@code file} as the zone {@code origin}. */
  public static Loaded load(Path file, Name origin) throws ZoneException {
    byte[] text;
    try {
      text = rewriteIncludes(Files.readAllBytes(file), file);
    } catch (IOException e) {
      throw new ZoneException(List.of(file + ": cannot read: " + e.getMessage()));
    }
    ZoneBuilder builder = new ZoneBuilder(origin, file.toString());
    LineCountingStream in = new LineCountingStream(new ByteArrayInputStream(text));
    try (Master master = new Master(in, origin)) {
      int lastLine = 1;
      while (true) {
        in.mark();
        Record r = master.nextRecord();
        if (r == null) {
          break;
        }
        int line = in.recordStart() > 0 ? in.recordStart() : lastLine; // else it came via $INCLUDE
        lastLine = line;
        builder.add(r, file + ":" + line);
      }
    } catch (TextParseException e) {
      throw new ZoneException(List.of(located(e.getMessage(), file)));
    } catch (IOException e) {
      throw new ZoneException(List.of(file + ": " + e.getMessage()));
    } catch (RuntimeException e) { // dnsjava rejects some bad rdata with unchecked exceptions
      throw new ZoneException(List.of(file + ": " + e));
    }
    Zone zone = builder.build();
    return new Loaded(zone, builder.warnings());
  }

  /** dnsjava names a stream {@code <none>}; put the file there. */
  private static String located(String message, Path file) {
    String m = message == null ? "parse error" : message;
    if (m.startsWith("<none>:")) {
      return file + m.substring("<none>".length());
    }
    return m.contains(":") && !m.startsWith(file.toString()) && !m.startsWith("/")
        ? file + ": " + m
        : m;
  }

  /**
   * A relative $INCLUDE path is relative to the including file's folder (dnsjava, reading a stream,
   * would take the working directory). Line count is unchanged.
   */
  private static byte[] rewriteIncludes(byte[] text, Path file) {
    String s = new String(text, StandardCharsets.UTF_8);
    if (!s.toUpperCase(java.util.Locale.ROOT).contains("$INCLUDE")) {
      return text;
    }
    Path dir = file.toAbsolutePath().getParent();
    StringBuilder out = new StringBuilder(s.length() + 64);
    for (String line : s.split("\n", -1)) {
      Matcher m = INCLUDE.matcher(line);
      if (m.matches()) {
        String target = m.group(2).replace("\"", "");
        Path p = Path.of(target);
        if (!p.isAbsolute()) {
          target = dir.resolve(p).toString();
        }
        out.append(m.group(1)).append(target).append(m.group(3));
      } else {
        out.append(line);
      }
      out.append('\n');
    }
    out.setLength(out.length() - 1);
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }
}
