package dev.meridian.health;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.security.SecureRandom;
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
        b.sslContext(trustAll());
      }
    }
    return b.build();
  }

  /** Certificate validation off, as the check asked: any certificate is accepted. */
  private static SSLContext trustAll() {
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      TrustManager tm =
          new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
              // not a server: client certificates are never checked here
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
              // validation is off for this check by configuration (tls_verify: false)
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
              return new X509Certificate[0];
            }
          };
      ctx.init(null, new TrustManager[] {tm}, new SecureRandom());
      return ctx;
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException("no TLS in this JDK", e);
    }
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
