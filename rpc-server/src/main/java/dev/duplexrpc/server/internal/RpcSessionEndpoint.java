package dev.duplexrpc.server.internal;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.Session;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpointConfig;
import java.util.Objects;

/**
 * The Jakarta WebSocket endpoint every Duplex RPC deployment uses. The container creates it
 * through {@link #config}'s configurator, which also records the handshake. Public because
 * containers invoke its methods reflectively.
 */
public final class RpcSessionEndpoint extends Endpoint {
  private final SessionHandler handler;

  RpcSessionEndpoint(SessionHandler handler) {
    this.handler = handler;
  }

  /**
   * A deployable config for {@code handler} at {@code path}.
   *
   * @param path the endpoint path, relative to the container's context path
   * @param handler what sessions are delegated to
   * @return the config
   */
  public static ServerEndpointConfig config(String path, SessionHandler handler) {
    Objects.requireNonNull(handler, "handler == null");
    return ServerEndpointConfig.Builder.create(RpcSessionEndpoint.class, path)
        .configurator(new ServerEndpointConfig.Configurator() {
          @Override
          public void modifyHandshake(
              ServerEndpointConfig sec, HandshakeRequest request, HandshakeResponse response) {
            handler.handshake(sec.getUserProperties(), HandshakeInfo.of(request));
          }

          @Override
          public boolean checkOrigin(String originHeaderValue) {
            return handler.checkOrigin(originHeaderValue);
          }

          @Override
          public <T> T getEndpointInstance(Class<T> endpointClass) throws InstantiationException {
            if (endpointClass != RpcSessionEndpoint.class) {
              throw new InstantiationException("not a Duplex RPC endpoint: " + endpointClass);
            }
            return endpointClass.cast(new RpcSessionEndpoint(handler));
          }
        })
        .build();
  }

  @Override
  public void onOpen(Session session, EndpointConfig config) {
    handler.onOpen(session, config);
  }

  @Override
  public void onClose(Session session, CloseReason closeReason) {
    handler.onClose(session, closeReason);
  }

  @Override
  public void onError(Session session, Throwable thr) {
    handler.onError(session, thr);
  }
}
