package dev.duplexrpc.core.internal.codec;

/**
 * One parsed JSON-RPC message (one item of a batch), with every member it had. Validation is left
 * to the dispatcher, which decides between request, response and invalid by shape.
 */
public final class Message {
  /** False when the item was not a JSON object. */
  public boolean object;

  public boolean hasJsonrpc;
  /** The {@code jsonrpc} member if it was a string, else null. */
  public String jsonrpc;

  public boolean hasMethod;
  /** The {@code method} member if it was a string, else null. */
  public String method;

  public boolean hasId;
  /** The id if it was a string, number or null; null if absent or of another type. */
  public Id id;

  public boolean hasParams;
  public JsonSlice params;

  public boolean hasResult;
  public JsonSlice result;

  public boolean hasError;
  public JsonSlice error;

  public boolean hasNotification;
  /**
   * The top-level {@code notification} member if it was a string, else null: the event name of
   * the {@code rpc-websockets} event form {@code {"notification": name, "params": ...}}.
   */
  public String notification;

  /** Whether the shape is a response: result or error, and no method. */
  public boolean isResponse() {
    return !hasMethod && (hasResult || hasError);
  }

  /**
   * Whether the shape is an {@code rpc-websockets} event: a string {@code notification} member
   * and no {@code method}, {@code id}, {@code result} or {@code error}.
   */
  public boolean isEventForm() {
    return notification != null && !hasMethod && !hasId && !hasResult && !hasError;
  }

  /** The id to answer an invalid request with: the id if it was valid, else null. */
  public Id replyId() {
    return id == null ? Id.NULL : id;
  }
}
