package dev.meridian.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ClientSubnetOption;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The admin HTTP API over real sockets, on the shipped example: status, drains (and their
 * validation), reload with its outcome, explain, errors, events and a webhook to a loopback
 * receiver, and the bearer token.
 */
class AdminIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final LinkedBlockingQueue<String> HOOKED = new LinkedBlockingQueue<>();
  private static HttpServer receiver;
  private static TestServer server;

  @BeforeAll
  static void start() throws Exception {
    receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
    receiver.createContext(
        "/hook",
        x -> {
          HOOKED.add(new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
          x.sendResponseHeaders(204, -1);
          x.close();
        });
    receiver.start();
    String yaml =
        Files.readString(Path.of("meridian.yaml"))
                .replace("listen:\n  - 127.0.0.1:1053\n", "")
                .replace(
                    "geo-data/meridian-country.mmdb",
                    Path.of("geo-data/meridian-country.mmdb").toAbsolutePath().toString())
            + "events: {webhooks: [\"http://127.0.0.1:"
            + receiver.getAddress().getPort()
            + "/hook\"]}\n";
    server = TestServer.start(yaml, "zones/example.com.zone");
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
    receiver.stop(0);
  }

  static HttpResponse<String> call(String method, String path) throws Exception {
    return call(method, path, null);
  }

  static HttpResponse<String> call(String method, String path, String token) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.adminPort() + path))
            .timeout(Duration.ofSeconds(30))
            .method(method, HttpRequest.BodyPublishers.noBody());
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static JsonNode json(HttpResponse<String> r) throws Exception {
    assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(""), r.body());
    return JSON.readTree(r.body());
  }

  static JsonNode region(JsonNode status, String name) {
    for (JsonNode r : status.get("regions")) {
      if (r.get("name").asText().equals(name)) {
        return r;
      }
    }
    throw new AssertionError("no region " + name + " in " + status);
  }

  static Message askWww(String subnet) throws Exception {
    Message q =
        Message.newQuery(Record.newRecord(Name.fromString("www.example.com."), Type.A, DClass.IN));
    String[] p = subnet.split("/", -1);
    q.addRecord(
        new OPTRecord(
            1232,
            0,
            0,
            0,
            List.of(new ClientSubnetOption(Integer.parseInt(p[1]), InetAddress.getByName(p[0])))),
        Section.ADDITIONAL);
    return server.resolver(false).send(q);
  }

  @Test
  void statusShowsZonesRegionsEndpointsAndAnswersByRegion() throws Exception {
    for (int i = 0; i < 5; i++) {
      askWww("81.2.69.0/24"); // eu-west, by the shipped database
    }
    HttpResponse<String> r = call("GET", "/status");
    assertEquals(200, r.statusCode(), r.body());
    JsonNode s = json(r);
    assertTrue(s.get("generation").asLong() >= 1);
    assertEquals("example.com.", s.get("zones").get(0).get("name").asText());
    assertTrue(s.get("zones").get(0).get("serial").asLong() > 0);
    assertEquals("127.0.0.1:" + server.port(), s.get("listeners").get(0).get("address").asText());
    JsonNode eu = region(s, "eu-west");
    assertEquals(53.35, eu.get("lat").asDouble());
    assertTrue(eu.get("answers_last_minute").asLong() >= 5, eu.toString());
    assertEquals(5, eu.get("endpoints").size(), eu.toString());
    assertEquals("up", eu.get("endpoints").get(0).get("state").asText());
    assertTrue(s.get("last_reload").get("problems").isEmpty());
  }

  @Test
  void drainingARegionTakesItOutOfAnswersAndUnknownTargetsAreRejected() throws Exception {
    HttpResponse<String> unknown = call("POST", "/health/drain?region=mars");
    assertEquals(404, unknown.statusCode());
    JsonNode u = json(unknown);
    assertTrue(u.get("error").asText().contains("no region 'mars'"), u.toString());
    assertTrue(u.get("known").toString().contains("eu-west"), u.toString());
    assertEquals(404, call("POST", "/health/drain?endpoint=192.0.2.99").statusCode());
    HttpResponse<String> notIp = call("POST", "/health/drain?endpoint=www.example.com");
    assertEquals(404, notIp.statusCode());
    assertTrue(json(notIp).get("error").asText().contains("not an IP address"), notIp.body());
    assertEquals(404, call("POST", "/health/evict?region=eu-west").statusCode());
    assertEquals(400, call("POST", "/health/drain").statusCode());

    HttpResponse<String> drain = call("POST", "/health/drain?region=eu-west");
    assertEquals(200, drain.statusCode(), drain.body());
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      String first = "";
      while (System.nanoTime() < deadline) {
        first = askWww("81.2.69.0/24").getSection(Section.ANSWER).get(0).rdataToString();
        if (!first.startsWith("198.51.100.")) {
          break;
        }
        Thread.onSpinWait();
      }
      assertFalse(first.startsWith("198.51.100."), "a drained region gets no answers: " + first);
      JsonNode s = json(call("GET", "/status"));
      assertEquals("drained", region(s, "eu-west").get("state").asText());
      assertEquals("drain", s.get("overrides").get("regions").get("eu-west").asText());
      assertTrue(
          s.get("events").toString().contains("region eu-west: drain by operator"), s.toString());
      String hook = HOOKED.poll(10, TimeUnit.SECONDS);
      while (hook != null && !hook.contains("\"kind\":\"override\"")) {
        hook = HOOKED.poll(10, TimeUnit.SECONDS); // events of other tests come first
      }
      assertTrue(hook != null, "the drain reached the webhook");
      assertTrue(hook.contains("\"region\":\"eu-west\""), hook);
    } finally {
      assertEquals(200, call("POST", "/health/clear?region=eu-west").statusCode());
    }
  }

  @Test
  void reloadSaysWhatChangedOrWhyNothingDid() throws Exception {
    Path zone = server.dir().resolve("zones/example.com.zone");
    String text = Files.readString(zone);
    JsonNode same = json(call("POST", "/reload"));
    assertFalse(same.get("published").asBoolean());
    assertTrue(same.get("summary").asText().startsWith("nothing changed"), same.toString());

    Files.writeString(zone, text + "broken IN A 300.1.1.1\n");
    HttpResponse<String> bad = call("POST", "/reload");
    assertEquals(422, bad.statusCode(), bad.body());
    assertTrue(bad.body().contains(zone + ":"), bad.body());
    JsonNode status = json(call("GET", "/status"));
    assertFalse(status.get("last_reload").get("problems").isEmpty());

    var soa = server.query("example.com.", Type.SOA, false).getSection(Section.ANSWER).get(0);
    long serial = ((org.xbill.DNS.SOARecord) soa).getSerial();
    Files.writeString(zone, text.replace(Long.toString(serial), Long.toString(serial + 1)));
    JsonNode ok = json(call("POST", "/reload"));
    assertTrue(ok.get("published").asBoolean(), ok.toString());
    assertEquals(
        "zone example.com. serial " + serial + " -> " + (serial + 1),
        ok.get("changed").get(0).asText());
  }

  /** GET /metrics over HTTP: the server's own counters, and promtool finds nothing to lint. */
  @Test
  void metricsAreServedAndLintClean() throws Exception {
    askWww("81.2.69.0/24");
    server.query("nosuch.example.com.", Type.A, true);
    HttpResponse<String> r = call("GET", "/metrics");
    assertEquals(200, r.statusCode());
    String text = r.body();
    assertTrue(
        text.contains(
            "meridian_dns_queries_total{qtype=\"A\",rcode=\"NXDOMAIN\",transport=\"tcp\"}"),
        text);
    assertTrue(
        text.contains(
            "meridian_answers_total{policy=\"geo\",region=\"eu-west\",service=\"www.example.com.\"}"),
        text);
    assertTrue(text.contains("meridian_snapshot_generation "), text);
    assertTrue(text.contains("meridian_zone_serial{zone=\"example.com.\"}"), text);
    assertTrue(text.contains("meridian_health_endpoint_up{endpoint=\"198.51.100.10\""), text);
    Path promtool = Tools.require("/usr/bin/promtool", "apt-get install prometheus");
    Path file = Files.createTempFile("metrics", ".txt");
    Files.writeString(file, text);
    Process p =
        new ProcessBuilder(promtool.toString(), "check", "metrics")
            .redirectInput(file.toFile())
            .redirectErrorStream(true)
            .start();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), out);
    assertEquals("", out.strip(), "promtool's findings");
    Files.delete(file);
  }

  @Test
  void explainAnswersAsTheCliDoes() throws Exception {
    HttpResponse<String> r = call("GET", "/explain?name=www.example.com&subnet=81.2.69.0/24");
    assertEquals(200, r.statusCode(), r.body());
    String lines = json(r).get("explanation").toString();
    assertTrue(lines.contains("eu-west"), lines);
    assertEquals(400, call("GET", "/explain?name=www.example.com&client=nowhere").statusCode());
    assertEquals(400, call("GET", "/explain").statusCode());
  }

  @Test
  void wrongPathsAndMethodsGetJsonErrors() throws Exception {
    HttpResponse<String> r = call("GET", "/nope");
    assertEquals(404, r.statusCode());
    assertTrue(json(r).get("error").asText().contains("/status"), r.body());
    assertEquals(405, call("GET", "/reload").statusCode());
    assertEquals(405, call("DELETE", "/status").statusCode());
  }

  @Test
  void aTokenIsRequiredWhenConfigured() throws Exception {
    String token = "s3cret-token-0123456789";
    try (TestServer t =
        TestServer.start(
            "admin: {listen: 127.0.0.1:0, token: " + token + "}\n", "zones/example.com.zone")) {
      URI status = URI.create("http://127.0.0.1:" + t.adminPort() + "/status");
      HttpResponse<String> none =
          HTTP.send(HttpRequest.newBuilder(status).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(401, none.statusCode());
      HttpResponse<String> wrong =
          HTTP.send(
              HttpRequest.newBuilder(status).header("Authorization", "Bearer nope").build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(401, wrong.statusCode());
      HttpResponse<String> right =
          HTTP.send(
              HttpRequest.newBuilder(status).header("Authorization", "Bearer " + token).build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(200, right.statusCode(), right.body());
      URI page = URI.create("http://127.0.0.1:" + t.adminPort() + "/");
      HttpResponse<String> html =
          HTTP.send(HttpRequest.newBuilder(page).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(
          200, html.statusCode(), "the page holds no data; what it fetches needs the token");
      assertTrue(html.body().contains("<html"), html.body());
    }
  }
}
