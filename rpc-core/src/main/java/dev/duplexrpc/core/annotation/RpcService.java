package dev.duplexrpc.core.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an interface or class whose {@link RpcMethod} and {@link RpcNotification} methods form a
 * service, and gives them an optional wire-name prefix.
 *
 * <pre>{@code
 * @RpcService(prefix = "calc.")
 * public interface Calculator {
 *   @RpcMethod int add(int a, int b);          // wire name "calc.add"
 *   @RpcNotification void reset();             // wire name "calc.reset"
 * }
 * }</pre>
 *
 * <p>The prefix applies to every method declared in the annotated type; methods inherited from
 * other types take those types' prefixes. The annotation is optional: a type without it has no
 * prefix.
 *
 * @since 0.1
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface RpcService {
  /**
   * Prefix put in front of the wire name of each method declared in this type, for example
   * {@code "calc."} or {@code "calc/"}. Empty by default. It must not start with {@code "rpc."},
   * which JSON-RPC reserves for extensions.
   *
   * @return the prefix, or an empty string for none
   */
  String prefix() default "";
}
