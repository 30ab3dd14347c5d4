package dev.duplexrpc.spring.boot;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Makes an RPC interface a bean: a typed proxy of the server's service, over the connection of the
 * client named here, whose URI and settings are the properties {@code duplex.rpc.client.<name>.*}.
 * Interfaces with this annotation are found in the application's auto-configuration packages (the
 * package of the {@code @SpringBootApplication} class and below), as Spring Data finds repositories.
 *
 * <pre>{@code
 * @DuplexClient("inventory")
 * public interface Inventory {
 *   @RpcMethod int stock(String sku);
 * }
 *
 * // application.properties: duplex.rpc.client.inventory.uri=ws://inventory.internal:8080/rpc
 * @RestController
 * class StockController {
 *   StockController(Inventory inventory) { ... }     // calls go to the inventory server
 * }
 * }</pre>
 *
 * <p>The connection opens when the application context starts and closes when it stops; a call
 * made before that throws {@link IllegalStateException}. Several interfaces may name one client:
 * they share its connection.
 *
 * @since 0.1
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface DuplexClient {
  /**
   * The client's name: the key of its properties under {@code duplex.rpc.client}.
   *
   * @return the name, not empty
   */
  String value();
}
