package dev.duplexrpc.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LazyMapTest {

  @Test
  void readsOfAMapNeverWrittenFindNothing() {
    LazyMap<String, Integer> m = new LazyMap<>();
    assertNull(m.get("a"));
    assertNull(m.remove("a"));
    assertFalse(m.remove("a", 1));
    assertEquals(0, m.size());
    assertTrue(m.values().isEmpty());
    assertTrue(m.entrySet().isEmpty());
  }

  @Test
  void behavesAsAMapOnceWritten() {
    LazyMap<String, Integer> m = new LazyMap<>();
    assertNull(m.put("a", 1));
    assertEquals(1, m.putIfAbsent("a", 2));
    assertEquals(3, m.computeIfAbsent("b", k -> 3));
    assertEquals(2, m.size());
    assertFalse(m.remove("a", 9));
    assertTrue(m.remove("a", 1));
    assertEquals(3, m.remove("b"));
    assertEquals(0, m.size());
  }

  /** Threads racing to make the map all write into one map: no write is lost. */
  @Test
  void concurrentFirstWritesShareOneMap() throws Exception {
    int threads = 8;
    int rounds = 200;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      for (int round = 0; round < rounds; round++) {
        LazyMap<Integer, Integer> m = new LazyMap<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          int key = t;
          done.add(pool.submit(() -> {
            start.await();
            m.put(key, key);
            return null;
          }));
        }
        start.countDown();
        for (Future<?> f : done) {
          f.get(10, TimeUnit.SECONDS);
        }
        assertEquals(threads, m.size(), "round " + round);
        for (int t = 0; t < threads; t++) {
          assertEquals(t, m.get(t));
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
