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
  /** The data as given: a JSON tree, an application object, or null. */
  private final transient Object dataValue;
  private transient volatile JsonElement data;

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
    this(code, message, (Object) data, cause);
  }

  /**
   * An error whose data is any object, sent as the Peer's Gson writes it (so its type adapters and
   * field naming apply), for example a record describing what was wrong.
   *
   * <pre>{@code
   * record Shortfall(String item, int missing) {}
   * throw new RpcException(-32010, "Out of stock", new Shortfall("coffee", 2));
   * // -> "error": {"code": -32010, "message": "Out of stock", "data": {"item": "coffee", "missing": 2}}
   * }</pre>
   *
   * @param code the JSON-RPC error code
   * @param message the error message sent on the wire
   * @param data the {@code data} member: a {@link JsonElement} as it is, any other object
   *     converted when the error is sent; null for none
   * @param cause the local cause, or null
   * @since 0.1
   */
  public RpcException(int code, String message, Object data, Throwable cause) {
    super(describe(code, message, data), cause);
    this.code = code;
    this.errorMessage = message == null ? ErrorCodes.message(code) : message;
    this.dataValue = data instanceof JsonElement tree && tree.isJsonNull() ? null : data;
    this.data = dataValue instanceof JsonElement tree ? tree : null;
  }

  /**
   * An error whose data is any object; see {@link #RpcException(int, String, Object, Throwable)}.
   *
   * @param code the JSON-RPC error code
   * @param message the error message sent on the wire
   * @param data the {@code data} member, or null for none
   * @since 0.1
   */
  public RpcException(int code, String message, Object data) {
    this(code, message, data, null);
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
   * The {@code data} member, or null if there was none. Data given as an application object is
   * converted with a default {@link Gson} here; on the wire it is written with the Peer's.
   *
   * @return the data as a JSON tree, or null
   */
  public JsonElement data() {
    JsonElement d = data;
    if (d == null && dataValue != null) {
      d = DEFAULT_GSON.toJsonTree(dataValue);
      data = d;
    }
    return d;
  }

  /**
   * The {@code data} member as it was given: the object passed to the constructor, or the JSON
   * tree received from the other end.
   *
   * @return the data, or null if there was none
   * @since 0.1
   */
  public Object dataValue() {
    return dataValue;
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
    JsonElement tree = data();
    if (tree == null) {
      return null;
    }
    @SuppressWarnings("unchecked")
    T value = (T) DEFAULT_GSON.fromJson(tree, type);
    return value;
  }

  private static String describe(int code, String message, Object data) {
    StringBuilder sb = new StringBuilder();
    sb.append(message == null ? ErrorCodes.message(code) : message).append(" (code ").append(code);
    sb.append(')');
    if (data != null && !(data instanceof JsonElement tree && tree.isJsonNull())) {
      String d = dataText(data);
      sb.append(": ").append(d.length() > 500 ? d.substring(0, 500) + "..." : d);
    }
    String anchor = anchor(code);
    if (anchor != null) {
      sb.append(" [see docs/errors.md#").append(anchor).append(']');
    }
    return sb.toString();
  }

  /** The data as JSON text for the exception message; never fails. */
  private static String dataText(Object data) {
    if (data instanceof JsonElement) {
      return data.toString();
    }
    try {
      return DEFAULT_GSON.toJson(data);
    } catch (RuntimeException e) { // a type only the Peer's Gson can write: still a message
      return String.valueOf(data);
    }
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
      case ErrorCodes.BLOCKING_IN_DIRECT_MODE:
        return "blocking-in-direct-mode";
      default:
        return null;
    }
  }
}
