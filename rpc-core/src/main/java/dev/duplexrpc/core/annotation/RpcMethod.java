package dev.duplexrpc.core.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a request method: a call that gets a response.
 *
 * <p>The return type decides how both ends behave:
 *
 * <ul>
 *   <li>{@code T}: the handler returns the result; a proxy blocks its caller until the response
 *       arrives or the call times out;
 *   <li>{@code void}: the handler's completion is answered with {@code "result": null}; a proxy
 *       blocks until that answer;
 *   <li>{@code CompletableFuture<T>} or {@code CompletionStage<T>}: the handler may finish later;
 *       a proxy returns at once with a future of the result.
 * </ul>
 *
 * @since 0.1
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface RpcMethod {
  /**
   * The wire name, without the {@link RpcService#prefix() service prefix}. Empty (the default)
   * means the Java method name.
   *
   * @return the wire name, or an empty string for the Java method name
   */
  String value() default "";

  /**
   * Call timeout in milliseconds for this method when it is called through a proxy; {@code 0}
   * (the default) uses the Peer's {@code callTimeout}, {@code -1} means no timeout.
   *
   * @return the timeout in milliseconds, {@code 0} for the Peer default, {@code -1} for none
   */
  long timeoutMillis() default 0;

  /**
   * A description of the method for its OpenRPC document ({@code rpc.discover}); empty (the
   * default) for none. GitHub Flavored Markdown may be used.
   *
   * @return the description, or an empty string for none
   * @since 0.1
   */
  String description() default "";
}
