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
        names[n] = k;
        values[n] = pack(list);
        n++;
      }
    }
    return new HeaderMap(Arrays.copyOf(names, n), Arrays.copyOf(values, n));
  }

  private static Object pack(List<String> values) {
    return values.size() == 1 ? values.get(0) : List.copyOf(values);
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
