package dev.duplexrpc.core.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares an application error that a request method may answer with, for the method's OpenRPC
 * description ({@code rpc.discover}). Repeat it for several errors.
 *
 * <pre>{@code
 * @RpcMethod
 * @RpcError(code = 1001, message = "Account locked")
 * @RpcError(code = 1002, message = "Insufficient funds")
 * Receipt transfer(String from, String to, long cents);
 * }</pre>
 *
 * <p>The declaration only documents the error; the handler still raises it, for example with
 * {@code throw new RpcException(1001, "Account locked", null)}. Codes must be unique per method,
 * and a notification, which never gets a response, cannot declare errors: registration rejects
 * both. JSON-RPC reserves -32768 to -32000 for predefined and implementation errors (Duplex RPC's
 * own codes are in that range), so application codes are best chosen outside it.
 *
 * @since 0.1
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
@Repeatable(RpcErrors.class)
public @interface RpcError {
  /**
   * The error code the method answers with.
   *
   * @return the JSON-RPC error code
   * @since 0.1
   */
  int code();

  /**
   * The error's message, a short single sentence.
   *
   * @return the message
   * @since 0.1
   */
  String message();
}
