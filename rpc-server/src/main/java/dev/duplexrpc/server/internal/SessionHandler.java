package dev.duplexrpc.server.internal;

import jakarta.websocket.CloseReason;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.Session;
import java.util.Map;

/** What the library's Jakarta endpoint delegates to: the owner of one deployed endpoint. */
public interface SessionHandler {
  /**
   * A handshake is being answered; record what later steps need in the connection's user
   * properties.
   *
   * @param userProperties the per-connection user properties of the handshake
   * @param handshake what the client sent
   */
  void handshake(Map<String, Object> userProperties, HandshakeInfo handshake);

  /**
   * Whether a handshake's Origin header is allowed; a container answers 403 when not.
   *
   * @param origin the Origin header's value, or null when absent
   * @return true to allow
   */
  default boolean checkOrigin(String origin) {
    return true;
  }

  /**
   * Whether this endpoint accepts Duplex RPC's wire extensions: the subprotocol it selects from
   * a client's offer ({@link dev.duplexrpc.core.transport.Subprotocols#select}).
   *
   * @return true to select {@code duplex-rpc.1} when offered
   */
  default boolean wireExtensions() {
    return false;
  }

  /**
   * A session opened.
   *
   * @param session the session
   * @param config the endpoint config, with the per-connection user properties
   */
  void onOpen(Session session, EndpointConfig config);

  /**
   * A session closed.
   *
   * @param session the session
   * @param reason the close reason
   */
  void onClose(Session session, CloseReason reason);

  /**
   * A session reported an error.
   *
   * @param session the session
   * @param error the error
   */
  void onError(Session session, Throwable error);
}
