package dev.meridian.health;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * HTTP and HTTPS GET checks on the JDK's asynchronous client: no thread per endpoint. A probe
 * completes with null (healthy) or the cause (timeout, connection refused, TLS error, HTTP 503,
 * body mismatch). Thread-safe; one client per TLS setting, shared.
 */
final class HttpProber {
  static {
    // a check may set Host, and every probe sends "Connection: close": a probe must open a new
    // connection, or a listener that stopped accepting would still look alive through an old one
    System.setProperty("jdk.httpclient.allowRestrictedHeaders", "host,connection");
  }

  private final Map<String, HttpClient> clients = new ConcurrentHashMap<>();

  CompletableFuture<String> probe(Check c) {
    String a = c.target().getAddress().getHostAddress();
    String host = a.indexOf(':') >= 0 ? "[" + a + "]" : a;
    String scheme = c.kind() == Check.Kind.HTTPS ? "https" : "http";
    HttpRequest.Builder req;
    try {
      req =
          HttpRequest.newBuilder(
                  URI.create(scheme + "://" + host + ":" + c.target().getPort() + c.path()))
              .timeout(Duration.ofMillis(c.timeoutMillis()))
              .header("User-Agent", "meridian-health")
              .header("Connection", "close")
              .GET();
    } catch (IllegalArgumentException e) {
      return CompletableFuture.completedFuture("bad check URL: " + e.getMessage());
    }
    if (c.host() != null) {
      req.header("Host", c.host());
    }
    return client(c)
        .sendAsync(req.build(), HttpResponse.BodyHandlers.ofString())
        .handle(
            (resp, err) -> {
              if (err != null) {
                return cause(err);
              }
              if (!c.expectStatus().contains(resp.statusCode())) {
                return "HTTP " + resp.statusCode();
              }
              if (c.bodyContains() != null && !resp.body().contains(c.bodyContains())) {
                return "body mismatch (no '" + c.bodyContains() + "')";
              }
              return null;
            });
  }

  private HttpClient client(Check c) {
    String key = c.tlsVerify() + "|" + c.tlsServerName() + "|" + c.timeoutMillis();
    return clients.computeIfAbsent(key, k -> build(c));
  }

  private static HttpClient build(Check c) {
    HttpClient.Builder b =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofMillis(c.timeoutMillis()))
            .followRedirects(HttpClient.Redirect.NEVER)
            .version(HttpClient.Version.HTTP_1_1);
    if (c.kind() == Check.Kind.HTTPS) {
      SSLParameters params = new SSLParameters();
      if (c.tlsServerName() != null) {
        params.setServerNames(List.of(new SNIHostName(c.tlsServerName())));
      }
      b.sslParameters(params);
      if (!c.tlsVerify()) {
        b.sslContext(context(null));
      } else if (c.tlsServerName() != null) {
        // The URL holds the endpoint's address, so the JDK would match the certificate against
        // the address; validate the chain as usual and match the name we sent in SNI instead.
        b.sslContext(context(c.tlsServerName()));
      }
    }
    return b.build();
  }

  /**
   * A TLS context whose trust manager accepts any certificate ({@code name} null: validation off)
   * or validates the chain against the JDK's trust store and the leaf against {@code name}.
   */
  private static SSLContext context(String name) {
    try {
      X509TrustManager system = null;
      if (name != null) {
        TrustManagerFactory tmf =
            TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init((java.security.KeyStore) null);
        for (TrustManager t : tmf.getTrustManagers()) {
          if (t instanceof X509TrustManager x) {
            system = x;
          }
        }
      }
      X509TrustManager chain = system;
      SSLContext ctx = SSLContext.getInstance("TLS");
      TrustManager tm =
          new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] certs, String authType) {
              // not a server: client certificates are never checked here
            }

            @Override
            public void checkServerTrusted(X509Certificate[] certs, String authType)
                throws CertificateException {
              if (chain == null) {
                return; // validation is off for this check by configuration (tls_verify: false)
              }
              chain.checkServerTrusted(certs, authType);
              if (!matches(certs[0], name)) {
                throw new CertificateException("certificate is not for " + name);
              }
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
              return chain == null ? new X509Certificate[0] : chain.getAcceptedIssuers();
            }
          };
      ctx.init(null, new TrustManager[] {tm}, new SecureRandom());
      return ctx;
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException("no TLS in this JDK", e);
    }
  }

  /** RFC 6125: a DNS subjectAltName equal to {@code name}, or a wildcard for its first label. */
  static boolean matches(X509Certificate cert, String name) throws CertificateParsingException {
    String n = name.toLowerCase(java.util.Locale.ROOT);
    var sans = cert.getSubjectAlternativeNames();
    if (sans == null) {
      return false;
    }
    for (List<?> san : sans) {
      if (!Integer.valueOf(2).equals(san.get(0))) {
        continue; // only dNSName entries
      }
      String d = ((String) san.get(1)).toLowerCase(java.util.Locale.ROOT);
      if (d.equals(n)
          || (d.startsWith("*.")
              && n.indexOf('.') > 0
              && n.substring(n.indexOf('.')).equals(d.substring(1)))) {
        return true;
      }
    }
    return false;
  }

  static String cause(Throwable err) {
    Throwable t =
        err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
    if (t instanceof HttpConnectTimeoutException || t instanceof HttpTimeoutException) {
      return "timeout";
    }
    if (t instanceof java.net.ConnectException) {
      return "connection refused";
    }
    if (t instanceof SSLException) {
      return "TLS error: " + t.getMessage();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }
}
