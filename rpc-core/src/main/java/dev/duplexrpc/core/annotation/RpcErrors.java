package dev.duplexrpc.core.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The container of repeated {@link RpcError} annotations. The compiler writes it when a method
 * carries more than one {@code @RpcError}; there is no need to write it by hand.
 *
 * @since 0.1
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface RpcErrors {
  /**
   * The declared errors.
   *
   * @return the errors, in declaration order
   * @since 0.1
   */
  RpcError[] value();
}
