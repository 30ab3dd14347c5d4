package dev.duplexrpc.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LazyConcurrentMapTest {

  @Test
  void anUnwrittenMapIsEmptyAndRefusesNullsAsConcurrentHashMapDoes() {
    ConcurrentMap<String, Integer> m = new LazyConcurrentMap<>();
    assertTrue(m.isEmpty());
    assertNull(m.get("a"));
    assertEquals(7, m.getOrDefault("a", 7));
    assertNull(m.remove("a"));
    assertFalse(m.remove("a", 1));
    assertEquals(Map.of(), m);
    assertEquals("{}", m.toString());
    assertThrows(NullPointerException.class, () -> m.get(null));
    assertThrows(NullPointerException.class, () -> m.remove(null));
    assertThrows(NullPointerException.class, () -> m.put("a", null));
  }

  @Test
  void behavesAsAConcurrentHashMapOnceWritten() {
    ConcurrentMap<String, Integer> m = new LazyConcurrentMap<>();
    ConcurrentMap<String, Integer> expected = new ConcurrentHashMap<>();
    for (ConcurrentMap<String, Integer> map : List.of(m, expected)) {
      map.put("a", 1);
      map.putIfAbsent("a", 2);
      map.merge("b", 5, Integer::sum);
      map.merge("b", 5, Integer::sum);
      map.compute("c", (k, v) -> v == null ? 3 : v + 1);
      map.replace("a", 1, 11);
      map.keySet().remove("c");
    }
    assertEquals(expected, m);
    assertEquals(expected.hashCode(), m.hashCode());
    m.values().removeIf(v -> v == 10);
    assertEquals(Map.of("a", 11), m);
    m.clear();
    assertTrue(m.isEmpty());
  }

  /** Threads racing to make the map all write into one map: no write is lost. */
  @Test
  void concurrentFirstWritesShareOneMap() throws Exception {
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      for (int round = 0; round < 200; round++) {
        ConcurrentMap<Integer, Integer> m = new LazyConcurrentMap<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          int key = t;
          done.add(pool.submit(() -> {
            start.await();
            m.putIfAbsent(key, key);
            return null;
          }));
        }
        start.countDown();
        for (Future<?> f : done) {
          f.get(10, TimeUnit.SECONDS);
        }
        assertEquals(threads, m.size(), "round " + round);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
