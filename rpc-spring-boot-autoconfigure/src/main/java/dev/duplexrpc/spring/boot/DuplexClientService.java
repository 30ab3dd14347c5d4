package dev.duplexrpc.spring.boot;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a bean as a service the named clients offer to their servers (the server calls it back),
 * instead of a service of this application's own server. The bean class has the usual {@code
 * @RpcMethod} / {@code @RpcNotification} methods, or implements an interface that has them.
 *
 * <pre>{@code
 * @Component
 * @DuplexClientService("inventory")
 * class StockAlerts implements StockListener {     // the inventory server calls stockLow(...)
 *   public void stockLow(String sku) { ... }
 * }
 * }</pre>
 *
 * @since 0.1
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface DuplexClientService {
  /**
   * The names of the clients ({@code duplex.rpc.client.<name>}) that offer this service.
   *
   * @return one name or more
   */
  String[] value();
}
