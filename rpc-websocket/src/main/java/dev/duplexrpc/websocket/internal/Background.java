package dev.duplexrpc.websocket.internal;

import dev.duplexrpc.core.internal.Defaults;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads the WebSocket bindings use for their own work, shared by every connection in the
 * process and created lazily, all daemon threads: the core's one timer thread ({@link
 * Defaults#timer()}), which only starts short tasks (call timeouts, heartbeat pings and deadlines,
 * reconnect delays, Tyrus's session timers), and an executor for work that may block (connecting,
 * reconnect hooks, listener callbacks): virtual threads on Java 21 and later, otherwise a cached
 * pool whose idle threads end after a minute.
 */
public final class Background {
  private Background() {}

  private static final class Work {
    static final ExecutorService INSTANCE = create();

    private static ExecutorService create() {
      try {
        return (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
      } catch (ReflectiveOperationException | RuntimeException e) {
        AtomicInteger ids = new AtomicInteger();
        return new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
          Thread t = new Thread(r, "duplex-rpc-background-" + ids.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
      }
    }
  }

  /**
   * The process-wide scheduler, the core's timer; tasks run on it must be short and never block.
   * Never shut it down.
   */
  public static ScheduledThreadPoolExecutor scheduler() {
    return Defaults.timer();
  }

  /** The shared executor for work that may block. */
  public static ExecutorService executor() {
    return Work.INSTANCE;
  }
}
