package dev.duplexrpc.core.transport;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletionStage;

/**
 * One connection's message channel, as the {@link dev.duplexrpc.core.Peer} sees it: the only type
 * a binding (WebSocket, in-memory, anything else) implements.
 *
 * <p>A transport carries whole text messages, each one JSON-RPC message (an object or a batch
 * array). It delivers the messages it receives, and finally its close, to the {@link Listener}
 * given to {@link #start}.
 *
 * <h2>Contract</h2>
 *
 * <ul>
 *   <li>{@link #start} is called once, by the Peer, before any other method. Messages received
 *       before it must be buffered, not dropped.
 *   <li>{@link Listener#onMessage} is called for one message at a time, in the order received.
 *       The Peer does little work on that thread and never runs user code there.
 *   <li>{@link Listener#onClose} is called exactly once, when the connection is closed from
 *       either side or fails; no callback follows it.
 *   <li>{@link #send} and {@link #close} may be called from any thread, concurrently.
 * </ul>
 *
 * <p>Close codes are WebSocket close codes (RFC 6455, section 7.4): 1000 normal, 1001 going away,
 * 1003 unsupported data, 1009 message too big, 1011 internal error.
 *
 * @since 0.1
 */
public interface Transport {

  /**
   * Starts delivering received messages and the close event to {@code listener}.
   *
   * @param listener receives messages and the close; never null
   * @throws IllegalStateException if the transport was already started
   */
  void start(Listener listener);

  /**
   * Sends one text message. Never blocks the caller for longer than it takes to queue the message.
   *
   * @param message one complete JSON-RPC message
   * @return a stage that completes when the message was handed to the network, or completes
   *     exceptionally if it could not be (for example because the connection is closed). A call
   *     whose request could not be sent fails with {@link dev.duplexrpc.core.ConnectionClosedException}
   *     (code 1006), unless the stage failed with an {@link dev.duplexrpc.core.RpcException}: the
   *     call then fails with that exception
   */
  CompletionStage<Void> send(String message);

  /**
   * Closes the connection with a code and a reason. Idempotent: a second call does nothing.
   *
   * @param code a WebSocket close code
   * @param reason a short human-readable reason (at most 123 bytes in UTF-8 on WebSocket)
   */
  void close(int code, String reason);

  /**
   * The subprotocol the connection's handshake agreed (RFC 6455, section 1.9), which tells the
   * Peer whether the other end agreed Duplex RPC's wire extensions ({@link Subprotocols}). A
   * transport without a handshake returns the empty string: plain JSON-RPC 2.0.
   *
   * @return the agreed subprotocol, or the empty string for none; never null
   * @since 0.2
   */
  default String subprotocol() {
    return "";
  }

  /**
   * The bytes handed to {@link #send} and not yet written to the network, for metrics ({@link
   * dev.duplexrpc.core.Peer#stats()}).
   *
   * @return the count; 0 for a transport that does not queue
   * @since 0.2
   */
  default long queuedBytes() {
    return 0;
  }

  /**
   * The socket address of the other end, for telemetry ({@code network.peer.address}).
   *
   * @return the address, or null when the transport does not know it
   * @since 0.2
   */
  default InetSocketAddress remoteAddress() {
    return null;
  }

  /**
   * The host and port the client used to reach the server, for telemetry ({@code
   * server.address}): on a client the URI's, on a server the request's {@code Host} header.
   *
   * @return an unresolved address (port 0 when not known), or null when not known at all
   * @since 0.2
   */
  default InetSocketAddress serverAddress() {
    return null;
  }

  /**
   * Receives what a {@link Transport} delivers.
   *
   * @since 0.1
   */
  interface Listener {
    /**
     * Called for each received text message, one at a time, in order.
     *
     * @param message the message text
     */
    void onMessage(String message);

    /**
     * Called once when the connection is closed, from either side or by a failure. The last
     * callback.
     *
     * @param code the WebSocket close code (1006 when the connection was lost without a close)
     * @param reason the close reason, possibly empty
     */
    void onClose(int code, String reason);
  }
}
