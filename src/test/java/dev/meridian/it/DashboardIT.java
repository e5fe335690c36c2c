package dev.meridian.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedCondition;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.xbill.DNS.ClientSubnetOption;
import org.xbill.DNS.DClass;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The dashboard in a real browser: Debian's headless Chromium, driven by Selenium through Debian's
 * chromedriver (given by path, so Selenium Manager never downloads anything), loads {@code /} from
 * the admin server of a real server on loopback. Every region must be drawn where its config puts
 * it and coloured by its health; a region drained through the API must turn red and say so. The
 * page's screenshot is kept as target/dashboard.png (docs/dashboard.png, in the README, is one).
 */
class DashboardIT {
  /** Regions at their configured (lat, lon). */
  static final Map<String, double[]> REGIONS =
      Map.of(
          "us-east", new double[] {39.04, -77.49},
          "eu-west", new double[] {53.35, -6.26},
          "ap-south", new double[] {19.08, 72.88},
          "sa-east", new double[] {-23.55, -46.63});

  /** style.css: --drained (and --down), as getComputedStyle reports a fill. */
  static final String RED = "rgb(217, 48, 37)";

  static final String AMBER = "rgb(232, 163, 23)";
  static final String GREEN = "rgb(30, 158, 74)";

  private ServerSocket backend;
  private Path dir;
  private TestServer server;
  private ChromeDriverService service;
  private ChromeDriver browser;

  @BeforeEach
  void start() throws Exception {
    Path chromium = Tools.require("/usr/bin/chromium", "apt-get install chromium");
    Path chromedriver = Tools.require("/usr/bin/chromedriver", "apt-get install chromium-driver");
    // sa-east has one live backend (a listening socket on 127.0.0.2) and one dead (nothing on
    // 127.0.0.3), so it is degraded; the others are documentation addresses, never probed.
    backend = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.2"));
    dir = Files.createTempDirectory("meridian-dashboard");
    Path zone = dir.resolve("example.net.zone");
    Files.writeString(
        zone,
        "$TTL 300\n@ IN SOA ns1 h 1 2 3 4 5\n@ IN NS ns1\nns1 IN A 192.0.2.53\n"
            + "www IN A 192.0.2.20\n");
    String tcp =
        "{type: tcp, port: "
            + backend.getLocalPort()
            + ", interval: 200ms, timeout: 100ms, fall: 1, rise: 1}";
    String yaml =
        "health: {publish_interval: 0s, state_file: "
            + dir.resolve("m.state")
            + "}\n"
            + "regions:\n"
            + region("us-east", "[192.0.2.20, 192.0.2.21]", "none")
            + region("eu-west", "[198.51.100.20, 198.51.100.21]", "none")
            + region("ap-south", "[203.0.113.20, 203.0.113.21]", "none")
            + region("sa-east", "[127.0.0.2, 127.0.0.3]", tcp)
            + "geo:\n"
            + "  database: "
            + Path.of("geo-data/meridian-country.mmdb").toAbsolutePath()
            + "\n"
            + "  continents: {NA: [us-east], EU: [eu-west, us-east], AS: [ap-south],"
            + " SA: [sa-east, us-east]}\n"
            + "  default: nearest\n"
            + "services:\n"
            + "  www.example.net: {policy: geo, tier: l7, ttl: 30}\n";
    server = TestServer.start(yaml, zone.toString());

    // Quiet Selenium's note that it has no DevTools binding for this Chromium: nothing here uses
    // DevTools.
    Logger.getLogger("org.openqa.selenium.devtools").setLevel(Level.SEVERE);
    service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(chromedriver.toFile())
            .usingAnyFreePort()
            .build();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(chromium.toFile());
    options.addArguments(
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
        "--window-size=1400,1000",
        "--user-data-dir=" + Files.createDirectory(dir.resolve("chromium")));
    browser = new ChromeDriver(service, options);
  }

  static String region(String name, String endpoints, String check) {
    double[] at = REGIONS.get(name);
    return "  "
        + name
        + ": {location: {lat: "
        + at[0]
        + ", lon: "
        + at[1]
        + "}, l7: {endpoints: "
        + endpoints
        + ", check: "
        + check
        + "}}\n";
  }

  @AfterEach
  void stop() throws Exception {
    try {
      if (browser != null) {
        browser.quit();
      }
    } finally {
      if (service != null) {
        service.stop();
      }
      if (server != null) {
        server.close();
      }
      if (backend != null) {
        backend.close();
      }
    }
  }

  @Test
  void drawsEveryRegionAndTurnsADrainedRegionRed() throws Exception {
    // Answers for the shares: most from North America, then Europe, Asia, South America.
    ask("24.48.0.0/24", 12, "192.0.2.2");
    ask("81.2.69.0/24", 8, "198.51.100.2");
    ask("49.36.0.0/24", 5, "203.0.113.2");
    ask("200.147.0.0/24", 3, "127.0.0.");

    String base = "http://127.0.0.1:" + server.adminPort() + "/";
    browser.get(base);
    WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
    wait.until(d -> "loaded".equals(d.findElement(By.id("map")).getAttribute("data-map")));
    for (Map.Entry<String, double[]> r : REGIONS.entrySet()) {
      WebElement m = wait.until(d -> d.findElement(marker(r.getKey())));
      double[] at = r.getValue();
      // the map's projection (scripts/build-map.py): x = (lon + 180) * 10, y = (90 - lat) * 10
      assertEquals((at[1] + 180) * 10, Double.parseDouble(m.getAttribute("cx")), 0.01, r.getKey());
      assertEquals((90 - at[0]) * 10, Double.parseDouble(m.getAttribute("cy")), 0.01, r.getKey());
    }
    wait.until(shows("us-east", "up", GREEN));
    wait.until(shows("eu-west", "up", GREEN));
    wait.until(shows("ap-south", "up", GREEN));
    wait.until(shows("sa-east", "degraded", AMBER));
    assertTrue(
        radius("us-east") > radius("ap-south") && radius("ap-south") > radius("sa-east"),
        "markers sized by their share of answers");

    HttpResponse<String> drained = post(base + "health/drain?region=eu-west");
    assertEquals(200, drained.statusCode(), drained.body());
    wait.until(shows("eu-west", "drained", RED));
    WebElement label = browser.findElement(By.cssSelector("g.region[data-region='eu-west'] text"));
    assertTrue(label.getText().contains("drained"), label.getText());
    WebElement row = browser.findElement(By.cssSelector("tr.region-row[data-region='eu-west']"));
    assertTrue(row.getText().contains("drained"), row.getText());
    // Europe now goes to us-east, the next region of its rule, and the page counts it there.
    ask("81.2.69.0/24", 4, "192.0.2.2");
    wait.until(
        d ->
            d.findElement(By.cssSelector("tr.region-row[data-region='us-east']"))
                .getText()
                .contains("16 answers"));

    byte[] png = browser.getScreenshotAs(OutputType.BYTES);
    // the build's artifact; docs/dashboard.png (in the README) is a copy of one, committed by hand
    Files.write(Path.of("target/dashboard.png"), png);
  }

  static By marker(String region) {
    return By.cssSelector("circle.marker[data-region='" + region + "']");
  }

  /** The region's marker has this state and its computed fill is this colour. */
  static ExpectedCondition<Boolean> shows(String region, String state, String fill) {
    return new ExpectedCondition<>() {
      @Override
      public Boolean apply(org.openqa.selenium.WebDriver d) {
        Object seen =
            ((ChromeDriver) d)
                .executeScript(
                    "const m = document.getElementById('region-' + arguments[0]);"
                        + " return m && m.dataset.state + ' ' + getComputedStyle(m).fill;",
                    region);
        return (state + " " + fill).equals(seen);
      }

      @Override
      public String toString() {
        return region + " drawn " + state + " in " + fill;
      }
    };
  }

  private double radius(String region) {
    return Double.parseDouble(browser.findElement(marker(region)).getAttribute("r"));
  }

  /** Asks for www.example.net {@code n} times with ECS {@code subnet}; answers start {@code at}. */
  private void ask(String subnet, int n, String prefix) throws Exception {
    String[] p = subnet.split("/", -1);
    List<EDNSOption> ecs = new ArrayList<>();
    ecs.add(new ClientSubnetOption(Integer.parseInt(p[1]), InetAddress.getByName(p[0])));
    for (int i = 0; i < n; i++) {
      Message q =
          Message.newQuery(
              Record.newRecord(Name.fromString("www.example.net."), Type.A, DClass.IN));
      q.addRecord(new OPTRecord(1232, 0, 0, 0, ecs), Section.ADDITIONAL);
      Message r = server.resolver(false).send(q);
      assertEquals(Rcode.NOERROR, r.getRcode(), subnet);
      String first = r.getSection(Section.ANSWER).get(0).rdataToString();
      assertTrue(first.startsWith(prefix), subnet + " answered " + first);
    }
  }

  static HttpResponse<String> post(String url) throws Exception {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    return client.send(
        HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(5))
            .POST(HttpRequest.BodyPublishers.noBody())
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
