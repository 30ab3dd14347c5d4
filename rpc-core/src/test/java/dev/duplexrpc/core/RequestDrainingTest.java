package dev.duplexrpc.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.duplexrpc.core.annotation.RpcMethod;
import dev.duplexrpc.core.annotation.RpcNotification;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * How a connection's requests reach the executor: through a queue that a few executor tasks
 * drain, never holding a request behind a slow handler, within the in-flight limit, with
 * notifications still one at a time in order. Exact text from a {@link RawEnd} to a real Peer.
 */
class RequestDrainingTest {
  private static final long TIMEOUT = RawEnd.TIMEOUT_SECONDS;

  /** The methods the tests call. */
  public interface Work {
    /**
     * Waits until the test releases it.
     *
     * @param token returned when released
     * @return the token
     */
    @RpcMethod
    String hold(String token);

    /**
     * Squares a number.
     *
     * @param n a number
     * @return {@code n * n}
     */
    @RpcMethod
    int square(int n);

    /**
     * Records a number.
     *
     * @param n the number
     */
    @RpcNotification
    void record(int n);
  }

  private static final class Handlers implements Work {
    final CountDownLatch held;
    final CountDownLatch release = new CountDownLatch(1);
    final AtomicBoolean holdReturned = new AtomicBoolean();
    final List<Integer> recorded = new ArrayList<>(); // guarded by itself
    final AtomicInteger recording = new AtomicInteger();
    final AtomicInteger overlaps = new AtomicInteger();
    final CountDownLatch recordedAll;

    Handlers(int holds, int records) {
      held = new CountDownLatch(holds);
      recordedAll = new CountDownLatch(records);
    }

    @Override
    public String hold(String token) {
      held.countDown();
      try {
        if (!release.await(TIMEOUT, TimeUnit.SECONDS)) {
          throw new IllegalStateException("hold was never released");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
      holdReturned.set(true);
      return token;
    }

    @Override
    public int square(int n) {
      return n * n;
    }

    @Override
    public void record(int n) {
      if (recording.incrementAndGet() > 1) {
        overlaps.incrementAndGet();
      }
      synchronized (recorded) {
        recorded.add(n);
      }
      recording.decrementAndGet();
      recordedAll.countDown();
    }
  }

  /**
   * Counts the tasks it is given and runs them on {@code pool}; the first waits for {@link #open}
   * first, so that a test can queue several messages before any handler starts.
   */
  private static final class CountingExecutor implements Executor {
    final ExecutorService pool;
    final AtomicInteger tasks = new AtomicInteger();
    final Semaphore submitted = new Semaphore(0);
    final CountDownLatch open = new CountDownLatch(1);

    CountingExecutor(ExecutorService pool) {
      this.pool = pool;
    }

    @Override
    public void execute(Runnable task) {
      boolean first = tasks.incrementAndGet() == 1;
      submitted.release();
      pool.execute(first ? () -> {
        try {
          open.await(TIMEOUT, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        task.run();
      } : task);
    }

    /** Waits until {@code n} tasks have been given in all. */
    void awaitSubmitted(int n) throws InterruptedException {
      assertTrue(submitted.tryAcquire(n, TIMEOUT, TimeUnit.SECONDS), "tasks submitted: " + tasks);
      submitted.release(n);
    }
  }

  private final List<ExecutorService> pools = new ArrayList<>();
  private RawEnd raw;

  @AfterEach
  void close() {
    if (raw != null) {
      raw.close();
    }
    pools.forEach(ExecutorService::shutdownNow);
  }

  private ExecutorService pool(ExecutorService p) {
    pools.add(p);
    return p;
  }

  private static String request(int id, String method, String params) {
    return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"" + method + "\",\"params\":" + params + "}";
  }

  private static String notification(String method, String params) {
    return "{\"jsonrpc\":\"2.0\",\"method\":\"" + method + "\",\"params\":" + params + "}";
  }

  private static String result(int id, String json) {
    return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":" + json + "}";
  }

  @Test
  void slowHandlerDoesNotDelayALaterRequest() throws Exception {
    Handlers h = new Handlers(1, 0);
    raw = RawEnd.connect(Peer.builder().service(h));
    raw.send(request(1, "hold", "[\"a\"]"));
    assertTrue(h.held.await(TIMEOUT, TimeUnit.SECONDS));
    raw.send(request(2, "square", "[7]"));
    assertEquals(result(2, "49"), raw.nextFrame());
    assertFalse(h.holdReturned.get(), "answered while the slow handler still runs");
    h.release.countDown();
    assertEquals(result(1, "\"a\""), raw.nextFrame());
  }

  /** The request queued before the slow handler started gets a drainer of its own. */
  @Test
  void requestQueuedBehindASlowHandlerStillRuns() throws Exception {
    Handlers h = new Handlers(1, 1);
    CountingExecutor executor = new CountingExecutor(pool(Executors.newCachedThreadPool()));
    raw = RawEnd.connect(Peer.builder().service(h).config(PeerConfig.builder().executor(executor).build()));
    raw.send(request(1, "hold", "[\"a\"]"));
    raw.send(request(2, "square", "[7]"));
    raw.send(notification("record", "[1]"));
    executor.awaitSubmitted(2); // the first drainer (waiting) and the notification: all routed
    executor.open.countDown();
    assertEquals(result(2, "49"), raw.nextFrame());
    assertFalse(h.holdReturned.get(), "answered while the slow handler still runs");
    h.release.countDown();
    assertEquals(result(1, "\"a\""), raw.nextFrame());
  }

  @Test
  void burstOfFastRequestsTakesFewExecutorTasks() throws Exception {
    int n = 200;
    Handlers h = new Handlers(0, 1);
    CountingExecutor executor = new CountingExecutor(pool(Executors.newSingleThreadExecutor()));
    raw = RawEnd.connect(Peer.builder().service(h).config(PeerConfig.builder().executor(executor).build()));
    StringBuilder batch = new StringBuilder("[");
    for (int i = 0; i < n; i++) {
      batch.append(request(i, "square", "[" + i + "]")).append(',');
    }
    batch.append(notification("record", "[0]")).append(']');
    raw.send(batch.toString());
    executor.awaitSubmitted(2); // the first drainer (waiting) and the notification: all routed
    executor.open.countDown();
    JsonArray replies = raw.nextJson().getAsJsonArray();
    assertEquals(n, replies.size());
    Set<Integer> ids = new HashSet<>();
    for (JsonElement e : replies) {
      JsonObject reply = e.getAsJsonObject();
      int id = reply.get("id").getAsInt();
      assertEquals(id * id, reply.get("result").getAsInt(), reply.toString());
      ids.add(id);
    }
    assertEquals(n, ids.size());
    assertTrue(h.recordedAll.await(TIMEOUT, TimeUnit.SECONDS));
    assertTrue(executor.tasks.get() <= n / 20, "executor tasks for " + n + " requests: " + executor.tasks);
  }

  /** An executor that runs a task on the submitting thread when its one thread is busy. */
  @Test
  void callerRunsExecutorServesABurstWithoutNestingDrainers() throws Exception {
    int n = 1000;
    Handlers h = new Handlers(0, 0);
    ExecutorService callerRuns = pool(new ThreadPoolExecutor(1, 1, 1, TimeUnit.MINUTES,
        new SynchronousQueue<>(), new ThreadPoolExecutor.CallerRunsPolicy()));
    raw = RawEnd.connect(Peer.builder().service(h).config(PeerConfig.builder().executor(callerRuns).build()));
    StringBuilder batch = new StringBuilder("[");
    for (int i = 0; i < n; i++) {
      batch.append(i == 0 ? "" : ",").append(request(i, "square", "[" + i + "]"));
    }
    raw.send(batch.append(']').toString());
    JsonArray replies = raw.nextJson().getAsJsonArray();
    assertEquals(n, replies.size());
    for (JsonElement e : replies) {
      int id = e.getAsJsonObject().get("id").getAsInt();
      assertEquals(id * id, e.getAsJsonObject().get("result").getAsInt(), e.toString());
    }
  }

  @Test
  void inFlightLimitStillHoldsExactly() throws Exception {
    Handlers h = new Handlers(3, 0);
    raw = RawEnd.connect(Peer.builder().service(h).config(PeerConfig.builder().maxInFlight(3).build()));
    for (int i = 1; i <= 3; i++) {
      raw.send(request(i, "hold", "[\"t" + i + "\"]"));
    }
    assertTrue(h.held.await(TIMEOUT, TimeUnit.SECONDS), "all three run at once");
    raw.send(request(4, "square", "[2]"));
    JsonObject refused = raw.nextJson().getAsJsonObject();
    assertEquals(4, refused.get("id").getAsInt(), refused.toString());
    assertEquals(ErrorCodes.OVERLOADED, refused.getAsJsonObject("error").get("code").getAsInt());
    h.release.countDown();
    Set<String> answers = new HashSet<>();
    for (int i = 0; i < 3; i++) {
      answers.add(raw.nextFrame());
    }
    assertEquals(Set.of(result(1, "\"t1\""), result(2, "\"t2\""), result(3, "\"t3\"")), answers);
    raw.send(request(5, "square", "[5]"));
    assertEquals(result(5, "25"), raw.nextFrame());
  }

  @Test
  void notificationsStillRunOneAtATimeInOrderBetweenRequests() throws Exception {
    int n = 300;
    Handlers h = new Handlers(0, n);
    raw = RawEnd.connect(Peer.builder().service(h));
    for (int i = 0; i < n; i++) {
      raw.send(notification("record", "[" + i + "]"));
      if (i % 10 == 0) {
        raw.send(request(i, "square", "[" + i + "]"));
      }
    }
    assertTrue(h.recordedAll.await(TIMEOUT, TimeUnit.SECONDS));
    Set<String> answers = new HashSet<>();
    Set<String> expected = new HashSet<>();
    for (int i = 0; i < n; i += 10) {
      answers.add(raw.nextFrame());
      expected.add(result(i, String.valueOf(i * i)));
    }
    assertEquals(expected, answers);
    assertEquals(0, h.overlaps.get(), "notifications overlapped");
    List<Integer> inOrder = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      inOrder.add(i);
    }
    synchronized (h.recorded) {
      assertEquals(inOrder, h.recorded);
    }
  }
}
