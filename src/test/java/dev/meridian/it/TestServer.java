package dev.meridian.it;

import dev.meridian.cli.MeridianServer;
import dev.meridian.config.ConfigLoader;
import java.io.IOException;
import java.io.StringReader;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;

/**
 * A real server on 127.0.0.1 with a free port, serving copies of the given zone files from a
 * temporary folder, configured by extra YAML lines. Closing it stops the server.
 */
public final class TestServer implements AutoCloseable {
  private final MeridianServer server;
  private final Path dir;

  private TestServer(MeridianServer server, Path dir) {
    this.server = server;
    this.dir = dir;
  }

  /** Starts with {@code zoneFiles} (paths relative to the project root) and extra YAML. */
  public static TestServer start(String yaml, String... zoneFiles) throws Exception {
    Path dir = Files.createTempDirectory("meridian-it");
    Path zones = Files.createDirectories(dir.resolve("zones"));
    for (String z : zoneFiles) {
      Path src = Path.of(z);
      Files.copy(src, zones.resolve(src.getFileName()));
    }
    String config = "listen: [127.0.0.1:0]\nudp_workers: 2\n" + yaml;
    Path file = dir.resolve("meridian.yaml");
    Files.writeString(file, config);
    var cfg = ConfigLoader.parse(new StringReader(config), file);
    if (cfg.admin().listen() != null && cfg.admin().listen().getPort() == 8053) {
      cfg = cfg.withAdminListen(new java.net.InetSocketAddress("127.0.0.1", 0)); // the default
    }
    return new TestServer(MeridianServer.start(cfg), dir);
  }

  public int port() {
    return server.dnsPort();
  }

  /** The admin HTTP API's port (it listens on 127.0.0.1 port 0 unless the YAML says otherwise). */
  public int adminPort() {
    return server.adminAddress().getPort();
  }

  public MeridianServer server() {
    return server;
  }

  public Path dir() {
    return dir;
  }

  /** A resolver for this server, over UDP, or TCP when {@code tcp}. */
  public SimpleResolver resolver(boolean tcp) throws IOException {
    SimpleResolver r = new SimpleResolver(InetAddress.getLoopbackAddress());
    r.setPort(port());
    r.setTCP(tcp);
    r.setTimeout(Duration.ofSeconds(3));
    return r;
  }

  /** Sends one query (no EDNS) and returns the response. */
  public Message query(String name, int type, boolean tcp) throws IOException {
    Record q = Record.newRecord(Name.fromString(name), type, org.xbill.DNS.DClass.IN);
    return resolver(tcp).send(Message.newQuery(q));
  }

  @Override
  public void close() throws IOException {
    server.close();
    try (var walk = Files.walk(dir)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
