package dev.meridian.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML document as a tree that remembers the line of every value, so that validation can say
 * {@code file:line: key: problem}. Built once per load by {@link #parse}; immutable afterwards.
 */
sealed interface YamlNode {
  /** 1-based line where the value starts. */
  int line();

  /** A mapping; keys in document order. */
  record Mapping(Map<String, YamlNode> entries, int line) implements YamlNode {}

  /** A sequence. */
  record Sequence(List<YamlNode> items, int line) implements YamlNode {}

  /** A scalar; {@code text} is null for YAML null. */
  record Scalar(String text, int line) implements YamlNode {}

  /** Reads one YAML document; an empty document is an empty mapping. */
  static YamlNode parse(Reader reader, String file) throws ConfigException {
    try (JsonParser p = new YAMLFactory().createParser(reader)) {
      JsonToken t = p.nextToken();
      if (t == null) {
        return new Mapping(Map.of(), 1);
      }
      return read(p, file);
    } catch (IOException e) {
      String msg = e.getMessage() == null ? e.toString() : problem(e.getMessage());
      int line = -1;
      if (e instanceof com.fasterxml.jackson.core.JsonProcessingException jpe
          && jpe.getLocation() != null) {
        line = jpe.getLocation().getLineNr();
      }
      throw new ConfigException(file + ":" + (line > 0 ? line : 1) + ": not valid YAML: " + msg);
    }
  }

  /**
   * SnakeYAML's message without the source excerpts: "while parsing a flow node: expected the node
   * content, but found ':'" (an IPv6 address in a flow list needs quotes, for example).
   */
  private static String problem(String s) {
    StringBuilder b = new StringBuilder();
    for (String line : s.split("\n", -1)) {
      String t = line.strip();
      if (t.isEmpty()
          || t.startsWith("in 'reader'")
          || t.startsWith("at [Source")
          || t.equals("^")
          || line.startsWith("    ")) {
        continue;
      }
      b.append(b.length() == 0 ? "" : ": ").append(t);
    }
    return b.toString();
  }

  private static YamlNode read(JsonParser p, String file) throws IOException, ConfigException {
    int line = p.currentTokenLocation().getLineNr();
    JsonToken t = p.currentToken();
    switch (t) {
      case START_OBJECT -> {
        Map<String, YamlNode> entries = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String key = p.currentName();
          int keyLine = p.currentTokenLocation().getLineNr();
          p.nextToken();
          YamlNode value = read(p, file);
          if (entries.put(key, value) != null) {
            throw new ConfigException(file + ":" + keyLine + ": " + key + ": duplicate key");
          }
        }
        return new Mapping(entries, line);
      }
      case START_ARRAY -> {
        List<YamlNode> items = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          items.add(read(p, file));
        }
        return new Sequence(items, line);
      }
      case VALUE_NULL -> {
        return new Scalar(null, line);
      }
      default -> {
        return new Scalar(p.getText(), line);
      }
    }
  }
}
