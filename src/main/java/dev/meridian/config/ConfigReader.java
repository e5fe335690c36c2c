package dev.meridian.config;

import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A cursor over one mapping of a {@link YamlNode} tree that reads typed values and records every
 * problem as {@code file:line: key.path: problem, what is allowed}. Every method that takes a key
 * builds its full path and finds its line itself. Confined to the loading thread.
 */
final class ConfigReader {
  private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");
  private static final YamlNode.Mapping EMPTY = new YamlNode.Mapping(Map.of(), 1);

  private final String file;
  private final String path;
  private final YamlNode.Mapping node;
  private final List<String> problems;

  private ConfigReader(String file, String path, YamlNode.Mapping node, List<String> problems) {
    this.file = file;
    this.path = path;
    this.node = node;
    this.problems = problems;
  }

  static ConfigReader root(String file, YamlNode root, List<String> problems) {
    if (root instanceof YamlNode.Mapping m) {
      return new ConfigReader(file, "", m, problems);
    }
    problems.add(file + ":" + root.line() + ": the file must be a mapping of keys to values");
    return new ConfigReader(file, "", EMPTY, problems);
  }

  /** How an enum constant is written in YAML: lower case, {@code -} for {@code _}. */
  static String yamlName(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** The YAML names of every constant of {@code type}, in declaration order: "a, b, c". */
  static String allowed(Class<? extends Enum<?>> type) {
    List<String> names = new ArrayList<>();
    for (Enum<?> e : type.getEnumConstants()) {
      names.add(yamlName(e));
    }
    return String.join(", ", names);
  }

  /** Reports keys other than {@code allowed}, naming what is allowed. */
  void allowOnly(Collection<String> allowed) {
    for (var e : node.entries().entrySet()) {
      if (!allowed.contains(e.getKey())) {
        problem(
            e.getValue().line(),
            key(e.getKey()),
            "unknown key, allowed here: " + String.join(", ", new TreeSet<>(allowed)));
      }
    }
  }

  /** {@link #allowOnly(Collection)} for keys given in place. */
  void allowOnly(String... allowed) {
    allowOnly(Set.of(allowed));
  }

  boolean has(String key) {
    YamlNode v = node.entries().get(key);
    return v != null && !(v instanceof YamlNode.Scalar s && s.text() == null);
  }

  /**
   * Whether {@code key} is set; when it is not, reports it as required, saying {@code what} it
   * holds.
   */
  boolean require(String key, String what) {
    if (has(key)) {
      return true;
    }
    problem(key, "required: " + what);
    return false;
  }

  /** The keys of this mapping, in document order. */
  Collection<String> keys() {
    return node.entries().keySet();
  }

  /** The raw value under {@code key}, or null. */
  YamlNode raw(String key) {
    return node.entries().get(key);
  }

  /** A reader for a mapping found elsewhere (a list item), reported at {@code at}. */
  ConfigReader at(String at, YamlNode value) {
    return mapping(at, value, value.line(), false);
  }

  /** The path of a key whose name has dots (a domain name): {@code services."www.example.com"}. */
  String quoted(String key) {
    return key(key.matches("[A-Za-z0-9_-]+") ? key : '"' + key + '"');
  }

  /** Child mapping under a key reported as {@link #quoted}; it must be present. */
  ConfigReader childQuoted(String key) {
    return mapping(quoted(key), raw(key), line(key), false);
  }

  /** The nested mapping under {@code key}; an absent key reads as an empty mapping. */
  ConfigReader child(String key) {
    return mapping(key(key), raw(key), line(key), true);
  }

  private ConfigReader mapping(String at, YamlNode v, int line, boolean absentIsEmpty) {
    if (v instanceof YamlNode.Mapping m) {
      return new ConfigReader(file, at, m, problems);
    }
    if (!(absentIsEmpty && (v == null || (v instanceof YamlNode.Scalar s && s.text() == null)))) {
      problem(line, at, "must be a mapping of keys to values");
    }
    return new ConfigReader(file, at, EMPTY, problems);
  }

  String path() {
    return path;
  }

  String file() {
    return file;
  }

  String string(String key, String dflt) {
    YamlNode v = node.entries().get(key);
    if (v == null) {
      return dflt;
    }
    if (v instanceof YamlNode.Scalar s) {
      return s.text() == null ? dflt : s.text();
    }
    problem(v.line(), key(key), "must be a single value");
    return dflt;
  }

  /**
   * The value under {@code key} read by {@code parse}, which returns null for a value it rejects;
   * then the problem reads "must be {@code allowed}, got 'value'" and the default stands.
   */
  <T> T value(String key, T dflt, Function<String, T> parse, String allowed) {
    String s = string(key, null);
    if (s == null) {
      return dflt;
    }
    T t = parse.apply(s.trim());
    if (t != null) {
      return t;
    }
    problem(key, "must be " + allowed + ", got '" + s + "'");
    return dflt;
  }

  double doubleIn(String key, double min, double max, double dflt) {
    return value(
        key,
        dflt,
        s -> {
          try {
            double d = Double.parseDouble(s);
            return d >= min && d <= max ? d : null;
          } catch (NumberFormatException e) {
            return null; // reported by value() with the allowed range
          }
        },
        "a number " + min + ".." + max);
  }

  int intIn(String key, int min, int max, int dflt) {
    return value(key, dflt, s -> wholeIn(s, min, max), "a whole number " + min + ".." + max);
  }

  /** {@code s} as an int within {@code min..max}, or null. */
  static Integer wholeIn(String s, int min, int max) {
    try {
      int n = Integer.parseInt(s.trim());
      return n >= min && n <= max ? n : null;
    } catch (NumberFormatException e) {
      return null; // the caller reports it with the allowed range
    }
  }

  boolean bool(String key, boolean dflt) {
    return value(
        key,
        dflt,
        s ->
            switch (s) {
              case "true", "yes", "on" -> Boolean.TRUE;
              case "false", "no", "off" -> Boolean.FALSE;
              default -> null;
            },
        "true or false");
  }

  /** One of the constants of {@code type}, written as {@link #yamlName} (any case). */
  <E extends Enum<E>> E choice(String key, Class<E> type, E dflt) {
    return value(
        key,
        dflt,
        s -> {
          for (E e : type.getEnumConstants()) {
            if (yamlName(e).equalsIgnoreCase(s)) {
              return e;
            }
          }
          return null;
        },
        "one of " + allowed(type));
  }

  Duration duration(String key, Duration min, Duration max, Duration dflt) {
    return value(
        key,
        dflt,
        s -> {
          Matcher m = DURATION.matcher(s);
          // at most 12 digits: a longer number would overflow long or Duration, and is out of
          // range anyway
          if (!m.matches() || m.group(1).length() > 12) {
            return null;
          }
          long n = Long.parseLong(m.group(1));
          Duration d =
              switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
              };
          return d.compareTo(min) >= 0 && d.compareTo(max) <= 0 ? d : null;
        },
        "a duration from " + show(min) + " to " + show(max) + " such as 10s or 500ms");
  }

  /** A list of single values; a lone scalar is read as a one-item list. */
  List<Item> strings(String key, List<String> dflt) {
    YamlNode v = node.entries().get(key);
    List<Item> out = new ArrayList<>();
    if (v == null || (v instanceof YamlNode.Scalar s0 && s0.text() == null)) {
      for (String d : dflt) {
        out.add(new Item(d, key(key), 0));
      }
      return out;
    }
    if (v instanceof YamlNode.Scalar s) {
      out.add(new Item(s.text(), key(key), s.line()));
    } else if (v instanceof YamlNode.Sequence seq) {
      for (int i = 0; i < seq.items().size(); i++) {
        YamlNode item = seq.items().get(i);
        String at = key(key) + "[" + i + "]";
        if (item instanceof YamlNode.Scalar s && s.text() != null) {
          out.add(new Item(s.text(), at, item.line()));
        } else {
          problem(item.line(), at, "must be a single value");
        }
      }
    } else {
      problem(v.line(), key(key), "must be a list of values");
    }
    return out;
  }

  /**
   * Each item of the list under {@code key} read by {@code parse}, which throws {@link
   * ConfigException} for one it rejects; that problem is reported at the item, followed by {@code
   * allowed}.
   */
  <T> List<T> each(String key, List<String> dflt, ItemParser<T> parse, String allowed) {
    List<T> out = new ArrayList<>();
    for (Item item : strings(key, dflt)) {
      try {
        out.add(parse.parse(item.text()));
      } catch (ConfigException e) {
        problem(item, e.getMessage() + "; allowed: " + allowed);
      }
    }
    return out;
  }

  /** Reads one list item; throws for one it rejects. */
  @FunctionalInterface
  interface ItemParser<T> {
    T parse(String text) throws ConfigException;
  }

  /** One value of a list, with where it stands for error messages. */
  record Item(String text, String path, int line) {}

  /**
   * Reads this mapping into the record {@code type}: one field per record component, in order, each
   * key the component's name in snake_case; any other key is reported as unknown.
   */
  <R extends Record> R record(Class<R> type, Field<?>... fields) {
    RecordComponent[] components = type.getRecordComponents();
    if (components.length != fields.length) {
      throw new IllegalArgumentException(type + " has " + components.length + " components");
    }
    Set<String> keys = new LinkedHashSet<>();
    Class<?>[] types = new Class<?>[fields.length];
    Object[] values = new Object[fields.length];
    for (int i = 0; i < fields.length; i++) {
      String name = components[i].getName();
      if (!name.replaceAll("([A-Z])", "_$1").toLowerCase(Locale.ROOT).equals(fields[i].key())) {
        throw new IllegalArgumentException(type + "." + name + " read from " + fields[i].key());
      }
      keys.add(fields[i].key());
      types[i] = components[i].getType();
      values[i] = fields[i].read().apply(this, fields[i].key());
    }
    allowOnly(keys);
    try {
      return type.getDeclaredConstructor(types).newInstance(values);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot build " + type, e);
    }
  }

  /** How one key of a mapping is read into one record component, for {@link #record}. Immutable. */
  record Field<T>(String key, BiFunction<ConfigReader, String, T> read) {
    static Field<Integer> whole(String key, int min, int max, int dflt) {
      return new Field<>(key, (r, k) -> r.intIn(k, min, max, dflt));
    }

    static Field<Duration> duration(String key, Duration min, Duration max, Duration dflt) {
      return new Field<>(key, (r, k) -> r.duration(k, min, max, dflt));
    }
  }

  int line(String key) {
    YamlNode v = node.entries().get(key);
    return v == null ? node.line() : v.line();
  }

  String key(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  void problem(int line, String keyPath, String what) {
    problems.add(file + ":" + (line > 0 ? line : 1) + ": " + keyPath + ": " + what);
  }

  /** A problem with the value under {@code key}, at its line (the mapping's when absent). */
  void problem(String key, String what) {
    problem(line(key), key(key), what);
  }

  void problem(Item item, String what) {
    problem(item.line(), item.path(), what);
  }

  private static String show(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 != 0 ? ms + "ms" : ms % 60_000 != 0 ? ms / 1000 + "s" : ms / 60_000 + "m";
  }
}
