package dev.meridian.zone;

import java.nio.charset.StandardCharsets;
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
  /**
   * The text left for {@code Master}, and the records taken out of it, by line: owner names in wire
   * form, types, TTLs and addresses in arrays (a million records here were a million {@code Name}s
   * and {@code Record}s alive until the merge).
   */
  static final class Split {
    private final byte[] rest;
    private final Taken taken;

    Split(byte[] rest, Taken taken) {
      this.rest = rest;
      this.taken = taken;
    }

    /** The text for {@code Master}: the lines taken here are empty. */
    byte[] rest() {
      return rest;
    }

    /** How many records were taken here. */
    int count() {
      return taken.count;
    }

    /** The line of the i-th record taken here (ascending). */
    int line(int i) {
      return taken.lines[i];
    }

    /** Adds the i-th record taken here to {@code builder}. */
    void addTo(ZoneBuilder builder, int i, String file) {
      Taken t = taken;
      builder.addAddress(
          t.owners,
          t.ownerAt[i],
          t.ownerAt[i + 1],
          t.types[i],
          t.ttls[i],
          t.rdata,
          t.rdAt[i],
          file,
          t.lines[i]);
    }

    /** The i-th record taken here, made now (for tests). */
    Record record(int i) {
      Taken t = taken;
      Name owner = Leaves.name(t.owners, t.ownerAt[i], t.ownerAt[i + 1] - 1, Name.root);
      return Record.newRecord(
          owner,
          t.types[i],
          DClass.IN,
          t.ttls[i],
          Arrays.copyOfRange(t.rdata, t.rdAt[i], t.rdAt[i + 1]));
    }
  }

  /** The records taken, growing as lines are read. */
  private static final class Taken {
    int count;
    int[] lines;
    int[] starts;
    int[] ends;
    int[] types;
    int[] ttls;
    int[] ownerAt;
    int[] rdAt;
    byte[] owners;
    byte[] rdata;

    /**
     * Room for {@code capacity} records (the file's line count: arrays grown in steps were as much
     * garbage again, which a reload under load paid for in collector pauses).
     */
    Taken(int capacity) {
      int n = Math.max(16, capacity);
      lines = new int[n];
      starts = new int[n];
      ends = new int[n];
      types = new int[n];
      ttls = new int[n];
      ownerAt = new int[n + 1];
      rdAt = new int[n + 1];
      owners = new byte[Math.max(1 << 12, n * 16)];
      rdata = new byte[4 * n + 16];
    }

    /** Room for one more record of up to 255 octets of name and 16 of rdata. */
    void reserve() {
      if (count == lines.length) {
        int n = count * 2;
        lines = Arrays.copyOf(lines, n);
        starts = Arrays.copyOf(starts, n);
        ends = Arrays.copyOf(ends, n);
        types = Arrays.copyOf(types, n);
        ttls = Arrays.copyOf(ttls, n);
        ownerAt = Arrays.copyOf(ownerAt, n + 1);
        rdAt = Arrays.copyOf(rdAt, n + 1);
      }
      if (ownerAt[count] + 256 > owners.length) {
        owners = Arrays.copyOf(owners, owners.length * 2);
      }
      if (rdAt[count] + 16 > rdata.length) {
        rdata = Arrays.copyOf(rdata, rdata.length * 2);
      }
    }
  }

  private SimpleLines() {}

  /** Splits {@code text}, a zone file read with {@code origin} as its initial origin. */
  static Split split(byte[] text, Name origin) {
    Taken t = new Taken(lineCount(text));
    byte[] originWire = origin.toWire();
    long defaultTtl = -1;
    int depth = 0; // parentheses open at the start of the line (a record spanning lines)
    boolean lastIsOurs = false; // the last record line is one taken here
    int line = 1;
    int[] words = new int[2 * MAX_WORDS];
    for (int at = 0; at < text.length; line++) {
      int end = at;
      while (end < text.length && text[end] != '\n') {
        end++;
      }
      byte first = at < end ? text[at] : (byte) '\n';
      boolean taken = false;
      if (depth == 0 && defaultTtl >= 0 && isOwnerByte(first)) {
        t.reserve();
        taken = parse(text, at, end, originWire, defaultTtl, words, t);
      }
      if (taken) {
        t.lines[t.count] = line;
        t.starts[t.count] = at;
        t.ends[t.count] = end;
        t.count++;
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
            originWire = o.toWire();
          } else {
            return unchanged(text); // $INCLUDE, $GENERATE, or an error Master reports
          }
        } else if (opened == 0 && scan[1] != 0) {
          if ((first == ' ' || first == '\t') && lastIsOurs) {
            t.count--; // this record takes its owner from the one before: Master reads both
          }
          lastIsOurs = false;
        }
      }
      at = end + 1;
    }
    if (t.count == 0) {
      return unchanged(text);
    }
    byte[] rest = new byte[text.length];
    int out = 0;
    int from = 0;
    for (int i = 0; i < t.count; i++) {
      System.arraycopy(text, from, rest, out, t.starts[i] - from);
      out += t.starts[i] - from;
      from = t.ends[i]; // the newline stays: line numbers do not move
    }
    System.arraycopy(text, from, rest, out, text.length - from);
    out += text.length - from;
    t.starts = null; // only the merge's data stays
    t.ends = null;
    return new Split(Arrays.copyOf(rest, out), t);
  }

  /** How many lines {@code text} holds (newlines, plus one). */
  private static int lineCount(byte[] text) {
    int n = 1;
    for (byte b : text) {
      if (b == '\n') {
        n++;
      }
    }
    return n;
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
    return new Split(text, new Taken(0));
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

  /** A simple line has at most this many words: owner, TTL, class, type, address. */
  private static final int MAX_WORDS = 5;

  /**
   * Reads the record on a simple line into {@code t} at {@code t.count} and returns true, or
   * returns false when the line is anything else (including anything dnsjava would reject: Master
   * then reads it and says why). Makes no objects for an owner, TTL, class and IPv4 address.
   */
  private static boolean parse(
      byte[] text, int at, int end, byte[] origin, long defaultTtl, int[] words, Taken t) {
    int n = 0;
    for (int i = at; i < end; ) {
      byte b = text[i];
      if (b == ';') {
        break;
      }
      if (!isPlain(b)) {
        return false;
      }
      if (isBlank(b)) {
        i++;
        continue;
      }
      if (n == MAX_WORDS) {
        return false;
      }
      int start = i;
      while (i < end && !isBlank(text[i]) && text[i] != ';') {
        if (!isPlain(text[i++])) {
          return false; // quotes, escapes, parentheses: Master's
        }
      }
      words[2 * n] = start;
      words[2 * n + 1] = i;
      n++;
    }
    if (n < 3) {
      return false;
    }
    int k = 1;
    long ttl = -1;
    boolean in = isWord(text, words, k, "IN");
    if (in) {
      k++;
    }
    if (k < n && isDigit(text[words[2 * k]])) {
      ttl = ttl(text, words[2 * k], words[2 * k + 1]);
      if (ttl < 0) {
        return false;
      }
      k++;
    }
    if (!in && k < n && isWord(text, words, k, "IN")) {
      k++;
    }
    if (k != n - 2) {
      return false; // another class, or words this reader does not know: Master decides
    }
    int type;
    if (isWord(text, words, k, "A")) {
      type = Type.A;
    } else if (isWord(text, words, k, "AAAA")) {
      type = Type.AAAA;
    } else {
      return false;
    }
    int c = t.count;
    int rd = t.rdAt[c];
    int addressFrom = words[2 * k + 2];
    int addressTo = words[2 * k + 3];
    if (type == Type.A
        ? !ipv4(text, addressFrom, addressTo, t.rdata, rd)
        : !ipv6(text, addressFrom, addressTo, t.rdata, rd)) {
      return false;
    }
    int nameEnd = ownerWire(text, words[0], words[1], origin, t.owners, t.ownerAt[c]);
    if (nameEnd < 0) {
      return false;
    }
    t.types[c] = type;
    t.ttls[c] = (int) (ttl < 0 ? defaultTtl : ttl);
    t.ownerAt[c + 1] = nameEnd;
    t.rdAt[c + 1] = rd + (type == Type.A ? 4 : 16);
    return true;
  }

  private static boolean isDigit(byte b) {
    return b >= '0' && b <= '9';
  }

  /** Whether word k is {@code w} in any case. */
  private static boolean isWord(byte[] text, int[] words, int k, String w) {
    int from = words[2 * k];
    if (words[2 * k + 1] - from != w.length()) {
      return false;
    }
    for (int i = 0; i < w.length(); i++) {
      if ((text[from + i] & 0xDF) != w.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /** A TTL word: digits, or with units as dnsjava reads it ({@code 1h30m}); -1 if not a TTL. */
  private static long ttl(byte[] text, int from, int to) {
    long v = 0;
    for (int i = from; i < to; i++) {
      if (!isDigit(text[i]) || to - from > 10) {
        try {
          v = TTL.parseTTL(new String(text, from, to - from, StandardCharsets.ISO_8859_1));
        } catch (NumberFormatException e) {
          return -1;
        }
        return v > 0x7FFFFFFFL ? -1 : v;
      }
      v = v * 10 + (text[i] - '0');
    }
    return v > 0x7FFFFFFFL ? -1 : v;
  }

  /** A dotted-quad IPv4 address, written to {@code out} at {@code at}; false if not one. */
  private static boolean ipv4(byte[] text, int from, int to, byte[] out, int at) {
    int part = 0;
    int digits = 0;
    int value = 0;
    for (int i = from; i <= to; i++) {
      if (i == to || text[i] == '.') {
        if (digits == 0 || part == 4) {
          return false;
        }
        out[at + part++] = (byte) value;
        digits = 0;
        value = 0;
      } else if (isDigit(text[i]) && digits < 3 && (digits == 0 || value != 0)) {
        // no leading zero, as dnsjava reads addresses
        value = value * 10 + (text[i] - '0');
        digits++;
        if (value > 255) {
          return false;
        }
      } else {
        return false;
      }
    }
    return part == 4;
  }

  /** An IPv6 address as dnsjava reads it, written to {@code out} at {@code at}. */
  private static boolean ipv6(byte[] text, int from, int to, byte[] out, int at) {
    byte[] a =
        Address.toByteArray(
            new String(text, from, to - from, StandardCharsets.ISO_8859_1), Address.IPv6);
    if (a == null) {
      return false;
    }
    System.arraycopy(a, 0, out, at, 16);
    return true;
  }

  /**
   * The owner word {@code text[from..to)} in wire form, relative names completed with {@code
   * origin}, written to {@code out} at {@code at}; the offset after it, or -1 when dnsjava might
   * read it otherwise (an {@code @} inside a word, empty or long labels: Master decides).
   */
  private static int ownerWire(byte[] text, int from, int to, byte[] origin, byte[] out, int at) {
    if (to - from == 1 && text[from] == '@') {
      System.arraycopy(origin, 0, out, at, origin.length);
      return at + origin.length;
    }
    int p = at;
    int labelStart = from;
    for (int i = from; i < to; i++) {
      byte b = text[i];
      if (b == '@') {
        return -1;
      }
      if (b == '.') {
        int len = i - labelStart;
        if (len == 0 || len > 63 || p - at + 1 + len > 255) {
          return -1; // a leading dot, "..", the root alone, or too long
        }
        out[p++] = (byte) len;
        System.arraycopy(text, labelStart, out, p, len);
        p += len;
        labelStart = i + 1;
      }
    }
    if (labelStart < to) { // relative: the last label, then the origin
      int len = to - labelStart;
      if (len > 63 || p - at + 1 + len + origin.length > 255) {
        return -1;
      }
      out[p++] = (byte) len;
      System.arraycopy(text, labelStart, out, p, len);
      p += len;
      System.arraycopy(origin, 0, out, p, origin.length);
      p += origin.length;
    } else {
      out[p++] = 0; // absolute: it ended with a dot
    }
    return p;
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

  /** The words of a directive line, up to a comment. */
  private static String[] words(byte[] text, int at, int end) {
    java.util.List<String> words = new java.util.ArrayList<>();
    for (int i = at; i < end && text[i] != ';'; ) {
      while (i < end && isBlank(text[i])) {
        i++;
      }
      int start = i;
      while (i < end && !isBlank(text[i]) && text[i] != ';') {
        i++;
      }
      if (i > start) {
        words.add(new String(text, start, i - start, StandardCharsets.ISO_8859_1));
      }
    }
    return words.toArray(new String[0]);
  }

  /** What separates words (String.strip and a split on blanks took a regex per line). */
  private static boolean isBlank(byte b) {
    return b == ' ' || b == '\t' || b == '\r' || b == '\f' || b == 0x0B;
  }
}
