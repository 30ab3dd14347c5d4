package dev.duplexrpc.server.internal;

import dev.duplexrpc.core.transport.Subprotocols;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.Extension;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.Session;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpointConfig;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

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
        .subprotocols(Subprotocols.SUPPORTED)
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

          // Wire extensions are agreed here (docs/wire.md, "Extensions").
          @Override
          public String getNegotiatedSubprotocol(List<String> supported, List<String> requested) {
            return Subprotocols.select(requested, handler.wireExtensions());
          }

          // The platform default, written out: Jakarta's base class asks the first
          // ServerEndpointConfig.Configurator that ServiceLoader finds, and with this library on
          // the class path that is Tyrus's, also in Jetty or Tomcat.

          @Override
          public List<Extension> getNegotiatedExtensions(List<Extension> installed, List<Extension> requested) {
            Set<String> names = new HashSet<>();
            for (Extension e : installed) {
              names.add(e.getName());
            }
            List<Extension> negotiated = new ArrayList<>();
            for (Extension e : requested) {
              if (names.contains(e.getName())) {
                negotiated.add(e);
              }
            }
            return negotiated;
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
