package dev.duplexrpc.core.internal.resume;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;

/**
 * The sequence layer's control messages (docs/wire.md, "Resumable sessions"): JSON-RPC
 * notifications that are not numbered and never reach the Peer.
 *
 * <ul>
 *   <li>{@code rpc.ack {"received": n}}: the sender has received n numbered messages.
 *   <li>{@code rpc.session {}} from the client: start a session; {@code rpc.session {"token": t,
 *       "received": n}}: resume session t, having received n messages.
 *   <li>{@code rpc.session {"token": t, "received": n, "resumed": b}} from the server: the token
 *       of the next resume, what it has received, and whether the old session goes on.
 *   <li>{@code rpc.session {"resumable": false}}, either way: no session on this connection (the
 *       client or the server has them off); the connection is plain, as before sessions.
 * </ul>
 *
 * <p>Sent only when the handshake agreed {@code duplex-rpc.1} and both ends have sessions on.
 */
public final class Control {
  /** The acknowledgement's method. */
  public static final String ACK = "rpc.ack";

  /** The session handshake's method, both ways. */
  public static final String SESSION = "rpc.session";

  private static final String PREFIX = "{\"jsonrpc\":\"2.0\",\"method\":\"";

  private Control() {}

  /** A parsed control message. */
  public record Message(String method, JsonObject params) {
    /** A long member of the params, or -1 when missing or not a whole number. */
    public long longParam(String name) {
      JsonElement e = params.get(name);
      if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
        return -1;
      }
      try {
        return e.getAsJsonPrimitive().getAsBigDecimal().longValueExact();
      } catch (ArithmeticException ex) {
        return -1;
      }
    }

    /** A string member of the params, or null. */
    public String stringParam(String name) {
      JsonElement e = params.get(name);
      return e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isString() ? e.getAsString() : null;
    }

    /** A boolean member of the params, false when missing. */
    public boolean booleanParam(String name) {
      JsonElement e = params.get(name);
      return e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isBoolean() && e.getAsBoolean();
    }
  }

  /** {@code rpc.ack}. */
  public static String ack(long received) {
    return PREFIX + ACK + "\",\"params\":{\"received\":" + received + "}}";
  }

  /** The client's {@code rpc.session}: a fresh session when {@code token} is null. */
  public static String hello(String token, long received) {
    if (token == null) {
      return PREFIX + SESSION + "\",\"params\":{}}";
    }
    return PREFIX + SESSION + "\",\"params\":{\"token\":" + new JsonPrimitive(token)
        + ",\"received\":" + received + "}}";
  }

  /** {@code rpc.session {"resumable": false}}: this side does not keep a session. */
  public static String noSession() {
    return PREFIX + SESSION + "\",\"params\":{\"resumable\":false}}";
  }

  /** The server's {@code rpc.session} answer. */
  public static String answer(String token, long received, boolean resumed) {
    return PREFIX + SESSION + "\",\"params\":{\"token\":" + new JsonPrimitive(token)
        + ",\"received\":" + received + ",\"resumed\":" + resumed + "}}";
  }

  /**
   * The control message in {@code text}, or null when it is any other message. Cheap for the
   * others: only a text whose first members name an {@code rpc.ack} or {@code rpc.session} method is
   * parsed.
   */
  public static Message parse(String text) {
    int head = Math.min(text.length(), 64);
    String start = text.substring(0, head);
    if (!start.contains("\"rpc.ack\"") && !start.contains("\"rpc.session\"")) {
      return null;
    }
    try {
      JsonElement e = JsonParser.parseString(text);
      if (!e.isJsonObject()) {
        return null;
      }
      JsonObject o = e.getAsJsonObject();
      JsonElement m = o.get("method");
      if (m == null || !m.isJsonPrimitive() || o.has("id")) {
        return null;
      }
      String method = m.getAsString();
      if (!ACK.equals(method) && !SESSION.equals(method)) {
        return null;
      }
      JsonElement p = o.get("params");
      return new Message(method, p != null && p.isJsonObject() ? p.getAsJsonObject() : new JsonObject());
    } catch (JsonParseException | IllegalStateException | UnsupportedOperationException ex) {
      return null;
    }
  }
}
