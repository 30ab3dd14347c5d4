package dev.duplexrpc.core.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Names a parameter on the wire and marks it optional.
 *
 * <p>Named {@code params} objects bind by these names. Without this annotation the Java parameter
 * name is used, which needs the class compiled with {@code -parameters}; registration fails with a
 * clear message when neither is there.
 *
 * <p>A parameter the caller leaves out gets {@code -32602 Invalid params}, unless it is optional:
 * then it becomes {@code null}, {@code Optional.empty()} or the primitive's default. A parameter
 * of type {@link java.util.Optional} is always optional.
 *
 * @since 0.1
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface RpcParam {
  /**
   * The wire name; empty (the default) means the Java parameter name.
   *
   * @return the wire name, or an empty string for the Java name
   */
  String value() default "";

  /**
   * Whether the caller may leave this parameter out. Optional parameters must come after the
   * required ones. {@code false} by default.
   *
   * @return {@code true} if the parameter may be omitted
   */
  boolean optional() default false;

  /**
   * A description of the parameter for its method's OpenRPC document ({@code rpc.discover});
   * empty (the default) for none.
   *
   * @return the description, or an empty string for none
   * @since 0.1
   */
  String description() default "";
}
