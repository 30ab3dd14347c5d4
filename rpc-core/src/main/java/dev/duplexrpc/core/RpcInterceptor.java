package dev.duplexrpc.core;

/**
 * Sees every call a {@link Peer} serves or makes, around it: each incoming request and
 * notification before its handler runs, and each outgoing call and notification (from {@link
 * Peer#call}, a proxy or a {@link Batch}) before it is sent. It can refuse the call, attach values
 * to its {@link RpcContext}, and return a {@link Listener} that is told the call's {@link
 * RpcOutcome outcome}. The one extension point on the call path: tracing, metrics, auth checks,
 * logging.
 *
 * <pre>{@code
 * RpcInterceptor auth = call -> {
 *   if (call.direction() == RpcCall.Direction.INCOMING
 *       && !call.method().startsWith("public.")
 *       && call.peer().attributes().get("user") == null) {
 *     throw new RpcException(-32010, "Not logged in");      // the handler does not run
 *   }
 *   return null;                                            // no interest in the outcome
 * };
 * RpcInterceptor timing = call -> outcome ->
 *     log.info(call.method() + " " + outcome.kind() + " in " + outcome.nanos() / 1000 + " µs");
 * PeerConfig config = PeerConfig.builder().interceptor(timing).interceptor(auth).build();
 * }</pre>
 *
 * <h2>Order</h2>
 *
 * Interceptors run in the order they were added, the first outermost: {@link #intercept} in that
 * order, {@link Listener#onOutcome} in reverse. A refusal skips the interceptors after the one
 * that refused; those before it are told the outcome (an error).
 *
 * <h2>Refusing</h2>
 *
 * Throwing from {@link #intercept} refuses the call. Incoming, the handler does not run: a request
 * is answered with the {@link RpcException} thrown (anything else becomes a generic -32603), a
 * notification is dropped and logged at DEBUG. Outgoing, nothing is sent: the call's future fails
 * with the exception, a notification throws it; in a batch only the refused item is left out.
 *
 * <h2>Context</h2>
 *
 * An outgoing call starts with {@link RpcContext#current()}: the context of the handler running on
 * this thread, or one made current with {@link RpcContext#attach()}. An incoming call starts empty,
 * or with the caller's {@link TraceContext} under {@link TraceContext#REMOTE_PARENT}.
 * What an interceptor puts with {@link RpcCall#put} is seen by the interceptors after it, by the
 * handler ({@link CallContext#rpcContext()}, {@link RpcContext#current()}), and so by the calls
 * the handler makes: a tracing interceptor parents its spans this way.
 *
 * <h2>Threads</h2>
 *
 * {@link #intercept} runs on the thread of the call: the handler's executor thread (incoming) or
 * the caller's thread (outgoing). {@link Listener#onOutcome} runs where the outcome happens: the
 * handler's thread or the executor, a timer thread for a timeout, the closing thread for a close.
 * Both must be quick and thread-safe; what they throw is logged and ignored, except a refusal.
 * With no interceptor installed, the call path does not change.
 *
 * @since 0.1
 */
@FunctionalInterface
public interface RpcInterceptor {
  /**
   * Called before the call's handler runs (incoming) or before it is sent (outgoing).
   *
   * @param call the call: its direction, method, id, params, Peer and context
   * @return a listener to be told the outcome, or null
   * @throws RpcException to refuse the call (any runtime exception refuses it)
   */
  Listener intercept(RpcCall call);

  /**
   * Told the outcome of one call, once.
   *
   * @since 0.1
   */
  @FunctionalInterface
  interface Listener {
    /**
     * The call has its outcome: the handler returned or failed (incoming), or the response, a
     * failure, the timeout, the cancel or the close came (outgoing).
     *
     * @param outcome what happened and how long it took
     */
    void onOutcome(RpcOutcome outcome);
  }
}
