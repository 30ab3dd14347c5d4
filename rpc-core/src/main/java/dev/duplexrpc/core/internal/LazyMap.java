package dev.duplexrpc.core.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A {@link ConcurrentHashMap} made on the first write: a connection's tables (its pending calls,
 * running requests, streams, proxies) are empty for most of an idle connection's life, and an
 * empty {@code ConcurrentHashMap} still costs 64 bytes. Reads of a map never written find nothing
 * without making it. Thread-safe: the map is published once, by compare-and-set, and every
 * operation then goes to that one map.
 *
 * @param <K> the keys
 * @param <V> the values
 */
public final class LazyMap<K, V> {
  private static final VarHandle MAP;

  static {
    try {
      MAP = MethodHandles.lookup().findVarHandle(LazyMap.class, "map", ConcurrentHashMap.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private volatile ConcurrentHashMap<K, V> map; // null until the first write

  /** An empty map, made on its first write. */
  public LazyMap() {}

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

  /** {@link Map#get}: null for a key not there. */
  public V get(Object key) {
    ConcurrentHashMap<K, V> m = map;
    return m == null ? null : m.get(key);
  }

  /** {@link Map#put}. */
  public V put(K key, V value) {
    return map().put(key, value);
  }

  /** {@link Map#putIfAbsent}. */
  public V putIfAbsent(K key, V value) {
    return map().putIfAbsent(key, value);
  }

  /** {@link Map#computeIfAbsent}. */
  public V computeIfAbsent(K key, Function<? super K, ? extends V> make) {
    return map().computeIfAbsent(key, make);
  }

  /** {@link Map#remove(Object)}. */
  public V remove(Object key) {
    ConcurrentHashMap<K, V> m = map;
    return m == null ? null : m.remove(key);
  }

  /** {@link Map#remove(Object, Object)}. */
  public boolean remove(Object key, Object value) {
    ConcurrentHashMap<K, V> m = map;
    return m != null && m.remove(key, value);
  }

  /** {@link Map#size}. */
  public int size() {
    ConcurrentHashMap<K, V> m = map;
    return m == null ? 0 : m.size();
  }

  /** The values, a live view as {@link ConcurrentHashMap#values()} is (empty if never written). */
  public Collection<V> values() {
    ConcurrentHashMap<K, V> m = map;
    return m == null ? List.of() : m.values();
  }

  /** The entries, a live view as {@link ConcurrentHashMap#entrySet()} is (empty if never written). */
  public Set<Map.Entry<K, V>> entrySet() {
    ConcurrentHashMap<K, V> m = map;
    return m == null ? Set.of() : m.entrySet();
  }
}
