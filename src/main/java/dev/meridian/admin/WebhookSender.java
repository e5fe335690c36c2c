package dev.meridian.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.meridian.engine.EventLog;
import dev.meridian.engine.StatusReport;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.LongAdder;

/**
 * POSTs every event as JSON to the configured webhook URLs, on a thread of its own: an event is
 * queued (never blocking the health checks or a reload; a full queue drops it and counts), then
 * sent to each URL with up to {@value #ATTEMPTS} attempts, waiting 1 s, 2 s, 4 s ... between them.
 * A 2xx answer is success. Thread-safe.
 */
public final class WebhookSender implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger("meridian.events");
  static final int ATTEMPTS = 5;

  private final List<URI> urls;
  private final Duration timeout;
  private final Duration firstBackoff;
  private final HttpClient client;
  private final BlockingQueue<EventLog.Event> queue = new ArrayBlockingQueue<>(1000);
  private final ObjectMapper json = new ObjectMapper();
  private final Thread thread;
  private final LongAdder sent = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final LongAdder dropped = new LongAdder();

  /** Starts sending the events of {@code events} to {@code urls}. */
  public WebhookSender(EventLog events, List<URI> urls, Duration timeout, Duration firstBackoff) {
    this.urls = List.copyOf(urls);
    this.timeout = timeout;
    this.firstBackoff = firstBackoff;
    this.client = HttpClient.newBuilder().connectTimeout(timeout).build();
    this.thread = new Thread(this::loop, "webhooks");
    thread.setDaemon(true);
    thread.start();
    events.subscribe(
        e -> {
          if (!queue.offer(e)) {
            dropped.increment();
          }
        });
  }

  private void loop() {
    try {
      while (true) {
        EventLog.Event e = queue.take();
        byte[] body = json.writeValueAsBytes(StatusReport.event(e));
        for (URI url : urls) {
          deliver(url, body);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // closing
    } catch (IOException | RuntimeException e) { // thread root: say why events stop
      LOG.log(Level.ERROR, "webhooks stopped: " + e, e);
    }
  }

  private void deliver(URI url, byte[] body) throws InterruptedException {
    Duration wait = firstBackoff;
    String why = "";
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      try {
        HttpResponse<Void> r =
            client.send(
                HttpRequest.newBuilder(url)
                    .timeout(timeout)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                    .build(),
                HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() / 100 == 2) {
          sent.increment();
          return;
        }
        why = "HTTP " + r.statusCode();
      } catch (IOException e) {
        why = e.toString();
      }
      if (attempt < ATTEMPTS) {
        Thread.sleep(wait.toMillis());
        wait = wait.multipliedBy(2);
      }
    }
    failed.increment();
    LOG.log(
        Level.WARNING,
        "webhook " + url + ": event not delivered after " + ATTEMPTS + " attempts (" + why + ")");
  }

  /** Events delivered (per URL), given up on, and dropped because the queue was full. */
  public long[] counts() {
    return new long[] {sent.sum(), failed.sum(), dropped.sum()};
  }

  @Override
  public void close() {
    thread.interrupt();
  }
}
