package dev.meridian.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.meridian.engine.EventLog;
import dev.meridian.engine.Explainer;
import dev.meridian.engine.OverrideEditor;
import dev.meridian.engine.Reloader;
import dev.meridian.engine.Snapshot;
import dev.meridian.engine.StatusReport;
import dev.meridian.health.OverrideFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * The admin HTTP API and the live map, on the JDK's HTTP server: {@code GET /status}, {@code POST
 * /reload}, {@code POST /health/{drain|up|down|clear}?endpoint=|region=}, {@code GET
 * /explain?name=&type=&client=|subnet=}, {@code GET /metrics}, {@code GET /events} and the
 * dashboard at {@code /}. JSON in and out; errors are JSON {@code {"error": ...}} with the fitting
 * status. With a token configured every request but the page itself ({@code /} and {@code /ui/})
 * must carry {@code Authorization: Bearer TOKEN}. Never on the query path: its own two threads.
 * Thread-safe.
 */
public final class AdminServer implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger("meridian.admin");
  private static final String UI = "/dev/meridian/admin/ui/";

  /** Writes the Prometheus text exposition of every metric. */
  @FunctionalInterface
  public interface MetricsText {
    void write(OutputStream out) throws IOException;
  }

  private final HttpServer http;
  private final ExecutorService pool;
  private final Reloader reloader;
  private final StatusReport status;
  private final EventLog events;
  private final MetricsText metrics;
  private final byte[] token;
  private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private AdminServer(
      HttpServer http,
      Reloader reloader,
      StatusReport status,
      EventLog events,
      MetricsText metrics,
      String token) {
    this.http = http;
    this.reloader = reloader;
    this.status = status;
    this.events = events;
    this.metrics = metrics;
    this.token = token == null ? null : token.getBytes(StandardCharsets.UTF_8);
    this.pool =
        Executors.newFixedThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, "admin");
              t.setDaemon(true);
              return t;
            });
  }

  /** Binds {@code address} and serves until closed. */
  public static AdminServer start(
      InetSocketAddress address,
      String token,
      Reloader reloader,
      StatusReport status,
      EventLog events,
      MetricsText metrics)
      throws IOException {
    HttpServer http = HttpServer.create(address, 64);
    AdminServer a = new AdminServer(http, reloader, status, events, metrics, token);
    http.setExecutor(a.pool);
    http.createContext("/", a::handle);
    http.start();
    return a;
  }

  /** The address actually bound. */
  public InetSocketAddress address() {
    return http.getAddress();
  }

  private void handle(HttpExchange x) throws IOException {
    try (x) {
      String requested = x.getRequestURI().getPath();
      boolean page = requested.equals("/") || requested.startsWith("/ui/");
      // the page and its scripts hold no data (the browser cannot send a header when it loads
      // them); everything they fetch, from /status on, needs the token
      if (!page && !authorised(x)) {
        x.getResponseHeaders().add("WWW-Authenticate", "Bearer");
        error(x, 401, "missing or wrong bearer token (Authorization: Bearer TOKEN)");
        return;
      }
      String path = x.getRequestURI().getPath();
      Map<String, String> q = query(x.getRequestURI().getRawQuery());
      if (path.equals("/status")) {
        if (method(x, "GET")) {
          send(x, 200, status.build());
        }
      } else if (path.equals("/reload")) {
        if (method(x, "POST")) {
          reload(x);
        }
      } else if (path.startsWith("/health/")) {
        if (method(x, "POST")) {
          override(x, path.substring("/health/".length()), q);
        }
      } else if (path.equals("/explain")) {
        if (method(x, "GET")) {
          explain(x, q);
        }
      } else if (path.equals("/metrics")) {
        if (method(x, "GET")) {
          x.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
          x.sendResponseHeaders(200, 0);
          metrics.write(x.getResponseBody());
        }
      } else if (path.equals("/events")) {
        if (method(x, "GET")) {
          send(x, 200, events.recent().stream().map(StatusReport::event).toList());
        }
      } else if (path.equals("/") || path.startsWith("/ui/")) {
        if (method(x, "GET")) {
          asset(x, path.equals("/") ? "index.html" : path.substring("/ui/".length()));
        }
      } else {
        error(
            x,
            404,
            "no such path "
                + path
                + "; known: /status, /reload, /health/{drain|up|down|clear}, /explain, /metrics,"
                + " /events, /");
      }
    } catch (Exception e) { // thread root: one bad request never stops the admin server
      LOG.log(Level.ERROR, "admin request failed: " + e, e);
      try {
        error(x, 500, "internal error: " + e);
      } catch (IOException | RuntimeException ignored) {
        // the response was already under way; the client sees a cut connection
      }
    }
  }

  private boolean authorised(HttpExchange x) {
    if (token == null) {
      return true;
    }
    String h = x.getRequestHeaders().getFirst("Authorization");
    if (h == null || !h.startsWith("Bearer ")) {
      return false;
    }
    byte[] given = h.substring("Bearer ".length()).trim().getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(given, token); // constant time
  }

  private boolean method(HttpExchange x, String allowed) throws IOException {
    if (x.getRequestMethod().equals(allowed)
        || (allowed.equals("GET") && x.getRequestMethod().equals("HEAD"))) {
      return true;
    }
    x.getResponseHeaders().add("Allow", allowed);
    error(x, 405, x.getRequestMethod() + " not allowed here; use " + allowed);
    return false;
  }

  private void reload(HttpExchange x) throws Exception {
    Reloader.Outcome o;
    try {
      o = reloader.requestReload().get(2, TimeUnit.MINUTES);
    } catch (TimeoutException e) {
      error(x, 503, "the reload is still running after 2 minutes; see /status");
      return;
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("generation", o.generation());
    m.put("published", o.published());
    m.put("changed", o.changed());
    m.put("problems", o.problems());
    m.put(
        "summary",
        !o.published() && o.problems().isEmpty()
            ? "nothing changed; generation " + o.generation() + " serves on"
            : o.published()
                ? "generation " + o.generation() + " serving"
                : "reload refused; generation " + o.generation() + " serves on");
    send(x, o.problems().isEmpty() ? 200 : 422, m);
  }

  private void override(HttpExchange x, String action, Map<String, String> q) throws Exception {
    String endpoint = q.get("endpoint");
    String region = q.get("region");
    if ((endpoint == null) == (region == null)) {
      error(x, 400, "give one of ?endpoint=ADDRESS or ?region=NAME");
      return;
    }
    Snapshot s = reloader.holder().current();
    OverrideFile.Overrides now;
    try {
      now = OverrideEditor.apply(s, action, endpoint, region);
    } catch (OverrideEditor.UnknownException e) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("error", e.getMessage());
      m.put("known", e.known());
      send(x, 404, m);
      return;
    }
    // in force before we answer: the monitor applies, publishes, then builds the table we wait for
    reloader.health().setOverrides(now.endpoints(), now.regions());
    reloader.health().publishNow();
    reloader.health().tableNow();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("action", action);
    m.put(endpoint != null ? "endpoint" : "region", endpoint != null ? endpoint : region);
    m.put("overrides", StatusReport.overrides(now.endpoints(), now.regions()));
    send(x, 200, m);
  }

  private void explain(HttpExchange x, Map<String, String> q) throws IOException {
    String name = q.get("name");
    String type = q.getOrDefault("type", "A").toUpperCase(java.util.Locale.ROOT);
    if (name == null || name.isBlank()) {
      error(x, 400, "name is required: /explain?name=www.example.com&type=A&client=ADDRESS");
      return;
    }
    if (!type.equals("A") && !type.equals("AAAA")) {
      error(x, 400, "type must be A or AAAA");
      return;
    }
    if (q.containsKey("client") && q.containsKey("subnet")) {
      error(x, 400, "give client or subnet, not both");
      return;
    }
    Name qname;
    InetAddress subject;
    try {
      qname = Name.fromString(name.endsWith(".") ? name : name + ".");
      String who =
          q.containsKey("subnet") ? q.get("subnet") : q.getOrDefault("client", "127.0.0.1");
      subject = Explainer.subject(who, q.containsKey("subnet"));
    } catch (TextParseException | IllegalArgumentException e) {
      error(x, 400, e.getMessage());
      return;
    }
    List<String> lines =
        Explainer.explain(reloader.holder().current(), qname, Type.value(type), subject);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", qname.toString());
    m.put("type", type);
    m.put("subject", subject.getHostAddress());
    m.put("explanation", lines);
    send(x, 200, m);
  }

  private void asset(HttpExchange x, String file) throws IOException {
    if (file.contains("..") || file.contains("/") || file.isEmpty()) {
      error(x, 404, "no such file");
      return;
    }
    try (InputStream in = AdminServer.class.getResourceAsStream(UI + file)) {
      if (in == null) {
        error(x, 404, "no such file: " + file);
        return;
      }
      byte[] body = in.readAllBytes();
      x.getResponseHeaders().add("Content-Type", contentType(file));
      x.getResponseHeaders().add("Cache-Control", "no-cache");
      x.sendResponseHeaders(200, body.length);
      x.getResponseBody().write(body);
    }
  }

  private static String contentType(String file) {
    if (file.endsWith(".html")) {
      return "text/html; charset=utf-8";
    } else if (file.endsWith(".js")) {
      return "text/javascript; charset=utf-8";
    } else if (file.endsWith(".css")) {
      return "text/css; charset=utf-8";
    } else if (file.endsWith(".json")) {
      return "application/json";
    } else if (file.endsWith(".svg")) {
      return "image/svg+xml";
    }
    return "application/octet-stream";
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> out = new LinkedHashMap<>();
    if (raw == null) {
      return out;
    }
    for (String kv : raw.split("&", -1)) {
      int eq = kv.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? kv : kv.substring(0, eq), StandardCharsets.UTF_8);
      String v = eq < 0 ? "" : URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8);
      out.put(k, v);
    }
    return out;
  }

  private void send(HttpExchange x, int code, Object body) throws IOException {
    byte[] bytes = json.writeValueAsBytes(body);
    x.getResponseHeaders().add("Content-Type", "application/json");
    x.sendResponseHeaders(code, bytes.length);
    x.getResponseBody().write(bytes);
  }

  private void error(HttpExchange x, int code, String message) throws IOException {
    send(x, code, Map.of("error", message));
  }

  @Override
  public void close() {
    http.stop(0);
    pool.shutdownNow();
  }
}
