package dev.meridian.health;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The operators' overrides, kept in a JSON file beside the configuration so that they survive
 * reloads and restarts: {@code {"endpoints": {"192.0.2.1": "drain"}, "regions": {"eu-west":
 * "down"}}}. Written atomically (write, then rename). Stateless.
 */
public final class OverrideFile {
  private static final ObjectMapper JSON = new ObjectMapper();

  private OverrideFile() {}

  /** Overrides by endpoint address and by region. Immutable. */
  public record Overrides(Map<String, Forced> endpoints, Map<String, Forced> regions) {
    public static final Overrides NONE = new Overrides(Map.of(), Map.of());

    public Overrides {
      endpoints = Map.copyOf(endpoints);
      regions = Map.copyOf(regions);
    }

    /** The override for an endpoint: its own, else one of its regions'; null if none. */
    public Forced of(String address, Set<String> inRegions) {
      Forced o = endpoints.get(address);
      if (o != null) {
        return o;
      }
      for (String r : inRegions) {
        Forced ro = regions.get(r);
        if (ro != null) {
          return ro;
        }
      }
      return null;
    }

    @Override
    public String toString() {
      return "endpoints " + new TreeMap<>(endpoints) + ", regions " + new TreeMap<>(regions);
    }
  }

  /** Reads {@code file}; a missing file means no overrides. */
  public static Overrides read(Path file) throws IOException {
    if (!Files.exists(file)) {
      return Overrides.NONE;
    }
    JsonNode root;
    try {
      root = JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new IOException(file + ": not valid JSON: " + e.getMessage(), e);
    }
    return new Overrides(section(root, "endpoints", file), section(root, "regions", file));
  }

  private static Map<String, Forced> section(JsonNode root, String key, Path file)
      throws IOException {
    Map<String, Forced> out = new TreeMap<>();
    JsonNode n = root == null ? null : root.get(key);
    if (n == null) {
      return out;
    }
    for (Map.Entry<String, JsonNode> e : n.properties()) {
      try {
        out.put(e.getKey(), Forced.valueOf(e.getValue().asText().toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException ex) {
        throw new IOException(
            file
                + ": "
                + key
                + "."
                + e.getKey()
                + ": '"
                + e.getValue().asText()
                + "'; allowed: drain, up, down",
            ex);
      }
    }
    return out;
  }

  /** Writes {@code o} to {@code file} atomically. */
  public static void write(Path file, Overrides o) throws IOException {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode e = root.putObject("endpoints");
    new TreeMap<>(o.endpoints()).forEach((k, v) -> e.put(k, v.name().toLowerCase(Locale.ROOT)));
    ObjectNode r = root.putObject("regions");
    new TreeMap<>(o.regions()).forEach((k, v) -> r.put(k, v.name().toLowerCase(Locale.ROOT)));
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n");
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
