package dev.duplexrpc.server.cluster.internal;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.duplexrpc.core.ConnectionClosedException;
import dev.duplexrpc.core.ErrorCodes;
import dev.duplexrpc.core.Peer;
import dev.duplexrpc.core.RpcContext;
import dev.duplexrpc.core.RpcException;
import dev.duplexrpc.core.TraceContext;
import dev.duplexrpc.server.ServerConnection;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The owner's side of cross-node calls: the {@code call} messages other nodes send for this
 * node's connections are made on those connections' Peers, and their answers go back as {@code
 * reply} (or {@code closed} when the connection closed meanwhile). A cancel, or the calling node
 * leaving, cancels the call here. Thread-safe.
 */
final class ForwardedCalls {
  private static final System.Logger LOG = System.getLogger(ForwardedCalls.class.getName());

  private final ClusterNode node;
  /** Calls other nodes asked this node to make, by "node connection id". */
  private final ConcurrentHashMap<String, CompletableFuture<?>> forwarded = new ConcurrentHashMap<>();
  /** The nodes that called each local connection, to tell them when it closes. */
  private final ConcurrentHashMap<String, Set<String>> callers = new ConcurrentHashMap<>();

  ForwardedCalls(ClusterNode node) {
    this.node = node;
  }

  /** A {@code call} message from node {@code from} for a connection of this node. */
  void onCall(String from, String connectionId, String frame) {
    JsonObject m;
    try {
      m = JsonParser.parseString(frame).getAsJsonObject();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "Malformed call from node {0} dropped: {1}", from, e.toString());
      return;
    }
    String method = m.has("method") ? m.get("method").getAsString() : "";
    JsonElement id = m.get("id");
    JsonElement params = m.get("params");
    if ("rpc.cancel".equals(method) && id == null) {
      JsonElement target = params != null && params.isJsonObject() ? params.getAsJsonObject().get("id") : null;
      CompletableFuture<?> f = target == null ? null : forwarded.get(key(from, connectionId, target));
      if (f != null) {
        f.cancel(false); // the client gets rpc.cancel from its Peer
      }
      return;
    }
    ServerConnection c = node.local(connectionId).orElse(null);
    if (c == null || !c.isOpen()) {
      JsonObject h = node.header("gone", connectionId);
      h.addProperty("reason", "connection " + connectionId + " is not open on node " + node.nodeId());
      node.sendQuietly(from, h.toString());
      return;
    }
    node.watch(from);
    callers.computeIfAbsent(connectionId, k -> ConcurrentHashMap.newKeySet()).add(from);
    if (!c.isOpen()) { // closed while the caller was being recorded: its close may have missed it
      if (callers.remove(connectionId) != null) {
        ConnectionClosedException ex = c.closeFuture().getNow(null);
        node.sendClosed(from, connectionId, ex == null ? 1006 : ex.closeCode(), ex == null ? "" : ex.closeReason());
      }
      return;
    }
    Peer peer = c.peer();
    if (id == null) {
      try (RpcContext.Scope s = callerTrace(m).attach()) {
        if (params != null && params.isJsonObject()) {
          peer.notifyNamed(method, named(params.getAsJsonObject()));
        } else {
          peer.notify(method, positional(params));
        }
      } catch (RuntimeException e) {
        LOG.log(Level.DEBUG, "Forwarded notification {0} not sent: {1}", method, e);
      }
      return;
    }
    String key = key(from, connectionId, id);
    CompletableFuture<JsonElement> f;
    try (RpcContext.Scope s = callerTrace(m).attach()) { // the calling node's trace continues here
      if (params != null && params.isJsonObject()) {
        f = peer.callNamed(Duration.ZERO, method, JsonElement.class, named(params.getAsJsonObject()));
      } else {
        f = peer.call(Duration.ZERO, method, JsonElement.class, positional(params));
      }
    }
    forwarded.put(key, f);
    f.whenComplete((result, error) -> {
      forwarded.remove(key, f);
      answer(from, connectionId, id, result, error);
    });
  }

  private void answer(String from, String connectionId, JsonElement id, JsonElement result, Throwable error) {
    Throwable e = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    if (e instanceof CancellationException) {
      return; // the caller cancelled, or gave up: it expects nothing
    }
    if (e instanceof ConnectionClosedException cc) {
      if (callers.remove(connectionId) != null || node.local(connectionId).isEmpty()) {
        node.sendClosed(from, connectionId, cc.closeCode(), cc.closeReason());
        return;
      }
    }
    JsonObject response = new JsonObject();
    response.addProperty("jsonrpc", "2.0");
    response.add("id", id);
    if (e == null) {
      response.add("result", result == null ? JsonNull.INSTANCE : result);
    } else {
      JsonObject err = new JsonObject();
      if (e instanceof RpcException r) {
        err.addProperty("code", r.code());
        err.addProperty("message", r.errorMessage());
        if (r.data() != null) {
          err.add("data", r.data());
        }
      } else {
        LOG.log(Level.WARNING, "Forwarded call on " + connectionId + " failed", e);
        err.addProperty("code", ErrorCodes.INTERNAL_ERROR);
        err.addProperty("message", ErrorCodes.message(ErrorCodes.INTERNAL_ERROR));
      }
      response.add("error", err);
    }
    node.sendQuietly(from, node.header("reply", connectionId) + "\n" + response);
  }

  /** A connection of this node closed: every node that called it is told. */
  void closed(String connectionId, int code, String reason) {
    Set<String> nodes = callers.remove(connectionId);
    if (nodes != null) {
      for (String caller : nodes) {
        node.sendClosed(caller, connectionId, code, reason);
      }
    }
  }

  /** A node left: the calls it asked for are cancelled, and it is no longer told of closes. */
  void nodeDown(String gone) {
    String prefix = gone + " ";
    forwarded.forEach((k, f) -> {
      if (k.startsWith(prefix)) {
        f.cancel(false);
      }
    });
    for (Set<String> s : callers.values()) {
      s.remove(gone);
    }
  }

  /** Cancels every call made for another node (this node closed, or the backplane is out). */
  void cancelAll() {
    for (CompletableFuture<?> f : forwarded.values()) {
      f.cancel(false);
    }
  }

  /**
   * The trace context the calling node's Peer wrote into the frame, as the remote parent of the
   * call made here ({@link TraceContext#REMOTE_PARENT}); the empty context when there is none.
   */
  private static RpcContext callerTrace(JsonObject m) {
    JsonElement parent = m.get(TraceContext.TRACEPARENT);
    if (parent == null || !parent.isJsonPrimitive() || !parent.getAsJsonPrimitive().isString()) {
      return RpcContext.EMPTY;
    }
    JsonElement state = m.get(TraceContext.TRACESTATE);
    try {
      return RpcContext.EMPTY.with(TraceContext.REMOTE_PARENT, TraceContext.of(parent.getAsString(),
          state != null && state.isJsonPrimitive() ? state.getAsString() : null));
    } catch (IllegalArgumentException e) {
      return RpcContext.EMPTY;
    }
  }

  private static Object[] positional(JsonElement params) {
    if (params == null || params.isJsonNull()) {
      return new Object[0];
    }
    JsonArray a = params.getAsJsonArray();
    Object[] out = new Object[a.size()];
    for (int i = 0; i < out.length; i++) {
      JsonElement e = a.get(i);
      out[i] = e.isJsonNull() ? null : e;
    }
    return out;
  }

  private static Map<String, Object> named(JsonObject params) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonElement> e : params.entrySet()) {
      out.put(e.getKey(), e.getValue().isJsonNull() ? null : e.getValue());
    }
    return out;
  }

  private static String key(String node, String connectionId, JsonElement id) {
    return node + " " + connectionId + " " + id;
  }
}
