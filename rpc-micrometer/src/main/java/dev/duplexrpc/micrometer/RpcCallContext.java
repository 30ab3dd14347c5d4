package dev.duplexrpc.micrometer;

import dev.duplexrpc.core.RpcCall;
import dev.duplexrpc.core.RpcOutcome;
import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.ReceiverContext;
import io.micrometer.observation.transport.SenderContext;
import java.util.HashMap;
import java.util.Map;

/**
 * The {@code Observation.Context} of one call, for observation handlers and filters: the call as
 * the interceptor saw it and, once it is stopped, its outcome. An incoming call's context is a
 * {@link Server} (a {@link ReceiverContext}: a tracing handler reads the caller's W3C trace
 * context from its carrier), an outgoing call's a {@link Client} (a {@link SenderContext}: a
 * tracing handler writes the trace context into its carrier, which is sent with the call when the
 * wire extensions are agreed).
 *
 * @since 0.2
 */
public interface RpcCallContext {
  /**
   * The call.
   *
   * @return the call
   */
  RpcCall call();

  /**
   * How the call ended.
   *
   * @return the outcome, or null while the call runs
   */
  RpcOutcome outcome();

  /**
   * The context of an incoming call (kind SERVER).
   *
   * @since 0.2
   */
  final class Server extends ReceiverContext<Map<String, String>> implements RpcCallContext {
    private final RpcCall call;
    private volatile RpcOutcome outcome;

    Server(RpcCall call, Map<String, String> carrier) {
      super((c, key) -> c.get(key), Kind.SERVER);
      this.call = call;
      setCarrier(carrier);
    }

    @Override
    public RpcCall call() {
      return call;
    }

    @Override
    public RpcOutcome outcome() {
      return outcome;
    }

    void outcome(RpcOutcome outcome) {
      this.outcome = outcome;
    }
  }

  /**
   * The context of an outgoing call (kind CLIENT).
   *
   * @since 0.2
   */
  final class Client extends SenderContext<Map<String, String>> implements RpcCallContext {
    private final RpcCall call;
    private volatile RpcOutcome outcome;

    Client(RpcCall call) {
      super((c, key, value) -> c.put(key, value), Kind.CLIENT);
      this.call = call;
      setCarrier(new HashMap<>(4));
    }

    @Override
    public RpcCall call() {
      return call;
    }

    @Override
    public RpcOutcome outcome() {
      return outcome;
    }

    void outcome(RpcOutcome outcome) {
      this.outcome = outcome;
    }
  }
}
