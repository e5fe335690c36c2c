package dev.meridian.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A cursor over one mapping of a {@link YamlNode} tree that reads typed values and records every
 * problem as {@code file:line: key.path: problem, what is allowed}. Confined to the loading thread.
 */
final class ConfigReader {
  private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");

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
    return new ConfigReader(file, "", new YamlNode.Mapping(java.util.Map.of(), 1), problems);
  }

  /** Reports keys other than {@code allowed}, naming what is allowed. */
  void allowOnly(Set<String> allowed) {
    for (var e : node.entries().entrySet()) {
      if (!allowed.contains(e.getKey())) {
        problem(
            e.getValue().line(),
            key(e.getKey()),
            "unknown key, allowed here: " + String.join(", ", new java.util.TreeSet<>(allowed)));
      }
    }
  }

  boolean has(String key) {
    YamlNode v = node.entries().get(key);
    return v != null && !(v instanceof YamlNode.Scalar s && s.text() == null);
  }

  /** The keys of this mapping, in document order. */
  java.util.Collection<String> keys() {
    return node.entries().keySet();
  }

  /** The raw value under {@code key}, or null. */
  YamlNode raw(String key) {
    return node.entries().get(key);
  }

  /** A reader for a mapping found elsewhere (a list item), reported at {@code at}. */
  ConfigReader at(String at, YamlNode value) {
    if (value instanceof YamlNode.Mapping m) {
      return new ConfigReader(file, at, m, problems);
    }
    problem(value.line(), at, "must be a mapping of keys to values");
    return new ConfigReader(file, at, new YamlNode.Mapping(java.util.Map.of(), 1), problems);
  }

  /** The path of a key whose name has dots (a domain name): {@code services."www.example.com"}. */
  String quoted(String key) {
    String k = key.matches("[A-Za-z0-9_-]+") ? key : '"' + key + '"';
    return path.isEmpty() ? k : path + "." + k;
  }

  /** Child mapping under a key reported as {@link #quoted}. */
  ConfigReader childQuoted(String key) {
    YamlNode v = node.entries().get(key);
    String p = quoted(key);
    if (v instanceof YamlNode.Mapping m) {
      return new ConfigReader(file, p, m, problems);
    }
    problem(v == null ? node.line() : v.line(), p, "must be a mapping of keys to values");
    return new ConfigReader(file, p, new YamlNode.Mapping(java.util.Map.of(), 1), problems);
  }

  String path() {
    return path;
  }

  String file() {
    return file;
  }

  boolean hasProblems() {
    return !problems.isEmpty();
  }

  double doubleIn(String key, double min, double max, double dflt) {
    String s = string(key, null);
    if (s == null) {
      return dflt;
    }
    try {
      double d = Double.parseDouble(s.trim());
      if (d >= min && d <= max) {
        return d;
      }
    } catch (NumberFormatException e) {
      // reported below with the allowed range
    }
    problem(line(key), key(key), "must be a number " + min + ".." + max + ", got '" + s + "'");
    return dflt;
  }

  /** The nested mapping under {@code key}; an absent key reads as an empty mapping. */
  ConfigReader child(String key) {
    YamlNode v = node.entries().get(key);
    if (v == null || (v instanceof YamlNode.Scalar s && s.text() == null)) {
      return new ConfigReader(
          file, key(key), new YamlNode.Mapping(java.util.Map.of(), 1), problems);
    }
    if (v instanceof YamlNode.Mapping m) {
      return new ConfigReader(file, key(key), m, problems);
    }
    problem(v.line(), key(key), "must be a mapping of keys to values");
    return new ConfigReader(file, key(key), new YamlNode.Mapping(java.util.Map.of(), 1), problems);
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

  int intIn(String key, int min, int max, int dflt) {
    String s = string(key, null);
    if (s == null) {
      return dflt;
    }
    try {
      int n = Integer.parseInt(s.trim());
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below with the allowed range
    }
    problem(
        line(key), key(key), "must be a whole number " + min + ".." + max + ", got '" + s + "'");
    return dflt;
  }

  boolean bool(String key, boolean dflt) {
    String s = string(key, null);
    if (s == null) {
      return dflt;
    }
    switch (s.trim()) {
      case "true", "yes", "on" -> {
        return true;
      }
      case "false", "no", "off" -> {
        return false;
      }
      default -> {
        problem(line(key), key(key), "must be true or false, got '" + s + "'");
        return dflt;
      }
    }
  }

  <E extends Enum<E>> E choice(String key, Class<E> type, E dflt) {
    String s = string(key, null);
    if (s == null) {
      return dflt;
    }
    for (E e : type.getEnumConstants()) {
      if (e.name().equalsIgnoreCase(s.trim())) {
        return e;
      }
    }
    List<String> names = new ArrayList<>();
    for (E e : type.getEnumConstants()) {
      names.add(e.name().toLowerCase(java.util.Locale.ROOT));
    }
    problem(
        line(key), key(key), "must be one of " + String.join(", ", names) + ", got '" + s + "'");
    return dflt;
  }

  Duration duration(String key, Duration min, Duration max, Duration dflt) {
    String s = string(key, null);
    if (s == null) {
      return dflt;
    }
    Matcher m = DURATION.matcher(s.trim());
    // at most 12 digits: a longer number would overflow long or Duration, and is out of range
    // anyway
    if (m.matches() && m.group(1).length() <= 12) {
      long n = Long.parseLong(m.group(1));
      Duration d =
          switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
          };
      if (d.compareTo(min) >= 0 && d.compareTo(max) <= 0) {
        return d;
      }
    }
    problem(
        line(key),
        key(key),
        "must be a duration from "
            + show(min)
            + " to "
            + show(max)
            + " such as 10s or 500ms, got '"
            + s
            + "'");
    return dflt;
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

  /** One value of a list, with where it stands for error messages. */
  record Item(String text, String path, int line) {}

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

  void problem(Item item, String what) {
    problem(item.line(), item.path(), what);
  }

  private static String show(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 != 0 ? ms + "ms" : ms % 60_000 != 0 ? ms / 1000 + "s" : ms / 60_000 + "m";
  }
}
