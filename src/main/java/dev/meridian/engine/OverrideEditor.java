package dev.meridian.engine;

import dev.meridian.health.Forced;
import dev.meridian.health.OverrideFile;
import dev.meridian.health.Target;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * Drains, forces up or down, or clears an endpoint or a region in the overrides file that running
 * servers watch: the one validation behind {@code meridian health} and the admin API. Only
 * endpoints and regions the snapshot knows are accepted. Stateless.
 */
public final class OverrideEditor {
  /** The actions, as operators type them. */
  public static final List<String> ACTIONS = List.of("drain", "up", "down", "clear");

  private OverrideEditor() {}

  /** The request named no known endpoint or region, or no known action; says what is known. */
  public static final class UnknownException extends Exception {
    private static final long serialVersionUID = 1L;
    private final List<String> known;

    UnknownException(String message, List<String> known) {
      super(message + "; known: " + String.join(", ", known));
      this.known = List.copyOf(known);
    }

    public List<String> known() {
      return known;
    }
  }

  /**
   * Applies {@code action} to {@code endpoint} or {@code region} (exactly one is non-null) in the
   * overrides file of {@code snapshot}'s configuration and returns the overrides now in force.
   */
  public static OverrideFile.Overrides apply(
      Snapshot snapshot, String action, String endpoint, String region)
      throws UnknownException, IOException {
    if (!ACTIONS.contains(action)) {
      throw new UnknownException("no action '" + action + "'", ACTIONS);
    }
    if ((endpoint == null) == (region == null)) {
      throw new IllegalArgumentException("give one endpoint address or one region");
    }
    String key = region != null ? knownRegion(snapshot, region) : knownEndpoint(snapshot, endpoint);
    Path file = snapshot.config().traffic().health().stateFile();
    synchronized (OverrideEditor.class) { // one writer per process; the file is replaced whole
      OverrideFile.Overrides now = OverrideFile.read(file);
      Map<String, Forced> endpoints = new HashMap<>(now.endpoints());
      Map<String, Forced> regions = new HashMap<>(now.regions());
      Map<String, Forced> target = region != null ? regions : endpoints;
      if (action.equals("clear")) {
        target.remove(key);
      } else {
        target.put(key, Forced.valueOf(action.toUpperCase(Locale.ROOT)));
      }
      OverrideFile.Overrides next = new OverrideFile.Overrides(endpoints, regions);
      OverrideFile.write(file, next);
      return next;
    }
  }

  private static String knownRegion(Snapshot snapshot, String region) throws UnknownException {
    if (!snapshot.config().traffic().regions().containsKey(region)) {
      throw new UnknownException(
          "no region '" + region + "'",
          List.copyOf(new TreeSet<>(snapshot.config().traffic().regions().keySet())));
    }
    return region;
  }

  /** The endpoint as the health table names it (an IPv6 address may be written many ways). */
  private static String knownEndpoint(Snapshot snapshot, String endpoint) throws UnknownException {
    TreeSet<String> known = new TreeSet<>();
    for (Target t : snapshot.healthTargets()) {
      known.add(t.address());
    }
    InetAddress wanted = literal(endpoint);
    for (String k : known) {
      if (wanted != null && wanted.equals(literal(k))) {
        return k;
      }
    }
    List<String> shown = new java.util.ArrayList<>();
    known.forEach(k -> shown.add(StatusReport.show(k)));
    throw new UnknownException(
        wanted == null
            ? "'" + endpoint + "' is not an IP address"
            : "no endpoint " + endpoint + " in the configuration",
        shown);
  }

  private static InetAddress literal(String s) {
    try {
      return dev.meridian.config.Cidr.parseLiteral(s.trim());
    } catch (dev.meridian.config.ConfigException e) {
      return null;
    }
  }
}
