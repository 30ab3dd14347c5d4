package dev.duplexrpc.server;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.duplexrpc.core.ConnectionClosedException;
import dev.duplexrpc.core.ErrorCodes;
import dev.duplexrpc.core.Peer;
import dev.duplexrpc.core.RpcException;
import dev.duplexrpc.server.cluster.Backplane;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The server's place in a cluster of nodes sharing a {@link Backplane}: which node this is, and
 * handles for calling clients connected to any node. A server without a backplane is a cluster of
 * one: {@link #connection(String)} then finds its own connections only.
 *
 * <pre>{@code
 * // in a handler on node 1, for a client connected to node 3:
 * ConnectionHandle h = server.cluster().connection(customerConnectionId);
 * boolean ok = h.remote(Customer.class).confirm("order 17");
 * }</pre>
 *
 * <h2>What travels</h2>
 *
 * Events published on one node go to every node ({@link Events#publish}). A call through a
 * handle of a connection on another node goes to that node, which makes the call on its client
 * and sends the answer back; a cancel or a timeout on the calling node cancels the call there.
 * The directory of which node holds which connection, and which nodes are alive, is the
 * backplane's (see docs/cluster.md).
 *
 * <p>This class is thread-safe.
 *
 * @since 0.1
 */
public final class Cluster {
  private static final System.Logger LOG = System.getLogger(Cluster.class.getName());

  private final Backplane backplane; // null: a cluster of one
  private final String nodeId;
  private final RpcEndpoint endpoint;
  private final Events events;
  private final Peer.Builder remoteTemplate;
  /** Handles of connections on other nodes, by connection id. */
  private final ConcurrentHashMap<String, RemoteConnection> remotes = new ConcurrentHashMap<>();
  /** Calls other nodes asked this node to make, by "node connection id". */
  private final ConcurrentHashMap<String, CompletableFuture<?>> forwarded = new ConcurrentHashMap<>();
  /** The nodes that called each local connection, to tell them when it closes. */
  private final ConcurrentHashMap<String, Set<String>> callers = new ConcurrentHashMap<>();
  private volatile boolean started;
  private volatile boolean closed;

  Cluster(RpcEndpoint endpoint, Events events, Backplane backplane, Peer.Builder remoteTemplate) {
    this.endpoint = endpoint;
    this.events = events;
    this.backplane = backplane;
    this.nodeId = backplane == null ? "local" : backplane.nodeId();
    this.remoteTemplate = remoteTemplate;
  }

  /**
   * This node's id: the backplane's, or {@code "local"} without one.
   *
   * @return the node id
   */
  public String nodeId() {
    return nodeId;
  }

  /**
   * Whether the server has a backplane.
   *
   * @return false for a server on its own
   */
  public boolean isClustered() {
    return backplane != null;
  }

  /**
   * Whether cross-node operations can work at this moment: the server has a backplane, it was
   * started, and the bus is reachable.
   *
   * @return false on a server without a backplane, or during a backplane outage
   */
  public boolean isAvailable() {
    return backplane != null && started && !closed && backplane.isAvailable();
  }

  /**
   * A handle for calling a client, whether it is connected to this node or another. It does no
   * I/O: a connection not on this node is looked up in the directory by its first call, and a
   * connection no node holds fails that call with {@link ErrorCodes#UNREACHABLE}.
   *
   * @param connectionId a {@link ServerConnection#id()} of any node
   * @return the handle
   */
  public ConnectionHandle connection(String connectionId) {
    Objects.requireNonNull(connectionId, "connectionId == null");
    Optional<ServerConnection> local = endpoint.connection(connectionId);
    if (local.isPresent()) {
      return new ConnectionHandle(local.get());
    }
    if (backplane == null) { // a server on its own: nowhere else to look
      RemoteConnection r = new RemoteConnection(this, connectionId, remoteTemplate);
      r.unreachable(unreachable(connectionId, nodeId, "no connection " + connectionId
          + " is open on this server, and it has no backplane to find it elsewhere"), true);
      return new ConnectionHandle(connectionId, r.peer());
    }
    RemoteConnection r = remotes.computeIfAbsent(connectionId, id -> new RemoteConnection(this, id, remoteTemplate));
    return new ConnectionHandle(connectionId, r.peer());
  }

  /**
   * Which node holds a connection, according to the directory.
   *
   * @param connectionId a connection id
   * @return a future of the node id; empty when no live node holds it. It fails with {@link
   *     RpcException} {@link ErrorCodes#UNREACHABLE} when the backplane is unavailable
   */
  public CompletableFuture<Optional<String>> locate(String connectionId) {
    Objects.requireNonNull(connectionId, "connectionId == null");
    if (endpoint.connection(connectionId).isPresent()) {
      return CompletableFuture.completedFuture(Optional.of(nodeId));
    }
    if (backplane == null) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    if (!isAvailable()) {
      return CompletableFuture.failedFuture(unavailable(connectionId, null));
    }
    CompletableFuture<Optional<String>> f = new CompletableFuture<>();
    backplane.locate(connectionId).whenComplete((node, e) -> {
      if (e != null) {
        f.completeExceptionally(unavailable(connectionId, e));
      } else {
        f.complete(node);
      }
    });
    return f;
  }

  @Override
  public String toString() {
    return "Cluster[" + nodeId + (backplane == null ? ", single node" : isAvailable() ? "" : ", unavailable") + "]";
  }

  // ---------------------------------------------------------------------------------------------
  // Lifecycle, driven by the endpoint

  void start() throws IOException {
    if (backplane == null || started) {
      return;
    }
    backplane.start(new Receiver());
    started = true;
  }

  void close() {
    if (closed) {
      return;
    }
    closed = true;
    RpcException gone = unreachable(null, nodeId, "this node closed");
    for (RemoteConnection r : remotes.values()) {
      r.unreachable(gone, true);
    }
    for (CompletableFuture<?> f : forwarded.values()) {
      f.cancel(false);
    }
    if (backplane != null && started) {
      backplane.close();
    }
  }

  void opened(ServerConnection c) {
    if (backplane != null && !closed) {
      backplane.register(c.id());
    }
  }

  void closed(ServerConnection c, ConnectionClosedException ex) {
    if (backplane == null || closed) {
      return;
    }
    backplane.unregister(c.id());
    Set<String> nodes = callers.remove(c.id());
    if (nodes != null) {
      for (String node : nodes) {
        JsonObject h = header("closed", c.id());
        h.addProperty("code", ex.closeCode());
        h.addProperty("reason", ex.closeReason());
        sendQuietly(node, h.toString());
      }
    }
  }

  /** Hands an event published here to the other nodes. */
  void relayEvent(String name, String params, int delivered) {
    JsonObject h = new JsonObject();
    h.addProperty("type", "event");
    h.addProperty("from", nodeId);
    h.addProperty("event", name);
    if (!isAvailable()) {
      JsonObject data = new JsonObject();
      data.addProperty("reason", "the cluster backplane is unavailable: event '" + name
          + "' reached this node's subscribers only");
      data.addProperty("node", nodeId);
      data.addProperty("delivered", delivered);
      throw new RpcException(ErrorCodes.UNREACHABLE, ErrorCodes.message(ErrorCodes.UNREACHABLE), data);
    }
    backplane.broadcast(h + "\n" + params).whenComplete((v, e) -> {
      if (e != null) {
        LOG.log(Level.WARNING, "Event {0} did not reach the other nodes: {1}", name, e.toString());
      }
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Used by RemoteConnection

  void watch(String node) {
    backplane.watch(node);
  }

  /** Sends a call-side message (request, notification or cancel) for a connection to its node. */
  CompletableFuture<Void> sendCall(String node, String connectionId, String frame) {
    CompletableFuture<Void> f = new CompletableFuture<>();
    backplane.send(node, header("call", connectionId) + "\n" + frame).whenComplete((v, e) -> {
      if (e != null) {
        f.completeExceptionally(backplane.isAvailable() && !outage(e)
            ? unreachable(connectionId, node, "node " + node + " cannot be reached: " + rootMessage(e), e)
            : unavailable(connectionId, e));
      } else {
        f.complete(null);
      }
    });
    return f;
  }

  private static boolean outage(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof dev.duplexrpc.server.cluster.BackplaneUnavailableException) {
        return true;
      }
    }
    return false;
  }

  void forget(RemoteConnection r) {
    remotes.remove(r.id(), r);
  }

  RpcException unavailable(String connectionId, Throwable cause) {
    return unreachable(connectionId, null, cause == null ? "the cluster backplane is unavailable"
        : "the cluster backplane is unavailable: " + rootMessage(cause), cause);
  }

  static RpcException unreachable(String connectionId, String node, String reason) {
    return unreachable(connectionId, node, reason, null);
  }

  static RpcException unreachable(String connectionId, String node, String reason, Throwable cause) {
    JsonObject data = new JsonObject();
    data.addProperty("reason", reason);
    if (connectionId != null) {
      data.addProperty("connection", connectionId);
    }
    if (node != null) {
      data.addProperty("node", node);
    }
    return new RpcException(ErrorCodes.UNREACHABLE, ErrorCodes.message(ErrorCodes.UNREACHABLE), data, cause);
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while ((t instanceof CompletionException || t instanceof java.util.concurrent.ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }

  private JsonObject header(String type, String connectionId) {
    JsonObject h = new JsonObject();
    h.addProperty("type", type);
    h.addProperty("from", nodeId);
    h.addProperty("connection", connectionId);
    return h;
  }

  private void sendQuietly(String node, String message) {
    backplane.send(node, message).whenComplete((v, e) -> {
      if (e != null) {
        LOG.log(Level.DEBUG, "Message to node {0} not sent: {1}", node, e);
      }
    });
  }

  // ---------------------------------------------------------------------------------------------
  // The owner's side: calls other nodes make on this node's clients

  private void onCall(String from, String connectionId, String frame) {
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
    ServerConnection c = endpoint.connection(connectionId).orElse(null);
    if (c == null || !c.isOpen()) {
      JsonObject h = header("gone", connectionId);
      h.addProperty("reason", "connection " + connectionId + " is not open on node " + nodeId);
      sendQuietly(from, h.toString());
      return;
    }
    backplane.watch(from);
    callers.computeIfAbsent(connectionId, k -> ConcurrentHashMap.newKeySet()).add(from);
    if (!c.isOpen()) { // closed while the caller was being recorded: its close may have missed it
      Set<String> late = callers.remove(connectionId);
      if (late != null) {
        ConnectionClosedException ex = c.closeFuture().getNow(null);
        JsonObject h = header("closed", connectionId);
        h.addProperty("code", ex == null ? 1006 : ex.closeCode());
        h.addProperty("reason", ex == null ? "" : ex.closeReason());
        sendQuietly(from, h.toString());
      }
      return;
    }
    Peer peer = c.peer();
    if (id == null) {
      try {
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
    if (params != null && params.isJsonObject()) {
      f = peer.callNamed(Duration.ZERO, method, JsonElement.class, named(params.getAsJsonObject()));
    } else {
      f = peer.call(Duration.ZERO, method, JsonElement.class, positional(params));
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
      if (callers.remove(connectionId) != null || endpoint.connection(connectionId).isEmpty()) {
        JsonObject h = header("closed", connectionId);
        h.addProperty("code", cc.closeCode());
        h.addProperty("reason", cc.closeReason());
        sendQuietly(from, h.toString());
        return;
      }
    }
    JsonObject response = new JsonObject();
    response.addProperty("jsonrpc", "2.0");
    response.add("id", id);
    if (e == null) {
      response.add("result", result == null ? com.google.gson.JsonNull.INSTANCE : result);
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
    sendQuietly(from, header("reply", connectionId) + "\n" + response);
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

  // ---------------------------------------------------------------------------------------------

  private final class Receiver implements Backplane.Receiver {
    @Override
    public void onBroadcast(String message) {
      int nl = message.indexOf('\n');
      try {
        JsonObject h = JsonParser.parseString(nl < 0 ? message : message.substring(0, nl)).getAsJsonObject();
        if (nodeId.equals(h.get("from").getAsString())) {
          return;
        }
        if ("event".equals(h.get("type").getAsString()) && nl >= 0) {
          events.deliverFromCluster(h.get("event").getAsString(), message.substring(nl + 1));
        }
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "Malformed cluster broadcast dropped: {0}", e.toString());
      }
    }

    @Override
    public void onMessage(String message) {
      int nl = message.indexOf('\n');
      try {
        JsonObject h = JsonParser.parseString(nl < 0 ? message : message.substring(0, nl)).getAsJsonObject();
        String type = h.get("type").getAsString();
        String from = h.get("from").getAsString();
        String connectionId = h.get("connection").getAsString();
        String body = nl < 0 ? null : message.substring(nl + 1);
        switch (type) {
          case "call":
            if (body != null) {
              onCall(from, connectionId, body);
            }
            break;
          case "reply": {
            RemoteConnection r = remotes.get(connectionId);
            if (r != null && body != null) {
              r.reply(body);
            }
            break;
          }
          case "closed": {
            RemoteConnection r = remotes.get(connectionId);
            if (r != null) {
              r.closedRemotely(h.get("code").getAsInt(), h.get("reason").getAsString());
            }
            break;
          }
          case "gone": {
            RemoteConnection r = remotes.get(connectionId);
            if (r != null) {
              r.unreachable(unreachable(connectionId, from, h.get("reason").getAsString()), true);
            }
            break;
          }
          default:
            LOG.log(Level.DEBUG, "Cluster message of unknown type {0} dropped", type);
        }
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "Malformed cluster message dropped: {0}", e.toString());
      }
    }

    @Override
    public void nodeDown(String node) {
      LOG.log(Level.INFO, "Node {0} left the cluster", node);
      for (RemoteConnection r : remotes.values()) {
        if (node.equals(r.node())) {
          r.unreachable(unreachable(r.id(), node, "node " + node + " holding the connection left the cluster"), true);
        }
      }
      String prefix = node + " ";
      forwarded.forEach((k, f) -> {
        if (k.startsWith(prefix)) {
          f.cancel(false);
        }
      });
      for (Set<String> s : callers.values()) {
        s.remove(node);
      }
    }

    @Override
    public void availabilityChanged(boolean available) {
      // The backplane logs the outage itself, with its cause, at WARNING.
      LOG.log(Level.INFO, available ? "Cluster backplane available again"
          : "Cluster backplane unavailable: cross-node calls and events fail with -32007");
      if (!available) {
        for (RemoteConnection r : remotes.values()) {
          r.unreachable(unavailable(r.id(), null), false);
        }
        for (CompletableFuture<?> f : forwarded.values()) {
          f.cancel(false);
        }
      }
    }
  }
}
