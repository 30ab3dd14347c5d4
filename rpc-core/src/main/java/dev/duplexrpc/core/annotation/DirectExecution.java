package dev.duplexrpc.core.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs a handler that never blocks on the thread that decoded its message, instead of handing it
 * to the Peer's executor: the opt-in direct mode, in the spirit of gRPC's {@code
 * directExecutor()}. On an {@link RpcMethod} or {@link RpcNotification} method it applies to that
 * method; on a type, to every RPC method declared in that type (as {@link RpcService#prefix()}
 * does). {@code PeerConfig.Builder.directExecution(true)} puts every method of a server or client
 * in the mode.
 *
 * <pre>{@code
 * public interface Prices {
 *   @DirectExecution
 *   @RpcMethod double quote(String symbol);        // a map lookup: safe on the I/O thread
 * }
 * }</pre>
 *
 * <p>The mode saves the hand-off to another thread, so it is only safe for a handler that returns
 * quickly and never waits: no I/O, no locks held for long, no {@code sleep}. While it runs, no
 * other message of its connection (on the server, of the connections sharing its selector thread)
 * is read. A blocking call to a peer from such a handler (a proxy method that does not return a
 * future, or {@code get()} / {@code join()} on the future {@code Peer.call} returns) would wait for
 * a response that only this thread can read; it fails at once instead with an {@code
 * RpcException} of code {@code -32008} ({@code ErrorCodes.BLOCKING_IN_DIRECT_MODE}). Calls that
 * return a future are fine. A handler that returns a future may complete it later on any thread.
 *
 * @since 0.1
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface DirectExecution {}
