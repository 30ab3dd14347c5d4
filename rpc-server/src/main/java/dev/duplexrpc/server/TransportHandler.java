package dev.duplexrpc.server;

import dev.duplexrpc.core.transport.Transport;

/**
 * Takes each connection at the message level instead of the {@link dev.duplexrpc.core.Peer} the
 * server would make for it: the connection's text messages are handed over as they arrive,
 * unparsed, and the handler sends whatever text it likes. For relays, bridges and proxies that pass
 * JSON-RPC through without serving it.
 *
 * <pre>{@code
 * RpcServer server = RpcServer.builder()
 *     .transportHandler((id, handshake, transport) -> transport.start(new Transport.Listener() {
 *       public void onMessage(String message) { transport.send(message); }   // an echo
 *       public void onClose(int code, String reason) { }
 *     }))
 *     .build()
 *     .start();
 * }</pre>
 *
 * <h2>What still applies</h2>
 *
 * The socket-level settings: host, port, path, TLS, the authenticator and the allowed origins,
 * {@code maxMessageSize} (an incoming message over it closes the connection with 1009 and is not
 * delivered; sending one over it fails the send with {@code IllegalArgumentException}), the
 * heartbeat ({@code pingInterval}, {@code idleTimeout}), {@code maxQueuedBytes} and the frame
 * listener. Nothing above the socket applies: no services, events or connection listener (the
 * builder refuses them together with a transport handler), no limits on batches, nesting or calls
 * in flight, no answer to invalid JSON. Such connections are not listed by {@link
 * RpcServer#connections()}; {@link RpcServer#close()} closes them with 1001.
 *
 * <h2>The transport</h2>
 *
 * Messages that arrive before {@link Transport#start} are kept, in order, and delivered once it is
 * called, which may be during {@link #onOpen} or later. {@link Transport.Listener#onClose} is
 * called once, last, whoever closed the connection. {@link Transport#send} and {@link
 * Transport#close} may be called from any thread.
 *
 * @since 0.1
 */
@FunctionalInterface
public interface TransportHandler {

  /**
   * A connection opened. Runs on a socket thread before the connection's first message is
   * delivered; keep it short. Throwing refuses the connection: it is closed with 1008 (policy
   * violation) and the exception's message as the reason.
   *
   * @param connectionId unique among the server's open connections
   * @param handshake the client's upgrade request
   * @param transport the connection's message channel; call {@link Transport#start} to receive
   * @throws Exception to refuse the connection
   */
  void onOpen(String connectionId, Handshake handshake, Transport transport) throws Exception;
}
