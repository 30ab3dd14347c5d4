package dev.duplexrpc.server;

import dev.duplexrpc.core.transport.Transport;
import dev.duplexrpc.websocket.SocketSettings;
import dev.duplexrpc.websocket.internal.SessionTransport;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.lang.System.Logger.Level;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;

/**
 * The connections a {@link TransportHandler} takes over: no Peer, the handler gets the socket's
 * transport (within the message size limit) and the library keeps only the heartbeat and the
 * registry it closes on shutdown. Thread-safe.
 */
final class RawConnections {
  private static final System.Logger LOG = System.getLogger(RpcEndpoint.class.getName());

  private final TransportHandler handler;
  private final int maxMessageSize;
  private final SocketSettings socket;
  private final UnaryOperator<Transport> rateLimited;
  private final BooleanSupplier closed;
  private final ConcurrentHashMap<String, SessionTransport> open = new ConcurrentHashMap<>();

  /**
   * @param handler the handler
   * @param maxMessageSize the largest message, in UTF-8 bytes
   * @param socket the heartbeat settings
   * @param rateLimited the session transport behind the incoming rate limit, if one is set
   * @param closed whether the endpoint was closed
   */
  RawConnections(TransportHandler handler, int maxMessageSize, SocketSettings socket,
      UnaryOperator<Transport> rateLimited, BooleanSupplier closed) {
    this.handler = handler;
    this.maxMessageSize = maxMessageSize;
    this.socket = socket;
    this.rateLimited = rateLimited;
    this.closed = closed;
  }

  /** Hands an opened socket to the handler; closes it (1008) if the handler refuses it. */
  void open(String id, Handshake handshake, SessionTransport transport, Session session) {
    open.put(id, transport);
    transport.beforeClose(() -> open.remove(id, transport));
    try {
      handler.onOpen(id, handshake, new LimitedTransport(rateLimited.apply(transport), maxMessageSize));
    } catch (Exception | LinkageError e) {
      LOG.log(Level.INFO, "Connection " + id + " refused by the transport handler", e);
      open.remove(id, transport);
      RpcEndpoint.closeQuietly(session, CloseReason.CloseCodes.VIOLATED_POLICY,
          e.getMessage() == null ? "refused" : e.getMessage());
      return;
    }
    transport.heartbeat(socket.pingInterval(), socket.idleTimeout());
    transport.release();
    if (closed.getAsBoolean()) { // close() ran while this connection was opening
      transport.close(CloseReason.CloseCodes.GOING_AWAY.getCode(), "server shutting down");
    }
  }

  /** Closes every open one with 1001. */
  void closeAll() {
    for (SessionTransport t : open.values()) {
      t.close(CloseReason.CloseCodes.GOING_AWAY.getCode(), "server shutting down");
    }
  }
}
