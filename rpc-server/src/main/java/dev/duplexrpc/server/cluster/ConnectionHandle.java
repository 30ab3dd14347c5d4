package dev.duplexrpc.server.cluster;

import dev.duplexrpc.core.Peer;
import dev.duplexrpc.server.ServerConnection;
import com.google.gson.reflect.TypeToken;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A way to call one client of the cluster, wherever it is connected: on this node (then it wraps
 * the {@link ServerConnection}) or on another node (then calls travel there through the
 * backplane, and the answers come back). Made by {@link Cluster#connection(String)}.
 *
 * <pre>{@code
 * ConnectionHandle h = server.cluster().connection(connectionId);
 * String answer = h.remote(Customer.class).confirm("order 17");   // local or remote alike
 * }</pre>
 *
 * <h2>Failures</h2>
 *
 * Calls through a handle fail as calls through a {@link ServerConnection} do ({@link
 * dev.duplexrpc.core.RpcException} with the client's error, {@link
 * dev.duplexrpc.core.RpcTimeoutException} after the server's call timeout, {@link
 * dev.duplexrpc.core.ConnectionClosedException} with the client's close code when its connection
 * closed), and in one more way: {@link dev.duplexrpc.core.RpcException} with code {@link
 * dev.duplexrpc.core.ErrorCodes#UNREACHABLE} (-32007) when no node holds the connection any more,
 * its node died, or the backplane is unavailable. Those fail at once, not after the timeout.
 *
 * <p>This class is thread-safe.
 *
 * @since 0.1
 */
public final class ConnectionHandle {
  private final String id;
  private final ServerConnection local;
  private final Peer peer;

  ConnectionHandle(ServerConnection local) {
    this.id = local.id();
    this.local = local;
    this.peer = local.peer();
  }

  ConnectionHandle(String id, Peer remotePeer) {
    this.id = id;
    this.local = null;
    this.peer = remotePeer;
  }

  /** The Peer calls go through: the local connection's, or the relay's. */
  Peer peer() {
    return peer;
  }

  /**
   * The connection's id.
   *
   * @return the id
   */
  public String id() {
    return id;
  }

  /**
   * Whether the connection is on this node.
   *
   * @return true for a connection of this server
   */
  public boolean isLocal() {
    return local != null;
  }

  /**
   * The connection itself, when it is on this node.
   *
   * @return the connection, or empty when it is on another node
   */
  public Optional<ServerConnection> local() {
    return Optional.ofNullable(local);
  }

  /**
   * A typed proxy of the client's service; see {@link Peer#remote(Class)}.
   *
   * @param service an annotated interface the client serves
   * @param <T> the interface type
   * @return the proxy
   */
  public <T> T remote(Class<T> service) {
    return peer.remote(service);
  }

  /**
   * Calls a method of the client with positional params; see {@link Peer#call(String, Class,
   * Object...)}.
   *
   * @param method the wire name
   * @param resultType the class of the result
   * @param params the params
   * @param <T> the result type
   * @return the future of the result
   */
  public <T> CompletableFuture<T> call(String method, Class<T> resultType, Object... params) {
    return peer.call(method, resultType, params);
  }

  /** Like {@link #call(String, Class, Object...)}, for a generic result type. */
  public <T> CompletableFuture<T> call(String method, TypeToken<T> resultType, Object... params) {
    return peer.call(method, resultType, params);
  }

  /**
   * Sends a notification to the client; see {@link Peer#notify(String, Object...)}.
   *
   * @param method the wire name
   * @param params the params
   * @return a future that completes when the notification was handed on
   */
  public CompletableFuture<Void> notify(String method, Object... params) {
    Objects.requireNonNull(method, "method == null");
    return peer.notify(method, params);
  }

  @Override
  public String toString() {
    return "ConnectionHandle[" + id + (local != null ? ", local" : ", remote") + "]";
  }
}
