package dev.duplexrpc.server;

import dev.duplexrpc.core.PeerConfig;
import dev.duplexrpc.core.PeerOptions;
import dev.duplexrpc.core.internal.resume.SessionSettings;
import dev.duplexrpc.server.cluster.Backplane;
import dev.duplexrpc.websocket.SocketSettings;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * The settings of the server's endpoint, which hold wherever it runs: in the embedded {@link
 * RpcServer} and deployed in another Jakarta WebSocket container ({@link
 * RpcServer.Builder#buildEndpoint()}). {@link RpcServer.Builder} extends it with what only the
 * embedded server has (address, TLS, static files, connection limits); the engine settings come
 * from {@link PeerOptions}.
 *
 * <pre>{@code
 * RpcServer.builder()
 *     .path("/rpc")
 *     .service(new ShopImpl())
 *     .event("priceChanged")
 *     .authenticator(handshake -> ...)
 *     .buildEndpoint();                     // or .port(8080).build().start()
 * }</pre>
 *
 * <p>Not thread-safe, like the builder that extends it.
 *
 * @param <B> the extending builder, which every setter returns
 * @since 0.1
 */
public abstract class EndpointOptions<B extends EndpointOptions<B>> extends PeerOptions<B> {
  String path = RpcServer.DEFAULT_PATH;
  ConnectionListener connectionListener;
  FrameListener frameListener;
  SocketSettings.Builder socket = SocketSettings.builder();
  Authenticator authenticator;
  Set<String> allowedOrigins;
  Backplane backplane;
  final Set<String> events = new LinkedHashSet<>();
  TransportHandler transportHandler;
  boolean services;
  boolean resumableSessions = true;
  Duration resumeWindow = DEFAULT_RESUME_WINDOW;
  int maxWaitingSessions = DEFAULT_MAX_WAITING_SESSIONS;
  long resumeBufferBytes = SessionSettings.DEFAULT_BUFFER_BYTES;
  Duration resumeSendWait = SessionSettings.DEFAULT_SEND_WAIT;
  boolean resumeAcrossNodes = true;
  Duration resumeAttachTimeout = DEFAULT_RESUME_ATTACH_TIMEOUT;

  /** The default {@link #resumeWindow}: 2 minutes, as Socket.IO's {@code maxDisconnectionDuration}. */
  public static final Duration DEFAULT_RESUME_WINDOW = Duration.ofMinutes(2);

  /**
   * The default {@link #maxWaitingSessions}: 10,000, as many as {@link
   * ConnectionLimits#DEFAULT_MAX_CONNECTIONS}: a waiting session holds what its connection held.
   */
  public static final int DEFAULT_MAX_WAITING_SESSIONS = ConnectionLimits.DEFAULT_MAX_CONNECTIONS;

  /**
   * The default attach timeout of {@link #resumeAcrossNodes}: 5 seconds, how long a node waits
   * for the node holding a session to take a bridged resume.
   */
  public static final Duration DEFAULT_RESUME_ATTACH_TIMEOUT = Duration.ofSeconds(5);

  EndpointOptions(PeerConfig.Builder config) {
    super(config);
  }

  @SuppressWarnings("unchecked")
  private B self() {
    return (B) this;
  }

  /** Copies these settings, but the backplane (one server's own), into {@code b}. */
  void copyInto(EndpointOptions<?> b) {
    b.path = path;
    b.connectionListener = connectionListener;
    b.frameListener = frameListener;
    b.socket = socket.build().newBuilder();
    b.authenticator = authenticator;
    b.allowedOrigins = allowedOrigins;
    b.events.addAll(events);
    b.transportHandler = transportHandler;
    b.services = services;
    b.resumableSessions = resumableSessions;
    b.resumeWindow = resumeWindow;
    b.maxWaitingSessions = maxWaitingSessions;
    b.resumeBufferBytes = resumeBufferBytes;
    b.resumeSendWait = resumeSendWait;
    b.resumeAcrossNodes = resumeAcrossNodes;
    b.resumeAttachTimeout = resumeAttachTimeout;
  }

  /** Checks the settings that depend on each other; see {@link RpcServer.Builder#build()}. */
  void check() {
    socket.build(); // the idle timeout must be longer than the ping interval
    if (transportHandler != null && (services || !events.isEmpty() || connectionListener != null)) {
      throw new IllegalStateException(
          "a transport handler takes the connections whole: no services, events or connection listener with it");
    }
  }

    /**
     * The endpoint path. Default {@code /}.
     *
     * @param path a path starting with {@code /}
     * @return this builder
     */
    public B path(String path) {
      Objects.requireNonNull(path, "path == null");
      if (!path.startsWith("/")) {
        throw new IllegalArgumentException("path must start with '/': " + path);
      }
      this.path = path;
      return self();
    }

    /**
     * Adds a service every connection gets (see {@link PeerConfig.Builder#service(Object)}). One
     * instance serves all clients at once, so it must be thread-safe; use {@link
     * ConnectionSetup#service(Object)} for per-connection instances.
     *
     * @param service an object with {@code @RpcMethod} / {@code @RpcNotification} methods
     * @return this builder
     * @throws IllegalArgumentException if the service is invalid
     */
    public B service(Object service) {
      config.service(service);
      services = true;
      return self();
    }

    /**
     * Hands each connection's messages to {@code handler}, unparsed, instead of serving them with
     * a Peer: for bridges and relays (see {@link TransportHandler}). Cannot be combined with
     * services, events or a connection listener.
     *
     * @param handler the handler, or null for the default (a Peer per connection)
     * @return this builder
     */
    public B transportHandler(TransportHandler handler) {
      this.transportHandler = handler;
      return self();
    }

    /**
     * Declares an event clients may subscribe to with {@code rpc.on}; publish it with {@code
     * server.events().publish(name, payload)}. More can be declared later with {@link
     * Events#declare(String)}.
     *
     * @param name the event name, not empty
     * @return this builder
     */
    public B event(String name) {
      Objects.requireNonNull(name, "name == null");
      if (name.isEmpty()) {
        throw new IllegalArgumentException("event name is empty");
      }
      events.add(name);
      return self();
    }

    /**
     * Joins a cluster of servers sharing this backplane (for example {@code RedisBackplane} from
     * {@code rpc-redis}): events published on any node reach the subscribers of every node, and
     * {@link RpcServer#cluster()} calls clients connected to any node. {@link RpcServer#start()}
     * connects it first and fails if it cannot; {@link RpcServer#close()} closes it. Default:
     * none, the server is on its own. See docs/cluster.md.
     *
     * @param backplane the backplane, owned by the server from now on; null for none
     * @return this builder
     */
    public B backplane(Backplane backplane) {
      this.backplane = backplane;
      return self();
    }

    /**
     * Hears connections open (and may add services for one connection, or refuse it) and close.
     *
     * @param listener the listener, or null for none
     * @return this builder
     */
    public B connectionListener(ConnectionListener listener) {
      this.connectionListener = listener;
      return self();
    }

    /**
     * Sees every text frame sent and received, for logging.
     *
     * @param listener the frame listener, or null for none
     * @return this builder
     */
    public B frameListener(FrameListener listener) {
      this.frameListener = listener;
      return self();
    }

    /**
     * Decides, from each upgrade request, whether the client may connect and who it is; see
     * {@link Authenticator}. A refusal is answered with HTTP 401 or 403 before the upgrade. The
     * accepted principal is {@link Handshake#principal()}.
     *
     * @param authenticator the authenticator, or null for none (every client is accepted)
     * @return this builder
     */
    public B authenticator(Authenticator authenticator) {
      this.authenticator = authenticator;
      return self();
    }

    /**
     * Accepts upgrade requests only from these origins (browser pages): a request whose {@code
     * Origin} header is not one of them is refused with HTTP 403 before the upgrade, which stops
     * other web sites' pages from connecting with the user's cookies (cross-site WebSocket
     * hijacking). Requests without an {@code Origin} header (programs, not browsers) are
     * accepted. Each origin is {@code scheme://host[:port]}, compared without regard to case.
     * Default: any origin.
     *
     * @param origins the allowed origins, for example {@code "https://app.example.com"}
     * @return this builder
     */
    public B allowedOrigins(String... origins) {
      Objects.requireNonNull(origins, "origins == null");
      Set<String> set = new java.util.LinkedHashSet<>();
      for (String o : origins) {
        Objects.requireNonNull(o, "origin == null");
        if (o.isEmpty() || o.endsWith("/")) {
          throw new IllegalArgumentException("an origin is scheme://host[:port], without a path: '" + o + "'");
        }
        set.add(o.toLowerCase(java.util.Locale.ROOT));
      }
      this.allowedOrigins = Set.copyOf(set);
      return self();
    }

    /**
     * The settings of every client's socket: heartbeat and send queue; see {@link SocketSettings}.
     * Replaces what {@link #pingInterval}, {@link #idleTimeout} and {@link #maxQueuedBytes} set.
     *
     * @param settings the settings
     * @return this builder
     */
    public B socketSettings(SocketSettings settings) {
      this.socket = Objects.requireNonNull(settings, "settings == null").newBuilder();
      return self();
    }

    /**
     * The most bytes waiting to be written to one client; see {@link
     * SocketSettings.Builder#maxQueuedBytes(long)}.
     *
     * @param bytes the limit, zero or positive
     * @return this builder
     */
    public B maxQueuedBytes(long bytes) {
      socket.maxQueuedBytes(bytes);
      return self();
    }

    /**
     * How often to ping each client; see {@link SocketSettings.Builder#pingInterval(Duration)}.
     *
     * @param interval the time between pings, zero or positive
     * @return this builder
     */
    public B pingInterval(Duration interval) {
      socket.pingInterval(interval);
      return self();
    }

    /**
     * How long a connection may stay silent before it is dropped; see {@link
     * SocketSettings.Builder#idleTimeout(Duration)}.
     *
     * @param timeout the longest silence, zero or positive
     * @return this builder
     */
    public B idleTimeout(Duration timeout) {
      socket.idleTimeout(timeout);
      return self();
    }

  /**
   * Whether clients that ask for it (this library's client and duplex.js, over the subprotocol
   * {@code duplex-rpc.1}) get resumable sessions: a dropped socket does not end the connection,
   * which waits {@link #resumeWindow} for its client to come back and replays what either side
   * missed (docs/resume.md). Default on; off, every connection ends with its socket, as with plain
   * JSON-RPC peers.
   *
   * @param on whether to keep sessions
   * @return this builder
   * @since 0.2
   */
  public B resumableSessions(boolean on) {
    this.resumableSessions = on;
    return self();
  }

  /**
   * How long a session whose socket dropped waits for its client to resume it; then it ends as a
   * dropped connection does without sessions (pending calls fail, {@link
   * ConnectionListener#onClose} runs). Default {@link #DEFAULT_RESUME_WINDOW}.
   *
   * @param window more than zero
   * @return this builder
   * @since 0.2
   */
  public B resumeWindow(Duration window) {
    Objects.requireNonNull(window, "window == null");
    if (window.isZero() || window.isNegative()) {
      throw new IllegalArgumentException("resumeWindow must be > 0: " + window);
    }
    this.resumeWindow = window;
    return self();
  }

  /**
   * At most this many sessions wait for their client at once (their socket dropped, their
   * {@link #resumeWindow} running): when one more socket drops, the session that has waited
   * longest ends at once, as if its window had passed, so that clients which drop their sockets
   * on purpose cannot make the server hold their sessions without bound. Default {@link
   * #DEFAULT_MAX_WAITING_SESSIONS}.
   *
   * @param max at least 1
   * @return this builder
   * @since 0.2
   */
  public B maxWaitingSessions(int max) {
    if (max < 1) {
      throw new IllegalArgumentException("maxWaitingSessions must be >= 1: " + max);
    }
    this.maxWaitingSessions = max;
    return self();
  }

  /**
   * The replay buffer of each session: at most {@code bytes} UTF-8 bytes of messages the client
   * has not acknowledged; a send that does not fit waits up to {@code sendWait}, then fails with
   * -32009 ({@link dev.duplexrpc.core.ErrorCodes#REPLAY_BUFFER_FULL}). Defaults 1 MiB and 10 seconds.
   *
   * @param bytes at least 1
   * @param sendWait zero to fail at once
   * @return this builder
   * @since 0.2
   */
  public B resumeBuffer(long bytes, Duration sendWait) {
    new SessionSettings(bytes, sendWait, 1, SessionSettings.DEFAULT_ACK_INTERVAL); // checks both
    this.resumeBufferBytes = bytes;
    this.resumeSendWait = sendWait;
    return self();
  }

  /**
   * In a cluster ({@link #backplane backplane}), whether a client that
   * resumes on this node a session another live node holds is served through that node: this node
   * bridges its socket over the backplane to the holding node, where the session resumes as it
   * would locally (every message then crosses the backplane twice). When the holding node is gone,
   * refuses, or does not answer within {@code attachTimeout}, the client gets a fresh session here.
   * Off, a resume on another node always gets a fresh session. Default on, {@link
   * #DEFAULT_RESUME_ATTACH_TIMEOUT}; without a backplane it does nothing. See docs/cluster.md.
   *
   * @param on whether to bridge resumes to the node holding the session
   * @param attachTimeout more than zero
   * @return this builder
   * @since 0.2
   */
  public B resumeAcrossNodes(boolean on, Duration attachTimeout) {
    Objects.requireNonNull(attachTimeout, "attachTimeout == null");
    if (attachTimeout.isZero() || attachTimeout.isNegative()) {
      throw new IllegalArgumentException("attachTimeout must be > 0: " + attachTimeout);
    }
    this.resumeAcrossNodes = on;
    this.resumeAttachTimeout = attachTimeout;
    return self();
  }
}
