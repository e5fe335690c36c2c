package dev.meridian.geo;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Encodes values in the MaxMind DB data-section format (MaxMind DB spec 2.0, "Output Data
 * Section"): maps, arrays, UTF-8 strings, doubles, unsigned integers and booleans. Confined to the
 * writing thread.
 */
final class DataEncoder {
  private static final int POINTER = 1;
  private static final int STRING = 2;
  private static final int DOUBLE = 3;
  private static final int UINT16 = 5;
  private static final int UINT32 = 6;
  private static final int MAP = 7;
  private static final int UINT64 = 9;
  private static final int ARRAY = 11;
  private static final int BOOLEAN = 14;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  int size() {
    return out.size();
  }

  byte[] toByteArray() {
    return out.toByteArray();
  }

  /** Appends {@code value}; returns its offset in this section. */
  int write(Object value) {
    int offset = out.size();
    encode(value);
    return offset;
  }

  /** A 16-bit unsigned value, as the metadata's record_size and version fields require. */
  record U16(int value) {}

  /** A 64-bit unsigned value, as the metadata's build_epoch requires. */
  record U64(long value) {}

  private void encode(Object v) {
    if (v instanceof String s) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      control(STRING, b.length);
      out.write(b, 0, b.length);
    } else if (v instanceof Map<?, ?> m) {
      control(MAP, m.size());
      for (Map.Entry<?, ?> e : m.entrySet()) {
        encode((String) e.getKey());
        encode(e.getValue());
      }
    } else if (v instanceof List<?> l) {
      control(ARRAY, l.size());
      for (Object o : l) {
        encode(o);
      }
    } else if (v instanceof Double d) {
      control(DOUBLE, 8);
      long bits = Double.doubleToLongBits(d);
      for (int i = 7; i >= 0; i--) {
        out.write((int) (bits >>> (8 * i)));
      }
    } else if (v instanceof Boolean b) {
      control(BOOLEAN, b ? 1 : 0);
    } else if (v instanceof U16 u) {
      unsigned(UINT16, u.value());
    } else if (v instanceof U64 u) {
      unsigned(UINT64, u.value());
    } else if (v instanceof Integer i && i >= 0) {
      unsigned(UINT32, i);
    } else if (v instanceof Long l && l >= 0 && l <= 0xFFFFFFFFL) {
      unsigned(UINT32, l);
    } else {
      throw new IllegalArgumentException("cannot encode " + v + " in a MaxMind DB");
    }
  }

  private void unsigned(int type, long value) {
    int n = 0;
    for (long t = value; t != 0; t >>>= 8) {
      n++;
    }
    control(type, n);
    for (int i = n - 1; i >= 0; i--) {
      out.write((int) (value >>> (8 * i)));
    }
  }

  /** Type in the top 3 bits (0 plus an extra byte for types over 7), size in the low 5. */
  private void control(int type, int size) {
    int first = type <= 7 ? type << 5 : 0;
    if (type == POINTER) {
      throw new IllegalArgumentException("pointers are not written");
    }
    if (size < 29) {
      out.write(first | size);
      extended(type);
    } else if (size < 29 + 256) {
      out.write(first | 29);
      extended(type);
      out.write(size - 29);
    } else if (size < 285 + 65536) {
      out.write(first | 30);
      extended(type);
      int s = size - 285;
      out.write(s >>> 8);
      out.write(s);
    } else {
      out.write(first | 31);
      extended(type);
      int s = size - 65821;
      out.write(s >>> 16);
      out.write(s >>> 8);
      out.write(s);
    }
  }

  private void extended(int type) {
    if (type > 7) {
      out.write(type - 7);
    }
  }
}
