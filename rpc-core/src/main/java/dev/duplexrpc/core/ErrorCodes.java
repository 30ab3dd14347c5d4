package dev.duplexrpc.core;

/**
 * The JSON-RPC error codes this library sends and raises. The first five are the specification's;
 * the others are this library's, in the range -32000..-32099 the specification leaves to
 * implementations. {@code docs/errors.md} explains each one under an anchor named after it.
 *
 * @since 0.1
 */
public final class ErrorCodes {
  private ErrorCodes() {}

  /** -32700: the message was not valid JSON. Sent with {@code "id": null}. */
  public static final int PARSE_ERROR = -32700;

  /** -32600: the JSON was not a valid request object (or the batch was empty). */
  public static final int INVALID_REQUEST = -32600;

  /** -32601: no method of that name is registered. Never sent for a notification. */
  public static final int METHOD_NOT_FOUND = -32601;

  /**
   * -32602: the params did not bind to the method: a missing required parameter, an unknown named
   * parameter, too many positional parameters, or a value of the wrong type. {@code data} names
   * the parameter.
   */
  public static final int INVALID_PARAMS = -32602;

  /** -32603: the handler failed with an exception that was not an {@link RpcException}. */
  public static final int INTERNAL_ERROR = -32603;

  /**
   * -32000: the connection already has the maximum number of incoming requests in flight; the
   * request was not run. Safe to retry later.
   */
  public static final int OVERLOADED = -32000;

  /**
   * -32001: raised locally when a call got no response within its timeout. The library never
   * sends it on its own; a handler that lets an {@link RpcTimeoutException} escape forwards it.
   */
  public static final int TIMEOUT = -32001;

  /**
   * -32002: raised locally when the connection closed before the response arrived. The library
   * never sends it on its own; a handler that lets a {@link ConnectionClosedException} escape
   * forwards it.
   */
  public static final int CONNECTION_CLOSED = -32002;

  /**
   * -32003: a limit was exceeded: a batch with more items than allowed, or JSON nested deeper
   * than allowed. {@code data} says which limit. Also raised locally when an outgoing message
   * would exceed the size limit.
   */
  public static final int LIMIT_EXCEEDED = -32003;

  /**
   * -32004: the call was cancelled: the caller sent {@code rpc.cancel} (or {@code
   * $/cancelRequest}) for it and the handler was interrupted or its future cancelled. Raised
   * locally too when a thread waiting on a blocking call is interrupted.
   */
  public static final int CANCELLED = -32004;

  /**
   * -32005: the other end is shutting down and no longer accepts requests; the request was not
   * run. Retry on another connection.
   */
  public static final int SHUTTING_DOWN = -32005;

  /**
   * -32006: raised locally when a response arrived but its result could not be converted to the
   * expected Java type, or its error object was malformed. The library never sends it on its own.
   */
  public static final int INVALID_RESPONSE = -32006;

  /**
   * -32007: the connection a call was addressed to cannot be reached through the server cluster:
   * no node holds it any more, the node that held it is gone, or the cluster backplane (Redis) is
   * unavailable. Raised locally on the calling node (and by a cluster's {@code publish} when the
   * other nodes could not be told); {@code data.reason} says which. The request was not run, or,
   * for a call in flight when its node died, may or may not have run.
   */
  public static final int UNREACHABLE = -32007;

  /**
   * -32008: a handler in direct mode ({@link dev.duplexrpc.core.annotation.DirectExecution}, or
   * {@code PeerConfig.Builder.directExecution}) made a blocking call to a peer: it runs on the
   * thread that reads the responses, so it would wait for good. Raised locally, at once, by the
   * blocking call; nothing was sent. Sent to the other end only if the handler lets it escape.
   */
  public static final int BLOCKING_IN_DIRECT_MODE = -32008;

  /**
   * -32009: raised locally when a message could not be sent on a resumable session because the
   * buffer of messages the other end has not acknowledged stayed full for the send wait (the
   * other end is away or reads too slowly). The message was not sent; {@code data.reason} says
   * how full. See docs/resume.md.
   *
   * @since 0.2
   */
  public static final int REPLAY_BUFFER_FULL = -32009;

  /**
   * The standard message for a code: "Parse error", "Invalid Request", "Method not found",
   * "Invalid params", "Internal error", or this library's message for its own codes.
   *
   * @param code an error code
   * @return its standard message, or "Server error" for an unknown code in -32000..-32099, or
   *     "Error" otherwise
   */
  public static String message(int code) {
    switch (code) {
      case PARSE_ERROR:
        return "Parse error";
      case INVALID_REQUEST:
        return "Invalid Request";
      case METHOD_NOT_FOUND:
        return "Method not found";
      case INVALID_PARAMS:
        return "Invalid params";
      case INTERNAL_ERROR:
        return "Internal error";
      case OVERLOADED:
        return "Overloaded";
      case TIMEOUT:
        return "Request timed out";
      case CONNECTION_CLOSED:
        return "Connection closed";
      case LIMIT_EXCEEDED:
        return "Limit exceeded";
      case CANCELLED:
        return "Request cancelled";
      case SHUTTING_DOWN:
        return "Shutting down";
      case INVALID_RESPONSE:
        return "Invalid response";
      case UNREACHABLE:
        return "Connection unreachable";
      case BLOCKING_IN_DIRECT_MODE:
        return "Blocking call in direct mode";
      case REPLAY_BUFFER_FULL:
        return "Replay buffer full";
      default:
        return code >= -32099 && code <= -32000 ? "Server error" : "Error";
    }
  }
}
