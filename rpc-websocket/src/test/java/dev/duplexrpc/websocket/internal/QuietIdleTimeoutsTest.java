package dev.duplexrpc.websocket.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Constructor;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class QuietIdleTimeoutsTest {
  private final ScheduledExecutorService tyrus = Executors.newSingleThreadScheduledExecutor();
  private final QuietIdleTimeouts quiet = new QuietIdleTimeouts(tyrus);

  @AfterEach
  void stop() {
    tyrus.shutdownNow();
  }

  /** An instance of Tyrus's idle-timeout command (the session is not needed to recognise it). */
  private static Runnable idleTimeoutCommand() throws Exception {
    Class<?> c = Class.forName(QuietIdleTimeouts.IDLE_TIMEOUT_COMMAND);
    Constructor<?> k = c.getDeclaredConstructors()[0];
    k.setAccessible(true);
    return (Runnable) k.newInstance(new Object[k.getParameterCount()]);
  }

  @Test
  void tyrusStillHasItsIdleTimeoutCommandUnderTheNameWeRecognise() throws Exception {
    Class<?> c = Class.forName(QuietIdleTimeouts.IDLE_TIMEOUT_COMMAND);
    assertTrue(Runnable.class.isAssignableFrom(c));
  }

  @Test
  void zeroDelayIdleTimeoutChecksAreDroppedWithoutRunning() throws Exception {
    Runnable command = idleTimeoutCommand();
    assertTrue(QuietIdleTimeouts.isNoOp(command, 0));
    ScheduledFuture<?> f = quiet.schedule(command, 0, TimeUnit.MILLISECONDS);
    assertTrue(f.isDone());
    assertFalse(f.cancel(true));
  }

  @Test
  void realIdleTimeoutsAndOtherTasksStillGoToTyrusScheduler() throws Exception {
    assertFalse(QuietIdleTimeouts.isNoOp(idleTimeoutCommand(), 30_000));
    CountDownLatch ran = new CountDownLatch(2);
    Runnable task = ran::countDown;
    assertFalse(QuietIdleTimeouts.isNoOp(task, 0));
    quiet.schedule(task, 0, TimeUnit.MILLISECONDS);
    quiet.schedule(task, 1, TimeUnit.MILLISECONDS);
    assertTrue(ran.await(10, TimeUnit.SECONDS));
    ScheduledFuture<?> later = quiet.schedule(task, 1, TimeUnit.HOURS);
    assertFalse(later.isDone());
    assertTrue(later.cancel(false));
  }
}
