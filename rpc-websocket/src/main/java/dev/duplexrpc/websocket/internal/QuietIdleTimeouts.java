package dev.duplexrpc.websocket.internal;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The scheduler Tyrus sessions get from the library's containers (the embedded server's and the
 * client sessions'): the given one, minus the idle-timeout checks that cannot do anything.
 *
 * <p>Tyrus 2.2 re-arms a session's idle timeout on every message received and sent, also when the
 * session has no idle timeout (the default): it then schedules its idle-timeout command with a
 * delay of 0, which wakes a scheduler thread for every message only for the command to see that
 * there is no timeout and return. This wrapper drops exactly those: the command is Tyrus's
 * idle-timeout command and the delay is not positive (a delay of 0 means the timeout is off;
 * turning a timeout on re-arms it with its positive delay). Everything else goes to the delegate
 * unchanged. The benchmark (rpc-bench) showed the dropped wake-ups as about a tenth of the
 * server's CPU per call.
 */
public final class QuietIdleTimeouts implements ScheduledExecutorService {
  /** Tyrus's idle-timeout task; a test checks that Tyrus still has it under this name. */
  static final String IDLE_TIMEOUT_COMMAND = "org.glassfish.tyrus.core.TyrusSession$IdleTimeoutCommand";

  private final ScheduledExecutorService delegate;

  /**
   * Wraps a scheduler.
   *
   * @param delegate the scheduler every task but the dropped checks goes to
   */
  public QuietIdleTimeouts(ScheduledExecutorService delegate) {
    this.delegate = java.util.Objects.requireNonNull(delegate, "delegate == null");
  }

  /** Whether scheduling {@code command} after {@code delay} can only run a check that does nothing. */
  static boolean isNoOp(Runnable command, long delay) {
    return delay <= 0 && command.getClass().getName().equals(IDLE_TIMEOUT_COMMAND);
  }

  @Override
  public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
    if (isNoOp(command, delay)) {
      return Done.INSTANCE;
    }
    return delegate.schedule(command, delay, unit);
  }

  @Override
  public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
    return delegate.schedule(callable, delay, unit);
  }

  @Override
  public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
    return delegate.scheduleAtFixedRate(command, initialDelay, period, unit);
  }

  @Override
  public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
    return delegate.scheduleWithFixedDelay(command, initialDelay, delay, unit);
  }

  @Override
  public void shutdown() {
    delegate.shutdown();
  }

  @Override
  public List<Runnable> shutdownNow() {
    return delegate.shutdownNow();
  }

  @Override
  public boolean isShutdown() {
    return delegate.isShutdown();
  }

  @Override
  public boolean isTerminated() {
    return delegate.isTerminated();
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
    return delegate.awaitTermination(timeout, unit);
  }

  @Override
  public <T> Future<T> submit(Callable<T> task) {
    return delegate.submit(task);
  }

  @Override
  public <T> Future<T> submit(Runnable task, T result) {
    return delegate.submit(task, result);
  }

  @Override
  public Future<?> submit(Runnable task) {
    return delegate.submit(task);
  }

  @Override
  public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks) throws InterruptedException {
    return delegate.invokeAll(tasks);
  }

  @Override
  public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit)
      throws InterruptedException {
    return delegate.invokeAll(tasks, timeout, unit);
  }

  @Override
  public <T> T invokeAny(Collection<? extends Callable<T>> tasks) throws InterruptedException, ExecutionException {
    return delegate.invokeAny(tasks);
  }

  @Override
  public <T> T invokeAny(Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit)
      throws InterruptedException, ExecutionException, TimeoutException {
    return delegate.invokeAny(tasks, timeout, unit);
  }

  @Override
  public void execute(Runnable command) {
    delegate.execute(command);
  }

  /** The future of a dropped check: already done, nothing to cancel. */
  static final class Done implements ScheduledFuture<Object> {
    static final Done INSTANCE = new Done();

    @Override
    public long getDelay(TimeUnit unit) {
      return 0;
    }

    @Override
    public int compareTo(Delayed o) {
      return Long.compare(0, o.getDelay(TimeUnit.NANOSECONDS));
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      return false;
    }

    @Override
    public boolean isCancelled() {
      return false;
    }

    @Override
    public boolean isDone() {
      return true;
    }

    @Override
    public Object get() {
      return null;
    }

    @Override
    public Object get(long timeout, TimeUnit unit) {
      return null;
    }
  }
}
