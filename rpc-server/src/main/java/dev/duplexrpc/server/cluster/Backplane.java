package dev.duplexrpc.server.cluster;

import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * The shared bus that lets several servers act as one: what a node needs from it, and nothing
 * about how it is built. A server given a backplane ({@code RpcServer.Builder.backplane}) sends
 * its events to every node through it, records which node holds each of its connections, and
 * sends calls for clients of other nodes to their node. The module {@code rpc-redis} implements
 * it on Redis ({@code RedisBackplane}).
 *
 * <pre>{@code
 * RpcServer server = RpcServer.builder()
 *     .service(new ShopImpl())
 *     .event("priceChanged")
 *     .backplane(RedisBackplane.builder().uri("redis://redis.internal:6379").build())
 *     .build()
 *     .start();                                   // connects the backplane first
 * }</pre>
 *
 * <h2>Contract</h2>
 *
 * The server owns what travels: every message is a text the server builds and reads; a backplane
 * carries it unchanged.
 *
 * <ul>
 *   <li>{@link #start} is called once, before any other method but {@link #nodeId()}; {@link
 *       #close()} once at the end.
 *   <li>{@link #broadcast} reaches every other started node once; messages broadcast by one node
 *       arrive at each node in the order they were broadcast. Whether the sender hears its own
 *       messages does not matter (the server ignores them).
 *   <li>{@link #send} reaches one node; messages sent by one node to another arrive in the order
 *       they were sent.
 *   <li>Delivery is at most once: a message lost in an outage is not sent again.
 *   <li>Receiver callbacks for messages come one at a time, on a thread that must not be blocked
 *       for long; the server never runs user code on it.
 *   <li>The methods may be called from any thread and must not block on the network: failures
 *       are reported through the returned stages. While the bus is unavailable they fail at once.
 * </ul>
 *
 * @since 0.1
 */
public interface Backplane extends AutoCloseable {

  /**
   * This node's id, unique among the nodes sharing the bus. Available before {@link #start}.
   *
   * @return the node id: letters, digits, {@code .}, {@code _} and {@code -}
   */
  String nodeId();

  /**
   * Connects to the bus, announces this node as alive and starts delivering to {@code receiver}.
   *
   * @param receiver receives messages, node failures and availability changes
   * @throws IOException if the bus cannot be reached or refuses this node (for example because
   *     another live node has the same id); the message says what to fix
   */
  void start(Receiver receiver) throws IOException;

  /**
   * Sends a message to every other node.
   *
   * @param message the text
   * @return a stage that completes when the bus took the message, or fails if it could not
   */
  CompletionStage<Void> broadcast(String message);

  /**
   * Sends a message to one node.
   *
   * @param nodeId the node
   * @param message the text
   * @return a stage that completes when the bus took the message, or fails if it could not
   */
  CompletionStage<Void> send(String nodeId, String message);

  /**
   * Records in the directory that this node holds a connection, until {@link #unregister} or
   * until this node stops refreshing it (it died). The backplane keeps the entry alive, and
   * writes it again after an outage.
   *
   * @param connectionId the connection's id
   */
  void register(String connectionId);

  /**
   * Removes a connection of this node from the directory.
   *
   * @param connectionId the connection's id
   */
  void unregister(String connectionId);

  /**
   * Finds the node holding a connection.
   *
   * @param connectionId the connection's id
   * @return a stage with the node's id, or empty if the directory does not know the connection or
   *     its node is not alive; it fails if the bus is unavailable
   */
  CompletionStage<Optional<String>> locate(String connectionId);

  /**
   * Asks to hear, through {@link Receiver#nodeDown}, when a node stops being alive. A node is
   * watched until that is reported once. Watching a watched node again does nothing.
   *
   * @param nodeId the node
   */
  void watch(String nodeId);

  /**
   * Whether the bus is reachable at this moment.
   *
   * @return false during an outage
   */
  boolean isAvailable();

  /** Leaves the bus: removes this node and its connections from the directory, disconnects. */
  @Override
  void close();

  /**
   * What a backplane delivers to its server.
   *
   * @since 0.1
   */
  interface Receiver {
    /**
     * A message {@link #broadcast} by a node (possibly this one).
     *
     * @param message the text
     */
    void onBroadcast(String message);

    /**
     * A message {@link #send sent} to this node.
     *
     * @param message the text
     */
    void onMessage(String message);

    /**
     * A watched node is no longer alive (it died or left).
     *
     * @param nodeId the node
     */
    void nodeDown(String nodeId);

    /**
     * The bus became unavailable, or available again. After an outage the backplane has
     * subscribed again and written this node's directory entries back before reporting {@code
     * true}; messages sent during the outage are lost.
     *
     * @param available whether the bus is now available
     */
    void availabilityChanged(boolean available);
  }
}
