package dev.meridian.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.meridian.config.MeridianConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code meridian status}: asks the running server's admin API ({@code GET /status}, at the address
 * and with the token of the configuration) and prints it as tables for a terminal.
 */
final class StatusCommand {
  private StatusCommand() {}

  static int run(Path configFile, PrintStream out, PrintStream err) {
    MeridianConfig config = Main.config(configFile, err);
    if (config == null) {
      return Main.EXIT_USAGE;
    }
    InetSocketAddress admin = config.admin().listen();
    if (admin == null) {
      err.println("meridian status: admin.listen is off in " + config.file());
      return Main.EXIT_USAGE;
    }
    URI uri = URI.create("http://" + MeridianServer.hostPort(admin) + "/status");
    HttpRequest.Builder req = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10));
    if (config.admin().token() != null) {
      req.header("Authorization", "Bearer " + config.admin().token());
    }
    try {
      HttpResponse<String> r =
          HttpClient.newHttpClient().send(req.build(), HttpResponse.BodyHandlers.ofString());
      JsonNode s = new ObjectMapper().readTree(r.body());
      if (r.statusCode() != 200) {
        err.println(
            "meridian status: "
                + uri
                + ": HTTP "
                + r.statusCode()
                + ": "
                + s.path("error").asText());
        return Main.EXIT_RUNTIME;
      }
      print(s, out);
      return 0;
    } catch (ConnectException e) {
      err.println("meridian status: no server answers at " + uri + " (is it running?)");
      return Main.EXIT_RUNTIME;
    } catch (IOException e) {
      err.println("meridian status: " + uri + ": " + e.getMessage());
      return Main.EXIT_RUNTIME;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Main.EXIT_RUNTIME;
    }
  }

  /** The report as tables: server, zones, regions, endpoints, overrides, last reload. */
  static void print(JsonNode s, PrintStream out) {
    List<String> listeners = new ArrayList<>();
    s.path("listeners").forEach(l -> listeners.add(l.path("address").asText()));
    out.printf(
        "meridian %s, generation %d, up %s, DNS on %s%n",
        s.path("version").asText(),
        s.path("generation").asLong(),
        uptime(s.path("uptime_seconds").asDouble()),
        String.join(", ", listeners));
    out.println();
    table(
        out,
        List.of("ZONE", "SERIAL", "RECORDS", "SOURCE"),
        rows(
            s.path("zones"),
            z ->
                List.of(
                    z.path("name").asText(),
                    z.path("serial").asText(),
                    z.path("records").asText(),
                    z.path("source").asText())));
    out.println();
    table(
        out,
        List.of("REGION", "STATE", "ANSWERS/MIN", "SHARE", "UP"),
        rows(
            s.path("regions"),
            r -> {
              int up = 0;
              for (JsonNode e : r.path("endpoints")) {
                up += e.path("up").asBoolean() ? 1 : 0;
              }
              return List.of(
                  r.path("name").asText(),
                  r.path("state").asText(),
                  r.path("answers_last_minute").asText(),
                  Math.round(r.path("share_last_minute").asDouble() * 100) + "%",
                  up + "/" + r.path("endpoints").size());
            }));
    out.println();
    List<List<String>> endpoints = new ArrayList<>();
    for (JsonNode r : s.path("regions")) {
      for (JsonNode e : r.path("endpoints")) {
        endpoints.add(
            List.of(
                e.path("address").asText(),
                r.path("name").asText(),
                e.path("tier").asText(),
                e.path("state").asText(),
                text(e.path("since")),
                text(e.path("check")),
                text(e.path("last_result")),
                e.path("latency_ms").isNull()
                    ? "-"
                    : String.format("%.1f ms", e.path("latency_ms").asDouble())));
      }
    }
    table(
        out,
        List.of("ENDPOINT", "REGION", "TIER", "STATE", "SINCE", "CHECK", "LAST", "LATENCY"),
        endpoints);
    out.println();
    out.println("overrides: " + s.path("overrides"));
    JsonNode last = s.path("last_reload");
    out.printf(
        "last reload: %s, generation %d, %s%n",
        last.path("at").asText(),
        last.path("generation").asLong(),
        last.path("problems").isEmpty() ? "no problems" : "problems:");
    last.path("problems").forEach(p -> out.println("  " + p.asText()));
  }

  private static String text(JsonNode n) {
    return n.isNull() || n.isMissingNode() ? "-" : n.asText();
  }

  private static List<List<String>> rows(
      JsonNode array, java.util.function.Function<JsonNode, List<String>> row) {
    List<List<String>> out = new ArrayList<>();
    array.forEach(n -> out.add(row.apply(n)));
    return out;
  }

  private static void table(PrintStream out, List<String> head, List<List<String>> rows) {
    int[] w = new int[head.size()];
    for (int i = 0; i < w.length; i++) {
      w[i] = head.get(i).length();
      for (List<String> r : rows) {
        w[i] = Math.max(w[i], r.get(i).length());
      }
    }
    List<List<String>> all = new ArrayList<>();
    all.add(head);
    all.addAll(rows);
    for (List<String> r : all) {
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < w.length; i++) {
        b.append(i == 0 ? "" : "  ").append(i == w.length - 1 ? r.get(i) : pad(r.get(i), w[i]));
      }
      out.println(b);
    }
  }

  private static String pad(String s, int width) {
    return s + " ".repeat(width - s.length());
  }

  private static String uptime(double seconds) {
    long s = (long) seconds;
    return s >= 86400
        ? s / 86400 + "d" + s % 86400 / 3600 + "h"
        : s >= 3600
            ? s / 3600 + "h" + s % 3600 / 60 + "m"
            : s >= 60 ? s / 60 + "m" + s % 60 + "s" : s + "s";
  }
}
