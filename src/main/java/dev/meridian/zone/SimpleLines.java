package dev.meridian.zone;

import java.util.Arrays;
import org.xbill.DNS.Address;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.TTL;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * Reads the lines most large zones are made of, {@code owner [TTL] [IN] A|AAAA address} (in either
 * order of TTL and class, as dnsjava's {@code Master} reads them), without dnsjava's tokenizer,
 * which spent most of a million-record load reading one byte at a time. Every other line
 * (directives, parentheses, quotes, escapes, comments, other types, owner-less lines, and anything
 * this reader does not accept) is left in the text for {@code Master}, which therefore reports
 * every error with the same line and message as before: a line taken here is blanked (its newline
 * kept, so line numbers do not move) and its record returned with its line, for the caller to merge
 * in file order. Only after a {@code $TTL} directive (before it, dnsjava takes a missing TTL from
 * the previous record, which may be one taken here), and only while no {@code $INCLUDE} or {@code
 * $GENERATE} appears. Stateless; {@link #split} is confined to the calling thread.
 */
final class SimpleLines {
  /** The text left for {@code Master}, and the records taken out of it, by line. */
  static final class Split {
    private final byte[] rest;
    private final int[] lines;
    private final Record[] records;
    private final int count;

    Split(byte[] rest, int[] lines, Record[] records, int count) {
      this.rest = rest;
      this.lines = lines;
      this.records = records;
      this.count = count;
    }

    /** The text for {@code Master}: the lines taken here are empty. */
    byte[] rest() {
      return rest;
    }

    /** How many records were taken here. */
    int count() {
      return count;
    }

    /** The line of the i-th record taken here (ascending). */
    int line(int i) {
      return lines[i];
    }

    /** The i-th record taken here. */
    Record record(int i) {
      return records[i];
    }
  }

  private SimpleLines() {}

  /** Splits {@code text}, a zone file read with {@code origin} as its initial origin. */
  static Split split(byte[] text, Name origin) {
    int[] lines = new int[1024];
    int[] starts = new int[1024];
    int[] ends = new int[1024];
    Record[] records = new Record[1024];
    int count = 0;
    long defaultTtl = -1;
    int depth = 0; // parentheses open at the start of the line (a record spanning lines)
    boolean lastIsOurs = false; // the last record line is one taken here
    int line = 1;
    for (int at = 0; at < text.length; line++) {
      int end = at;
      while (end < text.length && text[end] != '\n') {
        end++;
      }
      byte first = at < end ? text[at] : (byte) '\n';
      Record r = null;
      if (depth == 0 && defaultTtl >= 0 && isOwnerByte(first)) {
        r = parse(text, at, end, origin, defaultTtl);
      }
      if (r != null) {
        if (count == lines.length) {
          lines = Arrays.copyOf(lines, count * 2);
          starts = Arrays.copyOf(starts, count * 2);
          ends = Arrays.copyOf(ends, count * 2);
          records = Arrays.copyOf(records, count * 2);
        }
        lines[count] = line;
        starts[count] = at;
        ends[count] = end;
        records[count++] = r;
        lastIsOurs = true;
      } else {
        int opened = depth;
        int[] scan = scan(text, at, end, depth);
        if (scan == null) {
          return unchanged(text);
        }
        depth = scan[0];
        if (opened == 0 && first == '$') {
          Object d = directive(text, at, end);
          if (d instanceof Long ttl) {
            defaultTtl = ttl;
          } else if (d instanceof Name o) {
            origin = o;
          } else {
            return unchanged(text); // $INCLUDE, $GENERATE, or an error Master reports
          }
        } else if (opened == 0 && scan[1] != 0) {
          if ((first == ' ' || first == '\t') && lastIsOurs) {
            count--; // this record takes its owner from the one before: Master reads both
          }
          lastIsOurs = false;
        }
      }
      at = end + 1;
    }
    if (count == 0) {
      return unchanged(text);
    }
    byte[] rest = new byte[text.length];
    int out = 0;
    int from = 0;
    for (int i = 0; i < count; i++) {
      System.arraycopy(text, from, rest, out, starts[i] - from);
      out += starts[i] - from;
      from = ends[i]; // the newline stays: line numbers do not move
    }
    System.arraycopy(text, from, rest, out, text.length - from);
    out += text.length - from;
    return new Split(Arrays.copyOf(rest, out), lines, records, count);
  }

  /** The value of a $TTL (a Long) or $ORIGIN (a Name) line; null for anything else. */
  private static Object directive(byte[] text, int at, int end) {
    for (int i = at; i < end && text[i] != ';'; i++) {
      byte b = text[i];
      if (b == '"' || b == '\\' || b == '(' || b == ')') {
        return null;
      }
    }
    String[] w = words(text, at, end);
    if (w.length != 2) {
      return null;
    }
    try {
      if (w[0].equalsIgnoreCase("$TTL")) {
        return TTL.parseTTL(w[1]);
      }
      if (w[0].equalsIgnoreCase("$ORIGIN")) {
        return Name.fromString(w[1], Name.root);
      }
    } catch (TextParseException | NumberFormatException e) {
      return null;
    }
    return null;
  }

  private static Split unchanged(byte[] text) {
    return new Split(text, new int[0], new Record[0], 0);
  }

  private static boolean isOwnerByte(byte b) {
    return (b >= 'a' && b <= 'z')
        || (b >= 'A' && b <= 'Z')
        || (b >= '0' && b <= '9')
        || b == '_'
        || b == '-'
        || b == '*'
        || b == '@';
  }

  /** Bytes a simple line may hold besides owner bytes and blanks. */
  private static boolean isPlain(byte b) {
    return isOwnerByte(b) || b == '.' || b == ':' || b == ' ' || b == '\t';
  }

  /**
   * The record on a simple line, or null when the line is anything else (including anything dnsjava
   * would reject: Master then reads it and says why).
   */
  private static Record parse(byte[] text, int at, int end, Name origin, long defaultTtl) {
    for (int i = at; i < end; i++) {
      if (!isPlain(text[i])) {
        return null;
      }
    }
    String[] w = words(text, at, end);
    if (w.length < 3 || w.length > 5) {
      return null;
    }
    try {
      Name owner = Name.fromString(w[0], origin);
      int k = 1;
      long ttl = -1;
      int dclass = DClass.value(w[k]);
      if (dclass >= 0) {
        k++;
      }
      if (k < w.length && Character.isDigit(w[k].charAt(0))) {
        ttl = TTL.parseTTL(w[k++]);
      }
      if (dclass < 0 && k < w.length && DClass.value(w[k]) >= 0) {
        dclass = DClass.value(w[k++]);
      }
      if (dclass >= 0 && dclass != DClass.IN) {
        return null;
      }
      if (k != w.length - 2 || ttl > 0x7FFFFFFFL) {
        return null;
      }
      int type = Type.value(w[k]);
      int family = type == Type.A ? Address.IPv4 : type == Type.AAAA ? Address.IPv6 : 0;
      if (family == 0 || !owner.isAbsolute()) {
        return null;
      }
      byte[] address = Address.toByteArray(w[k + 1], family);
      if (address == null) {
        return null;
      }
      return Record.newRecord(owner, type, DClass.IN, ttl < 0 ? defaultTtl : ttl, address);
    } catch (TextParseException | IllegalArgumentException e) {
      return null; // Master reads this line and reports it as it always has
    }
  }

  /**
   * Parentheses open after {@code text[at..end)} given {@code depth} before it, and whether the
   * line holds anything but blanks and a comment; null when the parentheses do not balance.
   */
  private static int[] scan(byte[] text, int at, int end, int depth) {
    boolean quoted = false;
    boolean content = false;
    for (int i = at; i < end; i++) {
      byte b = text[i];
      if (b == '\\') {
        i++;
        content = true;
      } else if (b == '"') {
        quoted = !quoted;
        content = true;
      } else if (quoted) {
        content = true;
      } else if (b == ';') {
        break;
      } else if (b == '(') {
        depth++;
      } else if (b == ')') {
        if (--depth < 0) {
          return null;
        }
      } else if (b != ' ' && b != '\t' && b != '\r') {
        content = true;
      }
    }
    return new int[] {depth, content ? 1 : 0};
  }

  private static String[] words(byte[] text, int at, int end) {
    int semi = at;
    while (semi < end && text[semi] != ';') {
      semi++;
    }
    String[] words = new String[6];
    int n = 0;
    for (int i = at; i < semi; ) {
      while (i < semi && isBlank(text[i])) {
        i++;
      }
      int start = i;
      while (i < semi && !isBlank(text[i])) {
        i++;
      }
      if (i > start) {
        if (n == words.length) {
          words = Arrays.copyOf(words, n * 2);
        }
        words[n++] =
            new String(text, start, i - start, java.nio.charset.StandardCharsets.ISO_8859_1);
      }
    }
    return Arrays.copyOf(words, n);
  }

  /** What separates words (String.strip and a split on blanks took a regex per line). */
  private static boolean isBlank(byte b) {
    return b == ' ' || b == '\t' || b == '\r' || b == '\f' || b == 0x0B;
  }
}
