package dev.meridian.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * How many answers each managed name gave with each endpoint first, since the server started.
 * Counters are made at snapshot build time and carried from generation to generation by (name,
 * endpoint), so a reload resets nothing; the query path only increments a {@link LongAdder} it was
 * handed (no lookup, no allocation). Thread-safe.
 */
public final class AnswerCounts {
  private final Map<Key, LongAdder> counters = new ConcurrentHashMap<>();

  private record Key(String service, String endpoint) {}

  /**
   * One counter. Immutable but for the count.
   *
   * @param service the managed name, absolute
   * @param endpoint the endpoint answered first
   * @param count answers so far
   */
  public record Row(String service, String endpoint, long count) {}

  /** The counter of answers by {@code service} with {@code endpoint} first (made once). */
  LongAdder counter(String service, String endpoint) {
    return counters.computeIfAbsent(new Key(service, endpoint), k -> new LongAdder());
  }

  /** Every counter now. */
  public List<Row> rows() {
    List<Row> out = new ArrayList<>(counters.size());
    counters.forEach((k, v) -> out.add(new Row(k.service(), k.endpoint(), v.sum())));
    return out;
  }
}
