package dev.duplexrpc.core.internal.call;

import dev.duplexrpc.core.ErrorCodes;
import dev.duplexrpc.core.RpcException;
import dev.duplexrpc.core.internal.DirectMode;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The future of one outgoing call: cancelling it takes the call out of the call table and tells
 * the other end ({@code rpc.cancel}); stages derived from it cancel only themselves.
 */
public final class CallFuture<T> extends CompletableFuture<T> {
  volatile PendingCall call;

  @Override
  public boolean cancel(boolean mayInterruptIfRunning) {
    boolean cancelled = super.cancel(mayInterruptIfRunning);
    PendingCall c = call;
    if (cancelled && c != null) {
      c.cancelled();
    }
    return cancelled;
  }

  /** As {@link CompletableFuture#get()}; in a direct-mode handler, fails at once if not done. */
  @Override
  public T get() throws InterruptedException, ExecutionException {
    checkMayBlock();
    return super.get();
  }

  /** As {@link CompletableFuture#get(long, TimeUnit)}; fails at once in a direct-mode handler. */
  @Override
  public T get(long timeout, TimeUnit unit)
      throws InterruptedException, ExecutionException, TimeoutException {
    checkMayBlock();
    return super.get(timeout, unit);
  }

  /** As {@link CompletableFuture#join()}; in a direct-mode handler, fails at once if not done. */
  @Override
  public T join() {
    checkMayBlock();
    return super.join();
  }

  private void checkMayBlock() {
    if (!isDone()) {
      PendingCall c = call;
      DirectMode.checkMayBlock(c == null ? "?" : c.method);
    }
  }

  @Override
  public <U> CompletableFuture<U> newIncompleteFuture() {
    return new CompletableFuture<>(); // dependents cancel only themselves
  }

  /**
   * Waits for a blocking call's outcome on the caller's thread, converting the response there,
   * and throws its failure as it is (an interrupt cancels the call).
   */
  public static Object await(String method, CompletableFuture<Object> f) {
    if (!f.isDone()) {
      DirectMode.checkMayBlock(method);
    }
    try {
      Object v = f.get();
      return v instanceof ResponseDecoder.Undecoded u ? u.decode() : v;
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof RuntimeException r) {
        throw r;
      }
      if (c instanceof Error err) {
        throw err;
      }
      throw new RpcException(ErrorCodes.INTERNAL_ERROR, String.valueOf(c), null, c);
    } catch (InterruptedException e) {
      f.cancel(false);
      Thread.currentThread().interrupt();
      throw new RpcException(ErrorCodes.CANCELLED, "Interrupted while waiting for '" + method + "'",
          null, e);
    } catch (CancellationException e) {
      throw new RpcException(ErrorCodes.CANCELLED, "Call to '" + method + "' was cancelled", null, e);
    }
  }
}
