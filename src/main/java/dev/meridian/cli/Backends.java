package dev.meridian.cli;

import com.sun.net.httpserver.HttpServer;
import dev.meridian.config.Cidr;
import dev.meridian.config.ConfigException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * {@code meridian backends 127.0.0.2:8080 ...}: tiny HTTP servers for the health demo. Each answers
 * {@code GET /health} with 200 "ok" and anything else with its own address. Loopback only.
 */
final class Backends {
  private Backends() {}

  static int run(List<String> addresses, PrintStream err) {
    List<HttpServer> servers = new ArrayList<>();
    try {
      for (String a : addresses) {
        int colon = a.lastIndexOf(':');
        if (colon < 0) {
          err.println("meridian backends: '" + a + "' needs ADDRESS:PORT");
          return Main.EXIT_USAGE;
        }
        InetSocketAddress at;
        try {
          at =
              new InetSocketAddress(
                  Cidr.parseLiteral(a.substring(0, colon)),
                  Integer.parseInt(a.substring(colon + 1)));
        } catch (ConfigException | NumberFormatException e) {
          err.println("meridian backends: '" + a + "': " + e.getMessage());
          return Main.EXIT_USAGE;
        }
        if (!at.getAddress().isLoopbackAddress()) {
          err.println(
              "meridian backends: " + a + " is not a loopback address; the demo stays local");
          return Main.EXIT_USAGE;
        }
        servers.add(start(at));
        err.println("backend listening on http://" + a + "/health");
      }
    } catch (IOException e) {
      err.println("meridian backends: " + e.getMessage());
      servers.forEach(s -> s.stop(0));
      return Main.EXIT_RUNTIME;
    }
    CountDownLatch done = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  servers.forEach(s -> s.stop(0));
                  done.countDown();
                }));
    try {
      done.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  static HttpServer start(InetSocketAddress at) throws IOException {
    HttpServer s = HttpServer.create(at, 64);
    String me = at.getAddress().getHostAddress() + ":" + at.getPort();
    s.createContext(
        "/",
        ex -> {
          byte[] body =
              (ex.getRequestURI().getPath().equals("/health") ? "ok\n" : "hello from " + me + "\n")
                  .getBytes(StandardCharsets.UTF_8);
          ex.sendResponseHeaders(200, body.length);
          try (OutputStream o = ex.getResponseBody()) {
            o.write(body);
          }
        });
    s.start();
    return s;
  }
}
