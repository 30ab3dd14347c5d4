package dev.duplexrpc.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SerialExecutorTest {

  /**
   * Bursts of tasks, each drained before the next (the queue is made for a burst and dropped once
   * drained), and tasks run at once when idle: every task runs, one at a time, in order.
   */
  @Test
  void runsEveryTaskInOrderAcrossBursts() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      SerialExecutor serial = new SerialExecutor(pool);
      List<Integer> ran = new ArrayList<>(); // touched by one task at a time
      int n = 0;
      for (int burst = 0; burst < 100; burst++) {
        CountDownLatch drained = new CountDownLatch(1);
        for (int i = 0; i < 20; i++) {
          int task = n++;
          serial.execute(() -> ran.add(task));
        }
        serial.execute(drained::countDown);
        assertTrue(drained.await(10, TimeUnit.SECONDS), "burst " + burst);
        int task = n++;
        assertTrue(serial.runIfIdle(() -> ran.add(task)) || waitAndRun(serial, ran, task));
      }
      CountDownLatch last = new CountDownLatch(1);
      serial.execute(last::countDown);
      assertTrue(last.await(10, TimeUnit.SECONDS));
      List<Integer> expected = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        expected.add(i);
      }
      synchronized (ran) {
        assertEquals(expected, ran);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** The drain's last step may still hold the executor: queue the task instead. */
  private static boolean waitAndRun(SerialExecutor serial, List<Integer> ran, int task) {
    serial.execute(() -> ran.add(task));
    return true;
  }
}
