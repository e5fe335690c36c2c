package dev.meridian.zone;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.xbill.DNS.Master;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Tokenizer;

/**
 * Reads master files (RFC 1035 section 5: $ORIGIN, $TTL, $INCLUDE, parentheses, escapes) with
 * dnsjava's {@link Master}. The zone's name is the file name without {@code .zone}. Stateless.
 */
public final class ZoneFileLoader {
  /** $INCLUDE nesting and fan-out allowed; dnsjava itself follows includes without limit. */
  static final int MAX_INCLUDE_DEPTH = 8;

  static final int MAX_INCLUDED_FILES = 64;

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
      text = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new ZoneException(List.of(file + ": cannot read: " + e.getMessage()));
    }
    List<Path> included = new ArrayList<>();
    if (mentionsInclude(text)) { // a scan of a million-record file costs as much as its parse
      checkIncludes(
          file, text, new ArrayDeque<>(List.of(file.toAbsolutePath().normalize())), included);
      text = rewriteIncludes(text, file);
    }
    String source = file.toString();
    ZoneBuilder builder = new ZoneBuilder(origin, source);
    // simple A/AAAA lines are read here; Master reads the rest, and the two merge in file order
    SimpleLines.Split simple = SimpleLines.split(text, origin);
    builder.expectLeaves(simple.count());
    int next = 0;
    LineCountingStream in = new LineCountingStream(new ByteArrayInputStream(simple.rest()));
    try (Master master = new Master(in, origin)) {
      int lastLine = 1;
      while (true) {
        in.mark();
        Record r = master.nextRecord();
        // else it came via $INCLUDE
        int line =
            r == null ? Integer.MAX_VALUE : in.recordStart() > 0 ? in.recordStart() : lastLine;
        while (next < simple.count() && simple.line(next) < line) {
          simple.addTo(builder, next, source);
          next++;
        }
        if (r == null) {
          break;
        }
        lastLine = line;
        builder.add(r, source, line);
      }
    } catch (TextParseException e) {
      throw new ZoneException(List.of(located(e.getMessage(), file, included)));
    } catch (IOException e) {
      throw new ZoneException(List.of(file + ":" + in.line() + ": " + e.getMessage()));
    } catch (RuntimeException e) { // dnsjava rejects some bad rdata with unchecked exceptions
      throw new ZoneException(List.of(file + ":" + in.line() + ": " + e));
    }
    Zone zone = builder.build();
    return new Loaded(zone, builder.warnings());
  }

  /**
   * Follows every $INCLUDE (tokenized as dnsjava's {@link Master} does) before dnsjava opens them,
   * so that a missing file, a cycle or runaway nesting is reported as {@code file:line} instead of
   * hanging the load or losing the line. {@code text} is the file as written; {@code chain} holds
   * the files being included, outermost first; {@code included} collects every included file.
   */
  private static void checkIncludes(
      Path file, byte[] text, ArrayDeque<Path> chain, List<Path> included) throws ZoneException {
    Path dir = file.toAbsolutePath().getParent();
    List<String> problems = new ArrayList<>();
    try (Tokenizer st = new Tokenizer(new ByteArrayInputStream(text))) {
      while (true) {
        Tokenizer.Token t = st.get(true, false);
        if (t.type() == Tokenizer.EOF) {
          break;
        }
        if (t.isString() && "$INCLUDE".equalsIgnoreCase(t.value())) {
          String target = st.getString();
          String at = file + ":" + lineOf(st) + ": $INCLUDE " + target + ": ";
          Path next = resolveInclude(dir, target);
          if (next == null) {
            problems.add(at + "not a file name");
          } else if (chain.contains(next)) {
            problems.add(at + "includes itself (" + chain.size() + " files deep)");
          } else if (chain.size() > MAX_INCLUDE_DEPTH) {
            problems.add(at + "nested deeper than " + MAX_INCLUDE_DEPTH + " files");
          } else if (included.size() >= MAX_INCLUDED_FILES) {
            problems.add(at + "more than " + MAX_INCLUDED_FILES + " included files");
          } else {
            byte[] body;
            try {
              body = Files.readAllBytes(next);
            } catch (java.nio.file.NoSuchFileException e) {
              problems.add(at + "no such file " + next);
              break;
            } catch (IOException | RuntimeException e) {
              problems.add(at + "cannot read " + next + ": " + e.getMessage());
              break;
            }
            included.add(next);
            chain.addLast(next);
            checkIncludes(next, body, chain, included);
            chain.removeLast();
          }
          if (!problems.isEmpty()) {
            break;
          }
        }
        while (t.type() != Tokenizer.EOL && t.type() != Tokenizer.EOF) {
          t = st.get(); // the rest of this line, or of this parenthesised record
        }
      }
    } catch (IOException e) {
      // a syntax error: the real parse stops at the same place and reports it with its line
    }
    if (!problems.isEmpty()) {
      throw new ZoneException(problems);
    }
  }

  /** True when {@code $INCLUDE} (any case) occurs anywhere in {@code text}. */
  static boolean mentionsInclude(byte[] text) {
    byte[] word = {'$', 'I', 'N', 'C', 'L', 'U', 'D', 'E'};
    for (int i = 0, end = text.length - word.length; i <= end; i++) {
      if (text[i] != '$') {
        continue;
      }
      int k = 1;
      while (k < word.length && (text[i + k] & 0xDF) == word[k]) {
        k++;
      }
      if (k == word.length) {
        return true;
      }
    }
    return false;
  }

  /** dnsjava's rule: an absolute path, or one relative to the including file's folder. */
  private static Path resolveInclude(Path dir, String target) {
    try {
      Path p = Path.of(target);
      return (p.isAbsolute() ? p : dir.resolve(p)).toAbsolutePath().normalize();
    } catch (java.nio.file.InvalidPathException e) {
      return null;
    }
  }

  /** The tokenizer's current line: it reports it only inside an exception message. */
  private static String lineOf(Tokenizer st) {
    String m = st.exception("").getMessage();
    Matcher n = LINE.matcher(m == null ? "" : m);
    return n.find() ? n.group(1) : "1";
  }

  private static final Pattern LINE = Pattern.compile(":(\\d+):");

  /**
   * dnsjava names a stream {@code <none>}: put the file there. An error inside an included file
   * names only that file's base name: put its full path there (the first included file of that
   * name); anything else gets our file in front.
   */
  private static String located(String message, Path file, List<Path> included) {
    String m = message == null ? "parse error" : message;
    if (m.startsWith("<none>:")) {
      return file + m.substring("<none>".length());
    }
    for (Path p : included) {
      String base = p.getFileName() == null ? "" : p.getFileName().toString();
      if (!base.isEmpty() && m.startsWith(base + ":")) {
        return p + m.substring(base.length());
      }
    }
    return m.startsWith(file.toString()) ? m : file + ": " + m;
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
        try {
          Path p = Path.of(target);
          if (!p.isAbsolute()) {
            target = dir.resolve(p).toString();
          }
          out.append(m.group(1)).append(target).append(m.group(3));
        } catch (java.nio.file.InvalidPathException e) {
          out.append(line); // not a file name (a NUL byte, say): dnsjava reports it with its line
        }
      } else {
        out.append(line);
      }
      out.append('\n');
    }
    out.setLength(out.length() - 1);
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }
}
