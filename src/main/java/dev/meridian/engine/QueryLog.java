package dev.meridian.engine;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.meridian.config.EndpointSpec;
import dev.meridian.config.RegionSpec;
import dev.meridian.config.TierSpec;
import java.io.BufferedWriter;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.ClientSubnetOption;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The optional query log: one query in {@code sample} is copied off the query path into a bounded
 * queue, and a writer thread appends it to the file as a JSON line (time, client, transport, ECS,
 * qname, qtype, rcode, service, region, answer addresses). The query path draws the sample from
 * {@link ThreadLocalRandom} and allocates only for a sampled query; when the disk falls behind and
 * the queue is full, the line is dropped and counted, never waited for. Thread-safe.
 */
public final class QueryLog implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger("meridian");

  /** One sampled query, copied off the query path; confined to the writer once queued. */
  private static final class Entry {
    final long millis;
    final byte[] query;
    final byte[] response;
    final InetAddress client;
    final boolean tcp;

    Entry(long millis, byte[] query, byte[] response, InetAddress client, boolean tcp) {
      this.millis = millis;
      this.query = query;
      this.response = response;
      this.client = client;
      this.tcp = tcp;
    }
  }

  private final int sample;
  private final BlockingQueue<Entry> queue;
  private final SnapshotHolder holder;
  private final BufferedWriter out;
  private final Thread thread;
  private final ObjectMapper json = new ObjectMapper();
  private final LongAdder written = new LongAdder();
  private final LongAdder dropped = new LongAdder();

  /** Opens {@code file} for appending and starts the writer. */
  public QueryLog(Path file, int sample, int queue, SnapshotHolder holder) throws IOException {
    this.sample = sample;
    this.queue = new ArrayBlockingQueue<>(queue);
    this.holder = holder;
    this.out =
        Files.newBufferedWriter(
            file,
            StandardCharsets.UTF_8,
            StandardOpenOption.CREATE,
            StandardOpenOption.APPEND,
            StandardOpenOption.WRITE);
    this.thread = new Thread(this::loop, "query-log");
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Offers one answered query; on the query path. Copies the packets only when this query is
   * sampled; never blocks.
   */
  public void offer(
      byte[] query,
      int queryLength,
      byte[] response,
      int responseLength,
      InetAddress client,
      boolean tcp) {
    if (sample > 1 && ThreadLocalRandom.current().nextInt(sample) != 0) {
      return;
    }
    Entry e =
        new Entry(
            System.currentTimeMillis(),
            java.util.Arrays.copyOf(query, queryLength),
            java.util.Arrays.copyOf(response, responseLength),
            client,
            tcp);
    if (!queue.offer(e)) {
      dropped.increment();
    }
  }

  /** Lines written so far. */
  public long written() {
    return written.sum();
  }

  /** Lines dropped because the writer fell behind. */
  public long dropped() {
    return dropped.sum();
  }

  private void loop() {
    try {
      while (true) {
        Entry e = queue.poll(200, TimeUnit.MILLISECONDS);
        if (e == null) {
          out.flush(); // the disk has caught up: make what was written visible
          continue;
        }
        out.write(json.writeValueAsString(line(e)));
        out.write('\n');
        written.increment();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // closing
    } catch (IOException | RuntimeException e) { // thread root: say why the log stops
      LOG.log(Level.ERROR, "query log stopped: " + e, e);
    }
  }

  private Map<String, Object> line(Entry e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put(
        "time",
        OffsetDateTime.ofInstant(Instant.ofEpochMilli(e.millis), ZoneId.systemDefault())
            .toString());
    m.put("client", e.client.getHostAddress());
    m.put("transport", e.tcp ? "tcp" : "udp");
    try {
      Message q = new Message(e.query);
      Message r = new Message(e.response);
      Record question = q.getQuestion();
      m.put("ecs", ecs(q, r));
      m.put("qname", question == null ? null : question.getName().toString());
      m.put("qtype", question == null ? null : Type.string(question.getType()));
      m.put("rcode", Rcode.string(r.getRcode()));
      Snapshot s = holder.current();
      Service service = question == null ? null : s.policies().get(question.getName());
      List<String> answers = new ArrayList<>();
      for (Record a : r.getSection(Section.ANSWER)) {
        if (a instanceof ARecord ar) {
          answers.add(ar.getAddress().getHostAddress());
        } else if (a instanceof AAAARecord aaaa) {
          answers.add(aaaa.getAddress().getHostAddress());
        }
      }
      m.put("service", service == null ? null : service.name().toString());
      m.put("region", service == null || answers.isEmpty() ? null : region(s, answers.get(0)));
      m.put("answers", answers);
    } catch (IOException ex) {
      m.put("error", "unparsable: " + ex.getMessage());
    }
    return m;
  }

  private static String ecs(Message q, Message r) {
    ClientSubnetOption asked = subnet(q.getOPT());
    if (asked == null) {
      return null;
    }
    ClientSubnetOption answered = subnet(r.getOPT());
    return asked.getAddress().getHostAddress()
        + "/"
        + asked.getSourcePrefixLength()
        + "/"
        + (answered == null ? 0 : answered.getScopePrefixLength());
  }

  private static ClientSubnetOption subnet(OPTRecord opt) {
    if (opt == null) {
      return null;
    }
    for (EDNSOption o : opt.getOptions()) {
      if (o instanceof ClientSubnetOption c) {
        return c;
      }
    }
    return null;
  }

  private static String region(Snapshot s, String address) {
    for (RegionSpec r : s.config().traffic().regions().values()) {
      for (TierSpec t : r.tiers().values()) {
        for (EndpointSpec e : t.endpoints()) {
          if (e.address().getHostAddress().equals(address)) {
            return r.name();
          }
        }
      }
    }
    return null;
  }

  @Override
  public void close() {
    thread.interrupt();
    try {
      thread.join(2000);
      out.close();
    } catch (InterruptedException | IOException e) {
      LOG.log(Level.DEBUG, "closing the query log: " + e);
    }
  }
}
