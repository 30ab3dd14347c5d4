package dev.duplexrpc.core;

import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import dev.duplexrpc.core.internal.codec.Id;
import dev.duplexrpc.core.internal.codec.JsonSlice;
import dev.duplexrpc.core.internal.codec.MessageWriter;
import java.util.Objects;

/**
 * One call as an {@link RpcInterceptor} sees it: its direction, method, id and params, the {@link
 * Peer} of the connection, and its {@link RpcContext}, which interceptors may extend.
 *
 * <pre>{@code
 * RpcInterceptor log = call -> {
 *   System.out.println(call.direction() + " " + call.method() + " id=" + call.id()
 *       + " params=" + call.params());                 // params are read only when asked for
 *   return null;
 * };
 * }</pre>
 *
 * <p>Thread-safe. The params are read (incoming) or written (outgoing) again when first asked
 * for, so an interceptor that does not ask costs nothing for them.
 *
 * @since 0.1
 */
public final class RpcCall {
  /**
   * Which way a call goes.
   *
   * @since 0.1
   */
  public enum Direction {
    /** The other end calls this Peer: a handler of ours runs. */
    INCOMING,
    /** This Peer calls the other end. */
    OUTGOING
  }

  private static final Object UNREAD = new Object();

  private final Direction direction;
  private final String method;
  private final Object rawId; // Id (incoming), Long (outgoing), null (notification)
  private final Object rawParams; // JsonSlice (incoming), Body (outgoing), null (none)
  private final MessageWriter writer; // writes outgoing params
  private final Peer peer;
  private volatile RpcContext context;
  private volatile Object params = UNREAD;

  RpcCall(Direction direction, String method, Object rawId, Object rawParams, MessageWriter writer,
      Peer peer, RpcContext context) {
    this.direction = direction;
    this.method = method;
    this.rawId = rawId;
    this.rawParams = rawParams;
    this.writer = writer;
    this.peer = peer;
    this.context = context;
  }

  /**
   * Whether the other end calls this Peer, or this Peer the other end.
   *
   * @return the direction
   */
  public Direction direction() {
    return direction;
  }

  /**
   * The wire name of the method.
   *
   * @return the method name
   */
  public String method() {
    return method;
  }

  /**
   * Whether the call is a notification (it has no id and gets no response).
   *
   * @return true for a notification
   */
  public boolean isNotification() {
    return rawId == null;
  }

  /**
   * The id on the wire: as received for an incoming request (a string, a number with its literal
   * text kept, or {@link JsonNull}), this Peer's own number for an outgoing one.
   *
   * @return the id, or null for a notification
   */
  public JsonElement id() {
    if (rawId instanceof Long own) {
      return new JsonPrimitive(own);
    }
    if (rawId instanceof Id id) {
      return switch (id.kind()) {
        case STRING -> new JsonPrimitive(id.text());
        case NUMBER -> JsonParser.parseString(id.text());
        default -> JsonNull.INSTANCE;
      };
    }
    return null;
  }

  /**
   * The params as a JSON tree, made when first asked for: parsed from the received text, or
   * written from the outgoing call's arguments as they will be sent.
   *
   * @return the params (an array or an object), or null when the call has none
   * @throws RuntimeException if they do not read or write (then the call itself fails too)
   */
  public JsonElement params() {
    Object p = params;
    if (p == UNREAD) {
      if (rawParams instanceof JsonSlice slice) {
        p = slice.tree();
      } else if (rawParams instanceof MessageWriter.Body body) {
        p = JsonParser.parseString(writer.value(body));
      } else {
        p = null;
      }
      params = p;
    }
    return (JsonElement) p;
  }

  /**
   * The Peer of the connection: its {@link Peer#attributes() attributes} hold what the
   * application knows about the other end (a logged-in user, say).
   *
   * @return the peer
   */
  public Peer peer() {
    return peer;
  }

  /**
   * The call's context: for an outgoing call, {@link RpcContext#current()} when it was made, plus
   * what interceptors put; for an incoming one, the caller's trace context ({@link
   * TraceContext#REMOTE_PARENT}, when sent and agreed) and what interceptors put.
   *
   * @return the context, never null
   */
  public RpcContext context() {
    return context;
  }

  /**
   * Puts a value into the call's context, for the interceptors after this one and, incoming, for
   * the handler and the calls it makes. Call it from {@link RpcInterceptor#intercept}.
   *
   * @param key the key
   * @param value the value, or null to remove the key
   * @param <T> the value type
   * @return this call
   */
  public <T> RpcCall put(RpcContext.Key<T> key, T value) {
    context = context.with(key, value);
    return this;
  }

  /**
   * Replaces the call's context.
   *
   * @param context the new context
   * @return this call
   */
  public RpcCall context(RpcContext context) {
    this.context = Objects.requireNonNull(context, "context == null");
    return this;
  }

  @Override
  public String toString() {
    return "RpcCall[" + direction + " " + method + (rawId == null ? "" : " id=" + rawId) + "]";
  }
}
