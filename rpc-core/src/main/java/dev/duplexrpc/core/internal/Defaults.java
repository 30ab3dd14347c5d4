package dev.duplexrpc.core.internal;

import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Process-wide defaults: the handler executor and the timer. Both are created lazily and use daemon
 * threads; the executor is shared by every Peer that was not given its own, the timer by the whole
 * library.
 */
public final class Defaults {
  private Defaults() {}

  /** The largest number of threads the fallback pool grows to while handlers block. */
  public static final int FALLBACK_MAX_THREADS = 256;

  private static final class DefaultExecutor {
    static final Executor INSTANCE = create();
    static final boolean VIRTUAL = !(INSTANCE instanceof ForkJoinPool);
  }

  private static final class Timer {
    static final ScheduledThreadPoolExecutor INSTANCE = createTimer();
  }

  /**
   * Virtual threads (one per task) on Java 21 and later; on Java 17, a shared {@link ForkJoinPool}
   * whose parallelism is {@code max(8, 4 × cores)} and which adds threads, up to {@value
   * #FALLBACK_MAX_THREADS}, while handlers wait on calls (so nested call-backs do not deadlock).
   */
  public static Executor defaultExecutor() {
    return DefaultExecutor.INSTANCE;
  }

  /** Whether the default executor uses virtual threads. */
  public static boolean defaultExecutorIsVirtual() {
    return DefaultExecutor.VIRTUAL;
  }

  /** Runs a task on an executor, or here if the executor rejects it (it is shutting down). */
  public static void execute(Executor executor, Runnable task) {
    try {
      executor.execute(task);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      task.run();
    }
  }

  /**
   * The process-wide timer, one daemon thread named {@code duplex-rpc-timer}: call timeouts here,
   * and in the WebSocket layer heartbeats, reconnect delays and Tyrus's client session timers.
   * Tasks on it must be short and never block; nobody shuts it down.
   */
  public static ScheduledThreadPoolExecutor timer() {
    return Timer.INSTANCE;
  }

  private static Executor create() {
    try {
      Object e = Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
      return (ExecutorService) e;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return boundedPool(Math.max(8, 4 * Runtime.getRuntime().availableProcessors()));
    }
  }

  /**
   * A bounded {@link ForkJoinPool} of daemon threads. A handler that blocks in {@code
   * CompletableFuture.get()} or {@code join()} lets the pool add a compensating thread, up to
   * {@value #FALLBACK_MAX_THREADS}.
   */
  public static ForkJoinPool boundedPool(int parallelism) {
    AtomicInteger ids = new AtomicInteger();
    return new ForkJoinPool(
        parallelism,
        pool -> {
          ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
          t.setName("duplex-rpc-worker-" + ids.incrementAndGet());
          t.setDaemon(true);
          return t;
        },
        null,
        true,
        0,
        FALLBACK_MAX_THREADS,
        1,
        pool -> true,
        60,
        TimeUnit.SECONDS);
  }

  private static ScheduledThreadPoolExecutor createTimer() {
    ScheduledThreadPoolExecutor t =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread th = new Thread(r, "duplex-rpc-timer");
              th.setDaemon(true);
              return th;
            });
    t.setRemoveOnCancelPolicy(true);
    return t;
  }
}
