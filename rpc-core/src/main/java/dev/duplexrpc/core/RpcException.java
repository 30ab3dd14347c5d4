package dev.duplexrpc.core;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import java.lang.reflect.Type;

/**
 * A JSON-RPC error: a code, a message and optional data.
 *
 * <p>Both directions use it. A handler that throws an {@code RpcException} (or completes its
 * future with one) answers the call with exactly that error object. A caller whose call is
 * answered with an error gets an {@code RpcException} carrying the remote code, message and data.
 * Local failures are subclasses: {@link RpcTimeoutException} and {@link
 * ConnectionClosedException}.
 *
 * <pre>{@code
 * @RpcMethod public Account open(String owner) {
 *   if (owner.isBlank()) throw new RpcException(-32010, "Owner required");
 *   ...
 * }
 * }</pre>
 *
 * <p>The message shows the code and a link to its section of {@code docs/errors.md} for the
 * library's own codes.
 *
 * @since 0.1
 */
public class RpcException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private static final Gson DEFAULT_GSON = new Gson();

  private final int code;
  private final String errorMessage;
  private final transient JsonElement data;

  /**
   * An error with a code and a message and no data.
   *
   * @param code the JSON-RPC error code
   * @param message the error message sent on the wire
   */
  public RpcException(int code, String message) {
    this(code, message, null, null);
  }

  /**
   * An error with a code, a message and data.
   *
   * @param code the JSON-RPC error code
   * @param message the error message sent on the wire
   * @param data the {@code data} member, or null for none
   */
  public RpcException(int code, String message, JsonElement data) {
    this(code, message, data, null);
  }

  /**
   * An error with a code, a message, data and a local cause (the cause is never sent).
   *
   * @param code the JSON-RPC error code
   * @param message the error message sent on the wire
   * @param data the {@code data} member, or null for none
   * @param cause the local cause, or null
   */
  public RpcException(int code, String message, JsonElement data, Throwable cause) {
    super(describe(code, message, data), cause);
    this.code = code;
    this.errorMessage = message == null ? ErrorCodes.message(code) : message;
    this.data = data == null || data.isJsonNull() ? null : data;
  }

  /**
   * The error code.
   *
   * @return the JSON-RPC error code
   */
  public int code() {
    return code;
  }

  /**
   * The error message as sent on the wire, without the code that {@link #getMessage()} adds.
   *
   * @return the error message
   */
  public String errorMessage() {
    return errorMessage;
  }

  /**
   * The {@code data} member, or null if there was none.
   *
   * @return the data as a JSON tree, or null
   */
  public JsonElement data() {
    return data;
  }

  /**
   * The {@code data} member converted to a Java type with a default {@link Gson}.
   *
   * @param type the target type
   * @param <T> the target type
   * @return the converted data, or null if there was none
   * @throws com.google.gson.JsonParseException if the data does not convert
   */
  public <T> T data(Type type) {
    if (data == null) {
      return null;
    }
    @SuppressWarnings("unchecked")
    T value = (T) DEFAULT_GSON.fromJson(data, type);
    return value;
  }

  private static String describe(int code, String message, JsonElement data) {
    StringBuilder sb = new StringBuilder();
    sb.append(message == null ? ErrorCodes.message(code) : message).append(" (code ").append(code);
    sb.append(')');
    if (data != null && !data.isJsonNull()) {
      String d = data.toString();
      sb.append(": ").append(d.length() > 500 ? d.substring(0, 500) + "..." : d);
    }
    String anchor = anchor(code);
    if (anchor != null) {
      sb.append(" [see docs/errors.md#").append(anchor).append(']');
    }
    return sb.toString();
  }

  static String anchor(int code) {
    switch (code) {
      case ErrorCodes.PARSE_ERROR:
        return "parse-error";
      case ErrorCodes.INVALID_REQUEST:
        return "invalid-request";
      case ErrorCodes.METHOD_NOT_FOUND:
        return "method-not-found";
      case ErrorCodes.INVALID_PARAMS:
        return "invalid-params";
      case ErrorCodes.INTERNAL_ERROR:
        return "internal-error";
      case ErrorCodes.OVERLOADED:
        return "overloaded";
      case ErrorCodes.TIMEOUT:
        return "timeout";
      case ErrorCodes.CONNECTION_CLOSED:
        return "connection-closed";
      case ErrorCodes.LIMIT_EXCEEDED:
        return "limit-exceeded";
      case ErrorCodes.CANCELLED:
        return "cancelled";
      case ErrorCodes.SHUTTING_DOWN:
        return "shutting-down";
      case ErrorCodes.INVALID_RESPONSE:
        return "invalid-response";
      case ErrorCodes.UNREACHABLE:
        return "unreachable";
      default:
        return null;
    }
  }
}
