package dev.duplexrpc.server;

import dev.duplexrpc.core.Peer;
import dev.duplexrpc.core.PeerConfig;
import dev.duplexrpc.core.PeerListener;
import dev.duplexrpc.core.internal.resume.SequencedTransport;
import dev.duplexrpc.core.internal.resume.SessionSettings;
import dev.duplexrpc.core.transport.Subprotocols;
import dev.duplexrpc.core.transport.Transport;
import dev.duplexrpc.core.internal.Builtins;
import dev.duplexrpc.server.cluster.Cluster;
import dev.duplexrpc.server.cluster.internal.ClusterAccess;
import dev.duplexrpc.server.cluster.internal.ClusterNode;
import dev.duplexrpc.server.internal.HandshakeGate;
import dev.duplexrpc.server.internal.MessageRateLimit;
import dev.duplexrpc.server.internal.OpenSessions;
import dev.duplexrpc.server.internal.HandshakeInfo;
import dev.duplexrpc.server.internal.RpcSessionEndpoint;
import dev.duplexrpc.server.internal.SessionHandler;
import dev.duplexrpc.websocket.SocketSettings;
import dev.duplexrpc.websocket.internal.SessionTransport;
import jakarta.websocket.CloseReason;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpointConfig;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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
 * endpoint class is created by that configurator. Each session's message buffers are set from
 * {@link RpcServer.Builder#maxMessageSize}, and the container's session idle timeout is turned off
 * (the heartbeat and {@link RpcServer.Builder#idleTimeout} decide). Tested in Jetty 12 and Tomcat
 * 11; Tyrus's stock container also needs its incoming frame buffer set to at least three times
 * {@code maxMessageSize} bytes ({@code org.glassfish.tyrus.incomingBufferSize}).
 *
 * <p>This class is thread-safe.
 *
 * @since 0.1
 */
public final class RpcEndpoint {
  private static final System.Logger LOG = System.getLogger(RpcEndpoint.class.getName());
  private static final String TRANSPORT = RpcEndpoint.class.getName() + ".transport";
  private static final String REFUSED = RpcEndpoint.class.getName() + ".refused";

  private final String path;
  private final PeerConfig peerConfig;
  private final int maxMessageSize;
  private final ConnectionListener listener;
  private final FrameListener frameListener;
  private final int maxMessagesPerSecond;
  private final SocketSettings socket;
  private final HandshakeCheck handshakeCheck;
  private final ServerEndpointConfig config;
  private final Events events;
  private final ClusterNode node;
  private final Cluster cluster;
  private final ConcurrentHashMap<String, ServerConnection> open = new ConcurrentHashMap<>();
  private final TransportHandler transportHandler;
  private final ResumableSessions sessions;
  private final RawConnections raw;
  private final OpenSessions openSessions = new OpenSessions();
  private volatile boolean closed;

  RpcEndpoint(RpcServer.Builder b) {
    this.path = b.path;
    this.peerConfig = b.peerConfig();
    this.events = new Events(b.events, peerConfig.gson(), peerConfig.maxMessageSize());
    this.maxMessageSize = peerConfig.maxMessageSize();
    this.listener = b.connectionListener;
    this.frameListener = b.frameListener;
    this.maxMessagesPerSecond = b.connectionLimits.maxMessagesPerSecond();
    this.socket = b.socket.build();
    this.handshakeCheck = new HandshakeCheck(b.authenticator, b.allowedOrigins, () -> closed);
    this.transportHandler = b.transportHandler;
    this.raw = transportHandler == null ? null
        : new RawConnections(transportHandler, maxMessageSize, socket, this::rateLimited, () -> closed);
    this.sessions = new ResumableSessions(b.resumableSessions, b.resumeWindow,
        new SessionSettings(b.resumeBufferBytes, b.resumeSendWait, SessionSettings.DEFAULT_ACK_EVERY,
            SessionSettings.DEFAULT_ACK_INTERVAL), listener, peerConfig.executor());
    this.config = RpcSessionEndpoint.config(path, new Handler());
    // Calls to clients on other nodes: the same configuration as every connection's Peer.
    this.node = new ClusterNode(this::connection, events::deliverFromCluster, b.backplane,
        Peer.builder().config(peerConfig));
    this.cluster = ClusterAccess.cluster(node);
    events.cluster = node;
  }

  /** The session's transport, behind the incoming message rate limit when one is set. */
  private Transport rateLimited(Transport transport) {
    return maxMessagesPerSecond == 0
        ? transport
        : new MessageRateLimit(transport, maxMessagesPerSecond);
  }

  /** This server's cluster node: the relay to connections held elsewhere. */
  ClusterNode clusterNode() {
    return node;
  }

  /** The engine configuration of every connection's Peer, bound once. */
  PeerConfig peerConfig() {
    return peerConfig;
  }

  /**
   * Connects the {@link RpcServer.Builder#backplane backplane}, if there is one, so that this
   * endpoint joins its cluster; does nothing without one, or when called again. {@link
   * RpcServer#start()} calls it; in another container call it before deploying {@link
   * #config()}.
   *
   * @return this endpoint
   * @throws IOException if the backplane cannot connect (its message says why)
   */
  public RpcEndpoint start() throws IOException {
    node.start();
    return this;
  }

  /**
   * This endpoint's place in its cluster: its node id, and handles for calling clients on any
   * node. Without a backplane, a cluster of one.
   *
   * @return the cluster
   */
  public Cluster cluster() {
    return cluster;
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
    sessions.close();
    openSessions.stopping();
    for (ServerConnection c : open.values()) {
      c.close(CloseReason.CloseCodes.GOING_AWAY.getCode(), "server shutting down");
    }
    closeRaw();
    node.close();
  }

  private void closeRaw() {
    if (raw != null) {
      raw.closeAll();
    }
  }

  /**
   * Shuts down gracefully: new connections are refused from now on (HTTP 503 on the embedded
   * server; elsewhere closed with 1001 as they open), and each open connection is shut down with
   * {@link dev.duplexrpc.core.Peer#shutdown(Duration)}: new requests are answered with -32005
   * (shutting down), running handlers may finish within {@code grace}, then it closes with 1001.
   *
   * @param grace how long running handlers may take
   * @return a future that completes when every connection is closed
   */
  public CompletableFuture<Void> shutdown(Duration grace) {
    Objects.requireNonNull(grace, "grace == null");
    closed = true;
    sessions.close();
    openSessions.stopping();
    List<CompletableFuture<Void>> all = new ArrayList<>();
    for (ServerConnection c : open.values()) {
      all.add(c.peer().shutdown(grace));
    }
    closeRaw(); // a transport handler's connections have no requests to drain here
    return CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0]));
  }

  /**
   * Waits until every WebSocket session of this endpoint has finished its closing handshake (the
   * client answered the close frame, or its socket was lost, or the container gave up on it), so
   * that whoever stops the container next does not cut off clients whose answer is on its way: they
   * would see their socket lost (1006) rather than the close code. Call it after {@link #close()}
   * or {@link #shutdown(Duration)}. A session counts until the container's {@code onClose} and,
   * where that fires as soon as the close frame is written (Tomcat), until the container reports
   * the session closed.
   *
   * @param timeout the longest wait
   * @return true if no session is left open, false if the timeout passed first or the thread was
   *     interrupted (its interrupt status is set again)
   * @since 0.2
   */
  public boolean awaitSessionsClosed(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout == null");
    try {
      return openSessions.awaitNone(timeout.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Whether {@link #close()} was called. */
  boolean isClosed() {
    return closed;
  }

  /** The gate the embedded server asks before every upgrade. */
  HandshakeGate gate() {
    return handshakeCheck::check;
  }

  @Override
  public String toString() {
    return "RpcEndpoint[" + path + ", " + open.size() + " open]";
  }

  private final class Handler implements SessionHandler {
    @Override
    public void handshake(Map<String, Object> userProperties, HandshakeInfo handshake) {
      HandshakeInfo h = handshake;
      if (!h.admitted()) { // a container other than the embedded server: judge it now
        HandshakeGate.Verdict verdict = handshakeCheck.check(h);
        if (!verdict.admitted()) {
          userProperties.put(REFUSED, verdict.status() + " " + verdict.reason());
        } else {
          h = h.admit(verdict.principal());
        }
      }
      userProperties.put(HandshakeInfo.KEY, h);
    }

    @Override
    public boolean checkOrigin(String origin) {
      return handshakeCheck.originAllowed(origin);
    }

    @Override
    public boolean wireExtensions() {
      // A transport handler's connections are raw: the library does not know what they speak.
      return transportHandler == null && peerConfig.wireExtensions();
    }

    @Override
    public void onOpen(Session session, EndpointConfig endpointConfig) {
      String id = session.getId();
      openSessions.opened(session);
      if (closed) {
        closeQuietly(session, CloseReason.CloseCodes.GOING_AWAY, "server shutting down");
        return;
      }
      Object refused = endpointConfig.getUserProperties().get(REFUSED);
      if (refused != null) {
        LOG.log(Level.INFO, "Connection {0} refused: {1}", id, refused);
        closeQuietly(session, CloseReason.CloseCodes.VIOLATED_POLICY, "refused: " + refused);
        return;
      }
      Object h = endpointConfig.getUserProperties().get(HandshakeInfo.KEY);
      if (h == null) {
        h = session.getUserProperties().get(HandshakeInfo.KEY);
      }
      HandshakeInfo handshake =
          (h instanceof HandshakeInfo ? (HandshakeInfo) h : HandshakeInfo.of(session)).complete(session);
      Handshake seen = new Handshake(handshake);
      SessionTransport transport = SessionTransport.attach(session, maxMessageSize,
          "server session " + id + " from " + handshake.remoteAddress(),
          frameListener == null ? null : (text, outgoing) -> frameListener.onFrame(id, text, outgoing));
      transport.maxQueuedBytes(socket.maxQueuedBytes());
      transport.addresses(handshake.remoteAddress(), SessionTransport.hostAndPort(handshake.header("Host"), 0));
      if (session.getMaxIdleTimeout() != 0) {
        // The container's own idle timeout (Jetty: 30 s by default) would close a quiet
        // connection that the library's settings keep (idleTimeout ZERO, or longer than the
        // container's); the heartbeat and idleTimeout are the one rule, in every container.
        session.setMaxIdleTimeout(0);
      }
      transport.hold();
      session.getUserProperties().put(TRANSPORT, transport);
      if (transportHandler != null) {
        raw.open(id, seen, transport, session);
        return;
      }

      Transport link = rateLimited(transport);
      if (Subprotocols.isDuplex(transport.subprotocol())) {
        // The first message says whether this socket starts a session, resumes one, or is plain.
        sessions.greet(link, seen.principal(),
            (peerTransport, layer) -> openConnection(id, seen, session, transport, peerTransport, layer));
      } else if (openConnection(id, seen, session, transport, link, null) == null) {
        return;
      }
      transport.heartbeat(socket.pingInterval(), socket.idleTimeout());
      transport.release();
    }

    /**
     * Builds the connection: the connection listener's setup, the Peer on {@code peerTransport},
     * the registry. {@code layer} is the resumable session under the Peer, or null: then the
     * connection ends with its socket.
     *
     * @return the connection, or null if it was refused (the socket is closed)
     */
    private ServerConnection openConnection(String id, Handshake seen, Session session,
        SessionTransport transport, Transport peerTransport, SequencedTransport layer) {
      ConcurrentMap<String, Object> attributes = new ConcurrentHashMap<>();
      Peer.Builder pb = Peer.builder().config(peerConfig).transport(peerTransport);
      Builtins.set(pb, events.builtins()); // rpc.on and rpc.off, described with the events declared now
      EventForm eventForm = EventForm.JSON_RPC;
      if (listener != null) {
        ConnectionSetup setup = new ConnectionSetup(id, seen, attributes, pb);
        try {
          listener.onOpen(setup);
        } catch (Exception | LinkageError e) {
          LOG.log(Level.INFO, "Connection " + id + " refused by the connection listener", e);
          closeQuietly(session, CloseReason.CloseCodes.VIOLATED_POLICY,
              e.getMessage() == null ? "refused" : e.getMessage());
          return null;
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
        return null;
      }
      ServerConnection[] forgotten = new ServerConnection[1];
      Runnable forget = () -> {
        ServerConnection c = forgotten[0];
        if (c != null) {
          open.remove(id, c);
          events.dropAll(c);
        }
      };
      // Its close future completes once forgotten (subscriptions that raced the close dropped too).
      ServerConnection connection = new ServerConnection(id, seen, attributes, peer,
          layer == null ? transport : layer, eventForm, forget);
      forgotten[0] = connection;
      self[0] = connection;
      peer.attributes().put(ServerConnection.PEER_ATTRIBUTE, connection);
      open.put(id, connection);
      node.opened(connection);
      peer.closeFuture().thenAccept(ex -> node.closed(connection, ex));
      if (layer == null) { // a session outlives its sockets: forgotten when it ends
        transport.beforeClose(forget);
      }
      peer.closeFuture().thenRun(forget); // closed while it was being registered
      if (closed) { // close() ran while this connection was opening
        connection.close(CloseReason.CloseCodes.GOING_AWAY.getCode(), "server shutting down");
      }
      return connection;
    }

    @Override
    public void onClose(Session session, CloseReason reason) {
      openSessions.closed(session);
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

  static void closeQuietly(Session session, CloseReason.CloseCode code, String reason) {
    try {
      session.close(new CloseReason(code, SessionTransport.truncate(reason)));
    } catch (IOException | RuntimeException e) {
      LOG.log(Level.DEBUG, "Close of session {0} failed: {1}", session.getId(), e);
    }
  }
}
