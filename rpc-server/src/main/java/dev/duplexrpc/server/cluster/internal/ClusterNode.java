package dev.duplexrpc.server.cluster.internal;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.duplexrpc.core.ConnectionClosedException;
import dev.duplexrpc.core.ErrorCodes;
import dev.duplexrpc.core.Peer;
import dev.duplexrpc.core.RpcException;
import dev.duplexrpc.server.ServerConnection;
import dev.duplexrpc.server.cluster.Backplane;
import dev.duplexrpc.server.cluster.BackplaneUnavailableException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * One server node's side of the cluster: the relay between its endpoint and the {@link
 * Backplane}, behind the public {@link dev.duplexrpc.server.cluster.Cluster}. The endpoint drives
 * its lifecycle ({@link #start}, {@link #opened}, {@link #closed}, {@link #close}) and hands it
 * published events ({@link #relayEvent}); it answers the messages other nodes send.
 *
 * <h2>The protocol between nodes</h2>
 *
 * Every backplane message is one line of JSON header, then {@code \n}, then a body (if any). The
 * header has {@code type}, {@code from} (the sending node) and, except for events, {@code
 * connection} (a connection id):
 *
 * <ul>
 *   <li>{@code event} (broadcast; header {@code event}: the name): body is the params array as
 *       the publishing node wrote it.
 *   <li>{@code call}: body is a JSON-RPC request, notification or {@code rpc.cancel} for a
 *       connection of the receiving node, as the caller's Peer wrote it ({@link RemoteConnection}).
 *   <li>{@code reply}: body is the JSON-RPC response to a {@code call}, with the caller's id.
 *   <li>{@code closed} (header {@code code}, {@code reason}): the connection closed on its node.
 *   <li>{@code gone} (header {@code reason}): no such connection is open on that node.
 *   <li>{@code attach}, {@code in}, {@code out}, {@code refused}, {@code drop}: a client's socket
 *       on one node bridged to the session another node holds ({@link SessionBridges}; the
 *       header's {@code connection} is the bridge's id).
 * </ul>
 *
 * The owner's side of calls is {@link ForwardedCalls}. This class is thread-safe.
 */
public final class ClusterNode {
  private static final System.Logger LOG = System.getLogger(ClusterNode.class.getName());

  private final Backplane backplane; // null: a cluster of one
  private final String nodeId;
  private final Function<String, Optional<ServerConnection>> connections;
  private final BiConsumer<String, String> events;
  private final Peer.Builder remoteTemplate;
  private final ForwardedCalls forwarded;
  private final SessionBridges bridges = new SessionBridges(this);
  /** Handles of connections on other nodes, by connection id. */
  private final ConcurrentHashMap<String, RemoteConnection> remotes = new ConcurrentHashMap<>();
  private volatile boolean started;
  private volatile boolean closed;

  /**
   * A node of its endpoint; the two functions are all it reads of the endpoint.
   *
   * @param connections the endpoint's open connection with an id, if any
   * @param events delivers an event another node published (name, params array text) to this
   *     node's subscribers
   * @param backplane the backplane, or null for a cluster of one
   * @param remoteTemplate the Peer settings of connections on other nodes, as this node calls them
   */
  public ClusterNode(Function<String, Optional<ServerConnection>> connections, BiConsumer<String, String> events,
      Backplane backplane, Peer.Builder remoteTemplate) {
    this.connections = connections;
    this.events = events;
    this.backplane = backplane;
    this.nodeId = backplane == null ? "local" : backplane.nodeId();
    this.remoteTemplate = remoteTemplate;
    this.forwarded = new ForwardedCalls(this);
  }

  /** This node's id: the backplane's, or {@code "local"} without one. */
  public String nodeId() {
    return nodeId;
  }

  /** Resumes across nodes: sessions this node holds, sockets bridged to other nodes' sessions. */
  public SessionBridges bridges() {
    return bridges;
  }

  /** Whether the server has a backplane. */
  public boolean isClustered() {
    return backplane != null;
  }

  /** Whether cross-node operations can work at this moment. */
  public boolean isAvailable() {
    return backplane != null && started && !closed && backplane.isAvailable();
  }

  /** The open connection of this node with an id. */
  public Optional<ServerConnection> local(String connectionId) {
    return connections.apply(connectionId);
  }

  /**
   * The Peer calls to a connection not on this node go through: shared by the handles of one
   * connection id; without a backplane, one whose every call fails with {@link
   * ErrorCodes#UNREACHABLE}.
   */
  public Peer remotePeer(String connectionId) {
    if (backplane == null) { // a server on its own: nowhere else to look
      RemoteConnection r = new RemoteConnection(this, connectionId, remoteTemplate);
      r.unreachable(unreachable(connectionId, nodeId, "no connection " + connectionId
          + " is open on this server, and it has no backplane to find it elsewhere"), true);
      return r.peer();
    }
    return remotes.computeIfAbsent(connectionId, id -> new RemoteConnection(this, id, remoteTemplate)).peer();
  }

  /** Which node holds a connection; see {@link dev.duplexrpc.server.cluster.Cluster#locate}. */
  public CompletableFuture<Optional<String>> locate(String connectionId) {
    if (local(connectionId).isPresent()) {
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
    return nodeId + (backplane == null ? ", single node" : isAvailable() ? "" : ", unavailable");
  }

  // ---------------------------------------------------------------------------------------------
  // Lifecycle, driven by the endpoint

  /** Connects the backplane, if any; once. */
  public void start() throws IOException {
    if (backplane == null || started) {
      return;
    }
    backplane.start(new Receiver());
    started = true;
  }

  /** Fails every cross-node call at once and closes the backplane. Idempotent. */
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    RpcException gone = unreachable(null, nodeId, "this node closed");
    for (RemoteConnection r : remotes.values()) {
      r.unreachable(gone, true);
    }
    forwarded.cancelAll();
    bridges.nodeDown(null);
    if (backplane != null && started) {
      backplane.close();
    }
  }

  /** A connection opened on this node: into the directory. */
  public void opened(ServerConnection c) {
    if (backplane != null && !closed) {
      backplane.register(c.id());
    }
  }

  /** A connection of this node closed: out of the directory, and its callers are told. */
  public void closed(ServerConnection c, ConnectionClosedException ex) {
    if (backplane == null || closed) {
      return;
    }
    backplane.unregister(c.id());
    forwarded.closed(c.id(), ex.closeCode(), ex.closeReason());
  }

  /**
   * Hands an event published here to the other nodes.
   *
   * @throws RpcException {@link ErrorCodes#UNREACHABLE} when the backplane is unavailable
   */
  public void relayEvent(String name, String params, int delivered) {
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
  // Used by RemoteConnection and ForwardedCalls

  void watch(String node) {
    backplane.watch(node);
  }

  /** Sends a message to a node; the stage fails if the backplane did not take it. */
  CompletionStage<Void> send(String node, String message) {
    return backplane.send(node, message);
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
      if (t instanceof BackplaneUnavailableException) {
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
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }

  /** The header line of a message about a connection. */
  JsonObject header(String type, String connectionId) {
    JsonObject h = new JsonObject();
    h.addProperty("type", type);
    h.addProperty("from", nodeId);
    h.addProperty("connection", connectionId);
    return h;
  }

  /** A {@code closed} message about a connection, to a node that called it. */
  void sendClosed(String node, String connectionId, int code, String reason) {
    JsonObject h = header("closed", connectionId);
    h.addProperty("code", code);
    h.addProperty("reason", reason);
    sendQuietly(node, h.toString());
  }

  void sendQuietly(String node, String message) {
    backplane.send(node, message).whenComplete((v, e) -> {
      if (e != null) {
        LOG.log(Level.DEBUG, "Message to node {0} not sent: {1}", node, e);
      }
    });
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
          events.accept(h.get("event").getAsString(), message.substring(nl + 1));
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
        if (bridges.onMessage(type, h, from, connectionId, body)) {
          return;
        }
        RemoteConnection r = remotes.get(connectionId);
        switch (type) {
          case "call":
            if (body != null) {
              forwarded.onCall(from, connectionId, body);
            }
            break;
          case "reply":
            if (r != null && body != null) {
              r.reply(body);
            }
            break;
          case "closed":
            if (r != null) {
              r.closedRemotely(h.get("code").getAsInt(), h.get("reason").getAsString());
            }
            break;
          case "gone":
            if (r != null) {
              r.unreachable(unreachable(connectionId, from, h.get("reason").getAsString()), true);
            }
            break;
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
      forwarded.nodeDown(node);
      bridges.nodeDown(node);
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
        forwarded.cancelAll();
        bridges.nodeDown(null);
      }
    }
  }
}
