package dev.duplexrpc.core.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a notification method: a one-way message that never gets a response. The method must
 * return {@code void}; registration rejects anything else. A proxy call sends the notification
 * and returns without waiting.
 *
 * <p>Notifications from one connection are handled one at a time, in the order they arrived.
 *
 * @since 0.1
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface RpcNotification {
  /**
   * The wire name, without the {@link RpcService#prefix() service prefix}. Empty (the default)
   * means the Java method name.
   *
   * @return the wire name, or an empty string for the Java method name
   */
  String value() default "";

  /**
   * A description of the notification for its OpenRPC document ({@code rpc.discover}); empty (the
   * default) for none. GitHub Flavored Markdown may be used.
   *
   * @return the description, or an empty string for none
   * @since 0.1
   */
  String description() default "";
}
