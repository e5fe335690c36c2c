package dev.meridian.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/**
 * {@code logging.format: json}: one JSON object per line with time (ISO 8601 with the UTC offset),
 * level, logger, message and, when there is one, the error with its stack. Thread-safe.
 */
final class JsonLogFormatter extends Formatter {
  private final ObjectMapper json = new ObjectMapper();

  @Override
  public String format(LogRecord r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("time", OffsetDateTime.ofInstant(r.getInstant(), ZoneId.systemDefault()).toString());
    m.put("level", r.getLevel().getName());
    m.put("logger", r.getLoggerName());
    m.put("message", formatMessage(r));
    if (r.getThrown() != null) {
      StringWriter w = new StringWriter();
      r.getThrown().printStackTrace(new PrintWriter(w));
      m.put("error", w.toString());
    }
    try {
      return json.writeValueAsString(m) + System.lineSeparator();
    } catch (JsonProcessingException e) {
      return "{\"message\":\"unloggable record: "
          + e.getOriginalMessage()
          + "\"}"
          + System.lineSeparator();
    }
  }
}
