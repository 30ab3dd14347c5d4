package dev.duplexrpc.core.internal.codec;

/**
 * The envelope members of one JSON-RPC object as scanned, read one member at a time, then
 * classified into a {@link Message}: the JSON-RPC 2.0 members, the rpc-websockets {@code
 * notification} event name, and the trace context members ({@code traceparent}, {@code
 * tracestate}). Any other member is checked and skipped.
 */
final class EnvelopeMembers {
  private String jsonrpc; // null if absent or not a string
  private boolean hasMethod;
  private String method; // null if absent or not a string
  private boolean hasId;
  private Id id; // null if absent or neither string, number nor null
  private JsonSlice params;
  private JsonSlice result;
  private JsonSlice error;
  private String notification; // the rpc-websockets event name; null if absent or not a string
  private String traceparent; // null if absent or not a string
  private String tracestate; // null if absent or not a string

  /** Reads the value of the member {@code name}, which the scanner is at, at {@code depth}. */
  void read(String name, JsonScanner in, int depth) throws JsonScanner.Failure {
    switch (name) {
      case "jsonrpc":
        jsonrpc = in.stringOrSkip(depth);
        break;
      case "method":
        hasMethod = true;
        method = in.stringOrSkip(depth);
        break;
      case "id":
        hasId = true;
        id = id(in, depth);
        break;
      case "params":
        params = in.slice(depth);
        break;
      case "result":
        result = in.slice(depth);
        break;
      case "error":
        error = in.slice(depth);
        break;
      case "notification":
        notification = in.stringOrSkip(depth);
        break;
      case "traceparent":
        traceparent = in.stringOrSkip(depth);
        break;
      case "tracestate":
        tracestate = in.stringOrSkip(depth);
        break;
      default:
        in.skipValue(depth);
    }
  }

  /** A string, a number or null as an id; anything else skipped, and null. */
  private static Id id(JsonScanner in, int depth) throws JsonScanner.Failure {
    char c = in.peek();
    if (c == '"') {
      return Id.ofString(in.string());
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
      return Id.ofNumberLiteral(in.numberText());
    }
    if (c == 'n') {
      in.literal("null");
      return Id.NULL;
    }
    in.skipValue(depth);
    return null;
  }

  private TraceFields trace() {
    return traceparent == null && tracestate == null
        ? null
        : new TraceFields(traceparent, tracestate);
  }

  /** What the object is, by the members read. */
  Message classify() {
    if (!hasMethod && (result != null || error != null)) {
      return new Message.Response(id, result, error);
    }
    boolean badParams = params != null && !params.isStructured();
    if (notification != null && !hasMethod && !hasId) { // {"notification": name, "params": ...}
      return badParams
          ? new Message.Dropped(
              "event " + notification + " with params that are not an array or object")
          : new Message.Notification(notification, params, null);
    }
    if (hasId && id == null) {
      return new Message.Invalid(Id.NULL, "id is neither a string, a number nor null");
    }
    Id replyId = id == null ? Id.NULL : id;
    if (!"2.0".equals(jsonrpc)) {
      return new Message.Invalid(replyId, "jsonrpc is not \"2.0\"");
    }
    if (!hasMethod && hasId && params == null && notification == null) {
      return new Message.Bare(id);
    }
    if (method == null) {
      return new Message.Invalid(replyId, "method is missing or not a string");
    }
    if (badParams) {
      return new Message.Invalid(replyId, "params is not an array or an object");
    }
    return hasId
        ? new Message.Request(id, method, params, trace())
        : new Message.Notification(method, params, trace());
  }
}
