package dev.duplexrpc.server.internal;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * A handshake's request headers, kept for the life of the connection in two arrays: the names,
 * sorted case-insensitively, and the values (a {@code String} for a header sent once, the most
 * common case, or an unmodifiable list). Every connection keeps its handshake, and a {@code
 * TreeMap} of single-valued lists costs about 460 bytes for a browser's usual half-dozen headers,
 * this about 110. Unmodifiable; names are looked up case-insensitively.
 */
final class HeaderMap extends AbstractMap<String, List<String>> {
  /**
   * The names and values most handshakes carry, so that every connection shares one copy of each
   * instead of keeping the strings its request was parsed into (a fixed list: interning whatever
   * a client sends would let clients grow the table).
   */
  private static final Map<String, String> COMMON = common(
      "Host", "Upgrade", "Connection", "Origin", "User-Agent", "Accept-Encoding", "Accept-Language",
      "Cache-Control", "Pragma", "Cookie", "Authorization", "Sec-WebSocket-Key",
      "Sec-WebSocket-Version", "Sec-WebSocket-Extensions", "Sec-WebSocket-Protocol",
      "X-Forwarded-For", "X-Forwarded-Proto", "X-Real-IP",
      "websocket", "Upgrade", "upgrade", "keep-alive, Upgrade", "13", "no-cache", "gzip, deflate",
      "gzip, deflate, br", "gzip, deflate, br, zstd",
      "permessage-deflate; client_max_window_bits", "permessage-deflate");

  private final String[] names; // sorted by String.CASE_INSENSITIVE_ORDER, no two equal
  private final Object[] values; // String, or an unmodifiable List<String> of 0 or 2+ values

  private HeaderMap(String[] names, Object[] values) {
    this.names = names;
    this.values = values;
  }

  /**
   * Copies headers; names that differ only in case are merged, their values in the order met.
   *
   * @param in the headers as the container gave them; null names are skipped, null lists are empty
   * @return the copy
   */
  static Map<String, List<String>> copyOf(Map<String, List<String>> in) {
    if (in == null || in.isEmpty()) {
      return Map.of();
    }
    List<String> keys = new ArrayList<>(in.size());
    for (String k : in.keySet()) {
      if (k != null) {
        keys.add(k);
      }
    }
    keys.sort(String.CASE_INSENSITIVE_ORDER);
    String[] names = new String[keys.size()];
    Object[] values = new Object[keys.size()];
    int n = 0;
    for (String k : keys) {
      List<String> v = in.get(k);
      List<String> list = v == null ? List.of() : List.copyOf(v);
      if (n > 0 && names[n - 1].equalsIgnoreCase(k)) { // the same name in another case: merged
        List<String> both = new ArrayList<>(unpack(values[n - 1]));
        both.addAll(list);
        values[n - 1] = pack(both);
      } else {
        names[n] = shared(k);
        values[n] = pack(list);
        n++;
      }
    }
    return new HeaderMap(Arrays.copyOf(names, n), Arrays.copyOf(values, n));
  }

  private static Map<String, String> common(String... strings) {
    Map<String, String> m = new java.util.HashMap<>();
    for (String c : strings) {
      m.put(c, c);
      m.put(c.toLowerCase(java.util.Locale.ROOT), c.toLowerCase(java.util.Locale.ROOT));
    }
    return Map.copyOf(m);
  }

  /** The shared copy of a common name or value (same case), else the string itself. */
  private static String shared(String s) {
    return COMMON.getOrDefault(s, s);
  }

  private static Object pack(List<String> values) {
    if (values.size() == 1) {
      return shared(values.get(0));
    }
    List<String> shared = new ArrayList<>(values.size());
    for (String v : values) {
      shared.add(v == null ? null : shared(v));
    }
    return List.copyOf(shared);
  }

  @SuppressWarnings("unchecked")
  private static List<String> unpack(Object value) {
    return value instanceof String ? List.of((String) value) : (List<String>) value;
  }

  private int indexOf(Object name) {
    if (!(name instanceof String)) {
      return -1;
    }
    int i = Arrays.binarySearch(names, (String) name, String.CASE_INSENSITIVE_ORDER);
    return i < 0 ? -1 : i;
  }

  @Override
  public List<String> get(Object name) {
    int i = indexOf(name);
    return i < 0 ? null : unpack(values[i]);
  }

  @Override
  public boolean containsKey(Object name) {
    return indexOf(name) >= 0;
  }

  @Override
  public int size() {
    return names.length;
  }

  @Override
  public Set<Map.Entry<String, List<String>>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public Iterator<Map.Entry<String, List<String>>> iterator() {
        return new Iterator<>() {
          private int next;

          @Override
          public boolean hasNext() {
            return next < names.length;
          }

          @Override
          public Map.Entry<String, List<String>> next() {
            if (next >= names.length) {
              throw new NoSuchElementException();
            }
            int i = next++;
            return new SimpleImmutableEntry<>(names[i], unpack(values[i]));
          }
        };
      }

      @Override
      public int size() {
        return names.length;
      }
    };
  }
}
