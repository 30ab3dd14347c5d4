package dev.duplexrpc.server;

import dev.duplexrpc.client.internal.SessionTransport;
import dev.duplexrpc.core.Peer;
import dev.duplexrpc.core.PeerListener;
import dev.duplexrpc.server.internal.HandshakeInfo;
import dev.duplexrpc.server.internal.RpcSessionEndpoint;
import dev.duplexrpc.server.internal.SessionHandler;
import jakarta.websocket.CloseReason;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpointConfig;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The server's services and settings as one deployable Jakarta WebSocket endpoint, with the
 * registry of its open connections. {@link RpcServer} runs one on its embedded listener; to run
 * the same services in another Jakarta WebSocket container (a servlet container, an application
 * server), deploy {@link #config()} there.
 *
 * <pre>{@code
 * RpcEndpoint endpoint = RpcServer.builder()
 *     .path("/rpc")
 *     .service(new CalculatorImpl())
 *     .buildEndpoint();
 * // for example in a ServletContextListener:
 * ServerContainer container = (ServerContainer) servletContext.getAttribute(ServerContainer.class.getName());
 * container.addEndpoint(endpoint.config());
 * ...
 * endpoint.close();   // on shutdown: 1001 to every client
 * }</pre>
 *
 * <h2>Containers</h2>
 *
 * The config's configurator records each handshake in the connection's user properties, as
 * Jakarta WebSocket 2.1 and later define them (one copy per connection); the library's own
 * endpoint class is created by that configurator. Set the container's incoming frame buffer to at
 * least three times {@link RpcServer.Builder#maxMessageSize} bytes (Tyrus: {@code
 * org.glassfish.tyrus.incomingBufferSize}); each session's text buffer is set from the limit.
 *
 * <p>This class is thread-safe.
 *
 * @since 0.1
 */
public final class RpcEndpoint {
  private static final System.Logger LOG = System.getLogger(RpcEndpoint.class.getName());
  private static final String TRANSPORT = RpcEndpoint.class.getName() + ".transport";

  private final String path;
  private final Peer.Builder template;
  private final int maxMessageSize;
  private final ConnectionListener listener;
  private final FrameListener frameListener;
  private final ServerEndpointConfig config;
  private final Events events;
  private final ConcurrentHashMap<String, ServerConnection> open = new ConcurrentHashMap<>();
  private volatile boolean closed;

  RpcEndpoint(String path, Peer.Builder template, int maxMessageSize, ConnectionListener listener,
      FrameListener frameListener, Events events) {
    this.path = path;
    this.events = events;
    this.template = template.fallback(events::serve); // rpc.on and rpc.off
    this.maxMessageSize = maxMessageSize;
    this.listener = listener;
    this.frameListener = frameListener;
    this.config = RpcSessionEndpoint.config(path, new Handler());
  }

  /**
   * The endpoint config to deploy in a Jakarta WebSocket container ({@code
   * ServerContainer.addEndpoint}). Deploy it once.
   *
   * @return the config
   */
  public ServerEndpointConfig config() {
    return config;
  }

  /**
   * The endpoint path, relative to the container's context path.
   *
   * @return the path
   */
  public String path() {
    return path;
  }

  /**
   * The events clients of this endpoint may subscribe to, and publishing to them.
   *
   * @return the events
   */
  public Events events() {
    return events;
  }

  /**
   * The open connections at this moment.
   *
   * @return an unmodifiable snapshot, in no particular order
   */
  public Collection<ServerConnection> connections() {
    return Collections.unmodifiableList(new ArrayList<>(open.values()));
  }

  /**
   * The open connection with an id.
   *
   * @param id a {@link ServerConnection#id()}
   * @return the connection, or empty if there is none open with that id
   */
  public Optional<ServerConnection> connection(String id) {
    Objects.requireNonNull(id, "id == null");
    return Optional.ofNullable(open.get(id));
  }

  /**
   * Closes every open connection with 1001 (going away) and refuses new ones the same way; their
   * pending calls fail at once, on both sides. The deployment itself stays with the container.
   * Idempotent.
   */
  public void close() {
    closed = true;
    for (ServerConnection c : open.values()) {
      c.close(CloseReason.CloseCodes.GOING_AWAY.getCode(), "server shutting down");
    }
  }

  /** Whether {@link #close()} was called. */
  boolean isClosed() {
    return closed;
  }

  @Override
  public String toString() {
    return "RpcEndpoint[" + path + ", " + open.size() + " open]";
  }

  private final class Handler implements SessionHandler {
    @Override
    public void handshake(Map<String, Object> userProperties, HandshakeInfo handshake) {
      userProperties.put(HandshakeInfo.KEY, handshake);
    }

    @Override
    public void onOpen(Session session, EndpointConfig endpointConfig) {
      String id = session.getId();
      if (closed) {
        closeQuietly(session, CloseReason.CloseCodes.GOING_AWAY, "server shutting down");
        return;
      }
      Object h = endpointConfig.getUserProperties().get(HandshakeInfo.KEY);
      if (h == null) {
        h = session.getUserProperties().get(HandshakeInfo.KEY);
      }
      HandshakeInfo handshake =
          (h instanceof HandshakeInfo ? (HandshakeInfo) h : HandshakeInfo.of(session)).complete(session);
      SessionTransport transport = SessionTransport.attach(session, maxMessageSize,
          "server session " + id + " from " + handshake.remoteAddress(),
          frameListener == null ? null : (text, outgoing) -> frameListener.onFrame(id, text, outgoing));
      transport.hold();
      session.getUserProperties().put(TRANSPORT, transport);

      ConcurrentMap<String, Object> attributes = new ConcurrentHashMap<>();
      Peer.Builder pb = template.copy().transport(transport);
      EventForm eventForm = EventForm.JSON_RPC;
      if (listener != null) {
        ConnectionSetup setup = new ConnectionSetup(id, handshake, attributes, pb);
        try {
          listener.onOpen(setup);
        } catch (Exception | LinkageError e) {
          LOG.log(Level.INFO, "Connection " + id + " refused by the connection listener", e);
          closeQuietly(session, CloseReason.CloseCodes.VIOLATED_POLICY,
              e.getMessage() == null ? "refused" : e.getMessage());
          return;
        } finally {
          setup.seal();
        }
        eventForm = setup.eventForm();
      }
      ServerConnection[] self = new ServerConnection[1];
      pb.listener(new PeerListener() {
        @Override
        public void onClose(Peer peer, int code, String reason) {
          if (listener != null) {
            listener.onClose(self[0], code, reason);
          }
        }
      });
      Peer peer;
      try {
        peer = pb.build();
      } catch (RuntimeException e) { // two services with the same method name
        LOG.log(Level.WARNING, "Connection " + id + " closed: its services do not fit together", e);
        closeQuietly(session, CloseReason.CloseCodes.UNEXPECTED_CONDITION, "server configuration error");
        return;
      }
      ServerConnection connection =
          new ServerConnection(id, handshake, attributes, peer, transport, eventForm);
      self[0] = connection;
      peer.attributes().put(ServerConnection.PEER_ATTRIBUTE, connection);
      open.put(id, connection);
      Runnable forget = () -> {
        open.remove(id, connection);
        events.dropAll(connection);
      };
      transport.beforeClose(forget);
      peer.closeFuture().thenRun(forget); // a close the session missed; subscriptions that raced it
      transport.release();
      if (closed) { // close() ran while this connection was opening
        connection.close(CloseReason.CloseCodes.GOING_AWAY.getCode(), "server shutting down");
      }
    }

    @Override
    public void onClose(Session session, CloseReason reason) {
      Object t = session.getUserProperties().get(TRANSPORT);
      if (t instanceof SessionTransport) {
        ((SessionTransport) t).closed(reason.getCloseCode().getCode(), reason.getReasonPhrase());
      }
    }

    @Override
    public void onError(Session session, Throwable error) {
      LOG.log(Level.DEBUG, "WebSocket error on server session {0}: {1}", session.getId(), error);
    }
  }

  private static void closeQuietly(Session session, CloseReason.CloseCode code, String reason) {
    try {
      session.close(new CloseReason(code, SessionTransport.truncate(reason)));
    } catch (IOException | RuntimeException e) {
      LOG.log(Level.DEBUG, "Close of session {0} failed: {1}", session.getId(), e);
    }
  }
}
