package dev.duplexrpc.client.testing;

import dev.duplexrpc.core.Peer;
import dev.duplexrpc.websocket.internal.SessionTransport;
import jakarta.websocket.CloseReason;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpointConfig;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.glassfish.tyrus.server.TyrusServerContainer;
import org.glassfish.tyrus.spi.ServerContainerFactory;

/**
 * A WebSocket server for the client's tests that is not rpc-server (whose tests use this module):
 * Tyrus's stock Grizzly server and one core {@link Peer} per session, over the session transport
 * both bindings share. It serves the given services and nothing else: no events, no limits, no
 * heartbeat from its side.
 *
 * <pre>{@code
 * try (PeerServer server = PeerServer.start(new GreeterImpl())) {
 *   ClientConnection c = RpcClient.builder().uri(server.uri()).build().connect();
 *   ...
 * }   // closes every session with 1001, as RpcServer.close() does
 * }</pre>
 */
public final class PeerServer implements AutoCloseable {
  private static final int MAX_MESSAGE_SIZE = 1 << 20;

  private final List<Object> services;
  private final Map<Session, SessionTransport> open = new ConcurrentHashMap<>();
  private final TyrusServerContainer container;

  private PeerServer(List<Object> services) {
    this.services = services;
    ServerEndpointConfig config = ServerEndpointConfig.Builder.create(PeerEndpoint.class, "/")
        .configurator(new ServerEndpointConfig.Configurator() {
          @Override
          public <T> T getEndpointInstance(Class<T> endpointClass) {
            return endpointClass.cast(new PeerEndpoint());
          }
        })
        .build();
    container = (TyrusServerContainer) ServerContainerFactory.createServerContainer(Map.of());
    try {
      container.addEndpoint(config);
    } catch (DeploymentException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Starts a server on a free loopback port serving {@code services}.
   *
   * @param services the services each connection's Peer serves
   * @return the running server
   * @throws DeploymentException if Tyrus cannot start
   * @throws IOException if no port can be bound
   */
  public static PeerServer start(Object... services) throws DeploymentException, IOException {
    PeerServer s = new PeerServer(List.of(services));
    s.container.start("/", 0); // 0: an ephemeral port
    return s;
  }

  /** The {@code ws://} address of this server. */
  public URI uri() {
    return URI.create("ws://127.0.0.1:" + container.getPort() + "/");
  }

  /** The open sessions. */
  public int connections() {
    return open.size();
  }

  /** Closes every session with 1001 "server shutting down", as RpcServer does, then stops. */
  @Override
  public void close() {
    for (SessionTransport t : open.values()) {
      t.close(CloseReason.CloseCodes.GOING_AWAY.getCode(), "server shutting down");
    }
    container.stop();
  }

  /** One session's endpoint: a Peer over the session transport. */
  public final class PeerEndpoint extends Endpoint {
    private SessionTransport transport;

    @Override
    public void onOpen(Session session, EndpointConfig config) {
      transport = SessionTransport.attach(session, MAX_MESSAGE_SIZE, "test server session", null);
      Peer.Builder builder = Peer.builder().transport(transport);
      services.forEach(builder::service);
      builder.build();
      open.put(session, transport);
    }

    @Override
    public void onClose(Session session, CloseReason reason) {
      open.remove(session);
      transport.closed(reason.getCloseCode().getCode(), reason.getReasonPhrase());
    }

    @Override
    public void onError(Session session, Throwable error) {
      // onClose follows; the Peer hears about the end there
    }
  }
}
