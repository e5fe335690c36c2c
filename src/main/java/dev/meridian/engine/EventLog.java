package dev.meridian.engine;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * What happened to the server that an operator wants to know: health transitions, drains and forced
 * states, reloads. Keeps the last {@code keep} events for {@code /status} and hands each new one to
 * the subscribers (the webhook sender), which must not block. Never on the query path. Thread-safe.
 */
public final class EventLog {
  /**
   * One event. Immutable.
   *
   * @param time when it happened
   * @param kind {@code health}, {@code override} or {@code reload}
   * @param message one line for people
   * @param fields details for machines (endpoint, region, state, generation, ...)
   */
  public record Event(Instant time, String kind, String message, Map<String, Object> fields) {
    public Event {
      fields = Map.copyOf(fields);
    }
  }

  private final int keep;
  private final ArrayDeque<Event> recent;
  private final List<Consumer<Event>> subscribers = new CopyOnWriteArrayList<>();

  public EventLog(int keep) {
    this.keep = keep;
    this.recent = new ArrayDeque<>(keep);
  }

  /** Records an event now and tells the subscribers. */
  public void add(String kind, String message, Map<String, Object> fields) {
    Event e = new Event(Instant.now(), kind, message, fields);
    synchronized (recent) {
      if (recent.size() == keep) {
        recent.removeFirst();
      }
      recent.addLast(e);
    }
    for (Consumer<Event> s : subscribers) {
      s.accept(e);
    }
  }

  /** The kept events, oldest first. */
  public List<Event> recent() {
    synchronized (recent) {
      return new ArrayList<>(recent);
    }
  }

  public void subscribe(Consumer<Event> subscriber) {
    subscribers.add(subscriber);
  }
}
