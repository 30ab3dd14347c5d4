package dev.duplexrpc.core;

import java.util.concurrent.CancellationException;

/**
 * How one call ended, as an {@link RpcInterceptor.Listener} is told: its {@link Kind kind}, the
 * result or the error, and the time it took.
 *
 * <pre>{@code
 * RpcInterceptor metrics = call -> outcome -> {
 *   if (outcome.kind() == RpcOutcome.Kind.ERROR) {
 *     errors.increment(call.method(), outcome.errorCode());
 *   }
 *   latency.record(call.method(), outcome.nanos());
 * };
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @since 0.1
 */
public final class RpcOutcome {
  /**
   * The kinds of outcome.
   *
   * @since 0.1
   */
  public enum Kind {
    /**
     * The call succeeded: the handler returned (incoming), the result came (outgoing), or a
     * notification ran or was handed to the transport.
     */
    RESULT,
    /**
     * An error: the handler threw or failed its future, the other end answered with an error,
     * the result did not convert, or an interceptor refused the call.
     */
    ERROR,
    /** An outgoing call got no response within its timeout. */
    TIMEOUT,
    /** The call was cancelled: by the caller's {@code rpc.cancel} (incoming) or its future. */
    CANCELLED,
    /** The connection closed (or a send failed) before the call had its outcome. */
    CLOSED
  }

  private final Kind kind;
  private final Object result;
  private final Throwable error;
  private final long nanos;

  private RpcOutcome(Kind kind, Object result, Throwable error, long nanos) {
    this.kind = kind;
    this.result = result;
    this.error = error;
    this.nanos = nanos;
  }

  static RpcOutcome result(Object value, long nanos) {
    return new RpcOutcome(Kind.RESULT, value, null, nanos);
  }

  static RpcOutcome failure(Throwable error, long nanos) {
    Kind kind = error instanceof RpcTimeoutException ? Kind.TIMEOUT
        : error instanceof ConnectionClosedException ? Kind.CLOSED
        : error instanceof CancellationException ? Kind.CANCELLED
        : error instanceof RpcException r && r.code() == ErrorCodes.CANCELLED ? Kind.CANCELLED
        : Kind.ERROR;
    return new RpcOutcome(kind, null, error, nanos);
  }

  /**
   * What happened.
   *
   * @return the kind
   */
  public Kind kind() {
    return kind;
  }

  /**
   * The result: the value the handler returned (incoming) or the converted result (outgoing);
   * null for a notification and for any kind but {@link Kind#RESULT}.
   *
   * @return the result, or null
   */
  public Object result() {
    return result;
  }

  /**
   * The failure, for any kind but {@link Kind#RESULT}: an {@link RpcException} (a {@link
   * RpcTimeoutException}, a {@link ConnectionClosedException}), a {@link CancellationException},
   * or what a handler threw.
   *
   * @return the failure, or null for a result
   */
  public Throwable error() {
    return error;
  }

  /**
   * The JSON-RPC error code of the failure: an {@link RpcException}'s own code, {@link
   * ErrorCodes#CANCELLED} for a cancellation, {@link ErrorCodes#INTERNAL_ERROR} for anything
   * else; 0 for a result.
   *
   * @return the code, or 0
   */
  public int errorCode() {
    if (error == null) {
      return 0;
    }
    if (error instanceof RpcException r) {
      return r.code();
    }
    return error instanceof CancellationException ? ErrorCodes.CANCELLED : ErrorCodes.INTERNAL_ERROR;
  }

  /**
   * The time from the first interceptor's {@link RpcInterceptor#intercept} to the outcome.
   *
   * @return the duration in nanoseconds
   */
  public long nanos() {
    return nanos;
  }

  @Override
  public String toString() {
    return "RpcOutcome[" + kind + (error == null ? "" : ", " + error) + ", " + nanos + " ns]";
  }
}
