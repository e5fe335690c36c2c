package dev.meridian.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTPS checks against a real local TLS server with a self-signed certificate. */
class HttpsCheckTest {
  @TempDir Path dir;

  private HttpsServer server() throws Exception {
    Path ks = dir.resolve("ks.p12");
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    Process p =
        new ProcessBuilder(
                keytool,
                "-genkeypair",
                "-keystore",
                ks.toString(),
                "-storetype",
                "PKCS12",
                "-storepass",
                "changeit",
                "-keypass",
                "changeit",
                "-alias",
                "s",
                "-keyalg",
                "EC",
                "-dname",
                "CN=backend.example.com",
                "-ext",
                "SAN=dns:backend.example.com",
                "-validity",
                "2")
            .redirectErrorStream(true)
            .start();
    assertTrue(
        p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0,
        new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(ks)) {
      store.load(in, "changeit".toCharArray());
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(store, "changeit".toCharArray());
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), null, null);
    HttpsServer s =
        HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    s.setHttpsConfigurator(new HttpsConfigurator(ctx));
    s.createContext(
        "/",
        ex -> {
          ex.sendResponseHeaders(200, 2);
          try (OutputStream o = ex.getResponseBody()) {
            o.write("ok".getBytes(java.nio.charset.StandardCharsets.UTF_8));
          }
        });
    s.start();
    return s;
  }

  @Test
  void hostnamesMatchExactlyOrByOneWildcardLabel() throws Exception {
    HttpsServer s = server();
    s.stop(0);
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(dir.resolve("ks.p12"))) {
      store.load(in, "changeit".toCharArray());
    }
    var cert = (java.security.cert.X509Certificate) store.getCertificate("s");
    assertTrue(HttpProber.matches(cert, "backend.example.com"));
    assertTrue(HttpProber.matches(cert, "BACKEND.example.com"));
    assertTrue(!HttpProber.matches(cert, "other.example.com"));
  }

  @Test
  void validationOffAcceptsASelfSignedCertificateAndOnRejectsIt() throws Exception {
    HttpsServer s = server();
    try {
      InetSocketAddress at =
          new InetSocketAddress(InetAddress.getLoopbackAddress(), s.getAddress().getPort());
      HttpProber prober = new HttpProber();
      Check lax =
          new Check(
              Check.Kind.HTTPS,
              at,
              "/health",
              Set.of(200),
              "ok",
              "backend.example.com",
              "backend.example.com",
              false,
              1000,
              3000,
              2,
              3,
              true);
      assertEquals(null, prober.probe(lax).get(10, TimeUnit.SECONDS));
      Check strict =
          new Check(
              Check.Kind.HTTPS,
              at,
              "/health",
              Set.of(200),
              null,
              null,
              "backend.example.com",
              true,
              1000,
              3000,
              2,
              3,
              true);
      String err = prober.probe(strict).get(10, TimeUnit.SECONDS);
      assertTrue(err != null && err.startsWith("TLS error"), "self-signed: " + err);
    } finally {
      s.stop(0);
    }
  }
}
