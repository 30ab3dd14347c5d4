package dev.duplexrpc.core.internal.codec;

/**
 * One parsed JSON-RPC message (one item of a batch), immutable, already classified by the parser:
 * a request, a notification, a response, an invalid request to answer with -32600, or something
 * to drop unanswered. Params, results and errors stay {@link JsonSlice slices} of the text, read
 * only when needed.
 */
public sealed interface Message {

  /**
   * A request: it gets exactly one response.
   *
   * @param id the id, echoed verbatim (may be {@link Id#NULL})
   * @param method the wire name
   * @param params the params (an array or an object), or null when absent
   * @param trace its {@code traceparent} / {@code tracestate} members, or null when it has none
   */
  record Request(Id id, String method, JsonSlice params, TraceFields trace) implements Message {}

  /**
   * A notification: it never gets a response. The {@code rpc-websockets} event form {@code
   * {"notification": name, "params": ...}} is one too.
   *
   * @param method the wire name
   * @param params the params (an array or an object), or null when absent
   * @param trace its {@code traceparent} / {@code tracestate} members, or null when it has none
   */
  record Notification(String method, JsonSlice params, TraceFields trace) implements Message {}

  /**
   * A response to one of our calls.
   *
   * @param id the id if it was a string, number or null; null if absent or of another type
   * @param result the result, or null when absent
   * @param error the error, or null when absent (then it is a success)
   */
  record Response(Id id, JsonSlice result, JsonSlice error) implements Message {
    /** Whether the response carries an error. */
    public boolean isError() {
      return error != null;
    }
  }

  /**
   * A response without {@code result} or {@code error}: an object with {@code "jsonrpc": "2.0"}
   * and an id, and no {@code method}, {@code result}, {@code error} or {@code params}. The
   * specification makes it an invalid request, but {@code rpc-websockets} servers send exactly this
   * for a handler that returned nothing. It completes our pending call of that id with null;
   * with no such call it is answered as an invalid request.
   *
   * @param id the id
   */
  record Bare(Id id) implements Message {}

  /**
   * Not a valid request: answered with -32600 Invalid Request.
   *
   * @param id the id to answer with: the request's if it was valid, else {@link Id#NULL}
   * @param reason what is wrong, for the log
   */
  record Invalid(Id id, String reason) implements Message {}

  /**
   * Dropped without an answer: an {@code rpc-websockets} event whose params are not an array or
   * an object (an event, like a notification, never gets a response).
   *
   * @param reason what is wrong, for the log
   */
  record Dropped(String reason) implements Message {}
}
