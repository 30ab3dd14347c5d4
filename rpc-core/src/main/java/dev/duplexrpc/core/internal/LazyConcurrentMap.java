package dev.duplexrpc.core.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.AbstractMap;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * A {@link ConcurrentMap} whose {@link ConcurrentHashMap} is made on the first write: the
 * attribute maps the API hands out per connection stay empty on most connections, and an empty
 * {@code ConcurrentHashMap} still costs 64 bytes. Reads of a map never written find nothing
 * without making it; the views ({@link #keySet()}, {@link #values()}, {@link #entrySet()}) make
 * it, so that they are live. Thread-safe as {@code ConcurrentHashMap} is: the map is published
 * once, by compare-and-set, and every operation then goes to that one map.
 *
 * @param <K> the keys
 * @param <V> the values
 */
public final class LazyConcurrentMap<K, V> extends AbstractMap<K, V> implements ConcurrentMap<K, V> {
  private static final VarHandle MAP;

  static {
    try {
      MAP = MethodHandles.lookup().findVarHandle(LazyConcurrentMap.class, "map", ConcurrentHashMap.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private volatile ConcurrentHashMap<K, V> map; // null until the first write

  /** An empty map, made on its first write. */
  public LazyConcurrentMap() {}

  /** The map, made now if it was not. */
  private ConcurrentHashMap<K, V> map() {
    ConcurrentHashMap<K, V> m = map;
    if (m == null) {
      m = new ConcurrentHashMap<>();
      if (!MAP.compareAndSet(this, null, m)) {
        m = map; // another thread made it first
      }
    }
    return m;
  }

  /** The map if made, else an empty one: for reads. */
  private Map<K, V> read() {
    ConcurrentHashMap<K, V> m = map;
    return m == null ? Map.of() : m;
  }

  @Override
  public int size() {
    return read().size();
  }

  @Override
  public boolean isEmpty() {
    return read().isEmpty();
  }

  @Override
  public boolean containsKey(Object key) {
    return read().containsKey(key); // null: NullPointerException, as ConcurrentHashMap
  }

  @Override
  public boolean containsValue(Object value) {
    return read().containsValue(value);
  }

  @Override
  public V get(Object key) {
    return read().get(key);
  }

  @Override
  public V getOrDefault(Object key, V defaultValue) {
    V v = get(key);
    return v == null ? defaultValue : v;
  }

  @Override
  public V put(K key, V value) {
    return map().put(key, value);
  }

  @Override
  public void putAll(Map<? extends K, ? extends V> m) {
    map().putAll(m);
  }

  @Override
  public V remove(Object key) {
    ConcurrentHashMap<K, V> m = map;
    if (m == null) {
      Objects.requireNonNull(key, "key == null"); // as ConcurrentHashMap
      return null;
    }
    return m.remove(key);
  }

  @Override
  public void clear() {
    ConcurrentHashMap<K, V> m = map;
    if (m != null) {
      m.clear();
    }
  }

  @Override
  public Set<K> keySet() {
    return map().keySet();
  }

  @Override
  public Collection<V> values() {
    return map().values();
  }

  @Override
  public Set<Map.Entry<K, V>> entrySet() {
    return map().entrySet();
  }

  @Override
  public void forEach(BiConsumer<? super K, ? super V> action) {
    read().forEach(action);
  }

  @Override
  public V putIfAbsent(K key, V value) {
    return map().putIfAbsent(key, value);
  }

  @Override
  public boolean remove(Object key, Object value) {
    ConcurrentHashMap<K, V> m = map;
    if (m == null) {
      Objects.requireNonNull(key, "key == null"); // as ConcurrentHashMap
      return false;
    }
    return m.remove(key, value);
  }

  @Override
  public boolean replace(K key, V oldValue, V newValue) {
    return map().replace(key, oldValue, newValue);
  }

  @Override
  public V replace(K key, V value) {
    return map().replace(key, value);
  }

  @Override
  public void replaceAll(BiFunction<? super K, ? super V, ? extends V> function) {
    map().replaceAll(function);
  }

  @Override
  public V computeIfAbsent(K key, Function<? super K, ? extends V> mappingFunction) {
    return map().computeIfAbsent(key, mappingFunction);
  }

  @Override
  public V computeIfPresent(K key, BiFunction<? super K, ? super V, ? extends V> remappingFunction) {
    return map().computeIfPresent(key, remappingFunction);
  }

  @Override
  public V compute(K key, BiFunction<? super K, ? super V, ? extends V> remappingFunction) {
    return map().compute(key, remappingFunction);
  }

  @Override
  public V merge(K key, V value, BiFunction<? super V, ? super V, ? extends V> remappingFunction) {
    return map().merge(key, value, remappingFunction);
  }

  @Override
  public boolean equals(Object o) {
    return o == this || read().equals(o);
  }

  @Override
  public int hashCode() {
    return read().hashCode();
  }

  @Override
  public String toString() {
    return read().toString();
  }
}
