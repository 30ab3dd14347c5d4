package dev.duplexrpc.client;

import dev.duplexrpc.core.Peer;
import dev.duplexrpc.core.PeerConfig;
import dev.duplexrpc.core.internal.resume.SessionSettings;
import dev.duplexrpc.core.PeerOptions;
import dev.duplexrpc.websocket.SocketSettings;
import dev.duplexrpc.websocket.internal.TlsContexts;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.net.ssl.SSLContext;

/**
 * Connects to a Duplex RPC server over WebSocket (Tyrus's standalone client) and runs a {@link
 * Peer} on the connection: the client calls the server's services, and the server calls the
 * services given here.
 *
 * <pre>{@code
 * RpcClient client = RpcClient.builder()
 *     .uri("ws://127.0.0.1:8080/rpc")
 *     .service(new ChatClientImpl())          // what the server may call
 *     .build();
 * try (ClientConnection connection = client.connect()) {
 *   Chat chat = connection.remote(Chat.class);
 *   chat.say("hello");
 * }
 * }</pre>
 *
 * <p>An {@code RpcClient} is immutable configuration: each {@link #connect()} opens a new,
 * independent connection with the same settings. It holds no resources of its own, so it needs
 * no closing; each {@link ClientConnection} does. This class is thread-safe.
 *
 * @since 0.1
 */
public final class RpcClient {
  /** Default {@link Builder#connectTimeout(Duration)}: 10 seconds. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

  private final ClientSettings config;
  private final Connector connector;

  private RpcClient(ClientSettings config) {
    this.config = config;
    this.connector = new Connector(config);
  }

  /**
   * A new builder with every default set.
   *
   * @return the builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder with this client's settings, to derive a variant.
   *
   * @return a new builder
   */
  public Builder newBuilder() {
    return config.newBuilder();
  }

  /**
   * The server URI.
   *
   * @return the URI
   */
  public URI uri() {
    return config.uri;
  }

  /**
   * Opens a connection: the WebSocket handshake, with the configured headers, within the connect
   * timeout. When this returns, the server may already be calling the local services. This is one
   * attempt, unless {@link Builder#retryFirstConnect} is on: reconnecting (see {@link
   * Builder#reconnectPolicy}) starts only once a connection was open.
   *
   * @return the open connection
   * @throws HandshakeRejectedException if the server answered the handshake with an HTTP status
   *     (401 or 403 from its authenticator, 404 for a wrong path...)
   * @throws IOException if the server could not be reached or did not answer within the connect
   *     timeout
   */
  public ClientConnection connect() throws IOException {
    ClientConnection connection = new ClientConnection(this);
    connection.open();
    return connection;
  }

  /** The settings every connection of this client reads. */
  ClientSettings config() {
    return config;
  }

  /** Opens this client's sockets, for every connection. */
  Connector connector() {
    return connector;
  }

  /**
   * Builds an {@link RpcClient}. Setters validate their argument at once; {@link #build()}
   * checks that a URI was given. Limits and timeouts are the core {@link Peer.Builder}'s and mean
   * the same here. Not thread-safe.
   *
   * @since 0.1
   */
  public static final class Builder extends PeerOptions<Builder> {
    URI uri;
    List<URI> failoverUris = List.of();
    Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    SocketSettings.Builder socket = SocketSettings.builder();
    Map<String, List<String>> headers = new LinkedHashMap<>();
    ClientConnection.Listener listener;
    FrameListener frameListener;
    ReconnectPolicy reconnectPolicy = ReconnectPolicy.exponential();
    boolean retryFirstConnect;
    ClientConnection.ReconnectHook reconnectHook;
    int offlineQueueSize;
    boolean sharedTransport;
    SSLContext sslContext;
    Duration offlineQueueWait = Duration.ZERO;
    boolean resumableSessions = true;
    long resumeBufferBytes = SessionSettings.DEFAULT_BUFFER_BYTES;
    Duration resumeSendWait = SessionSettings.DEFAULT_SEND_WAIT;

    Builder() {
      super(PeerConfig.builder());
    }

    /** A builder whose engine settings go to {@code config}. */
    Builder(PeerConfig.Builder config) {
      super(config);
    }

    /**
     * The server's WebSocket URI, {@code ws://} or {@code wss://}. Required.
     *
     * @param uri the URI
     * @return this builder
     * @throws IllegalArgumentException if the scheme is not ws or wss
     */
    public Builder uri(URI uri) {
      this.uri = webSocketUri(uri, "uri");
      return this;
    }

    private static URI webSocketUri(URI uri, String what) {
      Objects.requireNonNull(uri, "uri == null");
      String scheme = uri.getScheme();
      if (!"ws".equalsIgnoreCase(scheme) && !"wss".equalsIgnoreCase(scheme)) {
        throw new IllegalArgumentException(what + " must be ws:// or wss://: " + uri);
      }
      return uri;
    }

    /**
     * Other servers to reconnect to when the connection to the current one is lost, for example
     * the other nodes of a cluster ({@code docs/cluster.md}). Reconnect attempts go through
     * {@link #uri(URI)} and these in turn, starting with the one after the server just lost, so a
     * client of a node that died lands on another node. {@link RpcClient#connect()} itself uses
     * {@link #uri(URI)} only. Default: none, every attempt goes to {@link #uri(URI)}.
     *
     * @param uris ws:// or wss:// URIs of servers that serve the same services
     * @return this builder
     * @throws IllegalArgumentException if one is not a ws or wss URI
     */
    public Builder failoverUris(List<URI> uris) {
      Objects.requireNonNull(uris, "uris == null");
      List<URI> copy = new ArrayList<>();
      for (URI u : uris) {
        copy.add(webSocketUri(u, "failover uri"));
      }
      this.failoverUris = List.copyOf(copy);
      return this;
    }

    /**
     * The server's WebSocket URI as a string.
     *
     * @param uri the URI, for example {@code "ws://127.0.0.1:8080/rpc"}
     * @return this builder
     * @throws IllegalArgumentException if it is not a valid ws or wss URI
     */
    public Builder uri(String uri) {
      Objects.requireNonNull(uri, "uri == null");
      return uri(URI.create(uri));
    }

    /**
     * Adds a local service the server may call (see {@link PeerConfig.Builder#service(Object)}). Shared
     * by every connection of this client, so it must be thread-safe.
     *
     * @param service an object with {@code @RpcMethod} / {@code @RpcNotification} methods
     * @return this builder
     * @throws IllegalArgumentException if the service is invalid
     */
    public Builder service(Object service) {
      config.service(service);
      return this;
    }

    /**
     * How long {@link RpcClient#connect()} waits for the TCP connection and the handshake.
     * Default 10 seconds; must be positive.
     *
     * @param timeout the timeout
     * @return this builder
     */
    public Builder connectTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout == null");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("connectTimeout <= 0: " + timeout);
      }
      this.connectTimeout = timeout;
      return this;
    }

    /**
     * The settings of the connection's socket: heartbeat and send queue; see {@link
     * SocketSettings}. Replaces what {@link #pingInterval}, {@link #idleTimeout} and {@link
     * #maxQueuedBytes} set.
     *
     * @param settings the settings
     * @return this builder
     */
    public Builder socketSettings(SocketSettings settings) {
      this.socket = Objects.requireNonNull(settings, "settings == null").newBuilder();
      return this;
    }

    /**
     * How often to ping the server; see {@link SocketSettings.Builder#pingInterval(Duration)}.
     *
     * @param interval the time between pings, zero or positive
     * @return this builder
     */
    public Builder pingInterval(Duration interval) {
      socket.pingInterval(interval);
      return this;
    }

    /**
     * How long the connection may stay silent before it is dropped; see {@link
     * SocketSettings.Builder#idleTimeout(Duration)}.
     *
     * @param timeout the longest silence, zero or positive
     * @return this builder
     */
    public Builder idleTimeout(Duration timeout) {
      socket.idleTimeout(timeout);
      return this;
    }

    /**
     * The most bytes waiting to be written to the server; see {@link
     * SocketSettings.Builder#maxQueuedBytes(long)}. Past it the socket is dropped (1001), and the
     * connection reconnects as its policy says.
     *
     * @param bytes the limit, zero or positive
     * @return this builder
     */
    public Builder maxQueuedBytes(long bytes) {
      socket.maxQueuedBytes(bytes);
      return this;
    }

    /**
     * Whether sockets share one process-wide I/O transport (Tyrus's shared Grizzly container: a
     * selector thread per core and a pool of two worker threads per core, stopped 30 s after its
     * last socket closed)
     * instead of each having its own (one selector and two worker threads, stopped with the
     * socket). Share when one process holds many connections: 2,000 connections then cost a
     * handful of threads instead of 6,000. The trade-off: a socket dropped by the heartbeat or the
     * send-queue limit is closed gracefully, after its pending writes, rather than at once.
     * Default false.
     *
     * @param shared true to share
     * @return this builder
     */
    public Builder sharedTransport(boolean shared) {
      this.sharedTransport = shared;
      return this;
    }

    /**
     * The TLS context for {@code wss://} URIs: which servers to trust (and, for mutual TLS, this
     * client's key). The server's host name is verified against its certificate. Default: the
     * JVM's default trust (the {@code javax.net.ssl.trustStore} system properties, or the JDK's
     * CA certificates).
     *
     * @param sslContext an initialized client context, or null for the default
     * @return this builder
     */
    public Builder sslContext(SSLContext sslContext) {
      this.sslContext = sslContext;
      return this;
    }

    /**
     * Trusts the certificates in a trust store file (PKCS12 or JKS) for {@code wss://}, and only
     * them; a shortcut for {@link #sslContext(SSLContext)} with a TLS context made from it.
     *
     * @param trustStore the trust store file
     * @param password its password
     * @return this builder
     * @throws IllegalArgumentException if the file cannot be read
     */
    public Builder trustStore(Path trustStore, char[] password) {
      this.sslContext = TlsContexts.trusting(trustStore, password);
      return this;
    }

    /**
     * Adds a header to the handshake request (for example {@code Authorization}). Calling it
     * again with the same name adds another value.
     *
     * @param name the header name
     * @param value the value
     * @return this builder
     */
    public Builder header(String name, String value) {
      Objects.requireNonNull(name, "name == null");
      Objects.requireNonNull(value, "value == null");
      if (name.isEmpty()) {
        throw new IllegalArgumentException("header name is empty");
      }
      headers.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
      return this;
    }

    /**
     * When and whether a connection that lost its socket reconnects. Default {@link
     * ReconnectPolicy#exponential()}: full-jitter exponential backoff from 0.5 s up to 30 s,
     * unlimited attempts; {@link ReconnectPolicy#none()} turns reconnecting off. A connection the
     * application closed, or one closed with a code the policy does not retry, stays closed.
     *
     * @param policy the policy
     * @return this builder
     */
    public Builder reconnectPolicy(ReconnectPolicy policy) {
      this.reconnectPolicy = Objects.requireNonNull(policy, "policy == null");
      return this;
    }

    /**
     * Whether {@link RpcClient#connect()} retries a failed first connect with the {@linkplain
     * #reconnectPolicy reconnect policy}'s delays, going through the URI and the {@linkplain
     * #failoverUris failover URIs} in turn, until one attempt succeeds or the policy gives up
     * (then it throws the last attempt's exception). A handshake refused with HTTP 401 or 403 is
     * not retried. Off by default: {@code connect()} makes one attempt.
     *
     * @param retry true to retry
     * @return this builder
     */
    public Builder retryFirstConnect(boolean retry) {
      this.retryFirstConnect = retry;
      return this;
    }

    /**
     * Runs after each reconnect, on the new socket, before any call queued while offline goes out
     * and before calls from other threads are let through: the place to log in again and
     * re-subscribe. Calls the hook makes (from its own thread) go straight to the new socket. If
     * it throws, the new socket is closed and the attempt counts as failed.
     *
     * @param hook the hook, or null for none
     * @return this builder
     */
    public Builder onReconnected(ClientConnection.ReconnectHook hook) {
      this.reconnectHook = hook;
      return this;
    }

    /**
     * Whether to ask a server of this library for a resumable session (docs/resume.md): a lost
     * socket turns the state {@link ConnectionState#RESUMING RESUMING}, nothing pending fails, and
     * the reconnect hook runs only if a fresh session had to be made. Default on.
     *
     * @param on whether to ask for resumable sessions
     * @return this builder
     * @since 0.2
     */
    public Builder resumableSessions(boolean on) {
      this.resumableSessions = on;
      return this;
    }

    /**
     * The session's replay buffer: at most {@code bytes} UTF-8 bytes the server has not
     * acknowledged; a send that does not fit waits up to {@code sendWait}, then fails with -32009.
     * Defaults 1 MiB and 10 seconds.
     *
     * @param bytes at least 1
     * @param sendWait zero to fail at once
     * @return this builder
     * @since 0.2
     */
    public Builder resumeBuffer(long bytes, Duration sendWait) {
      new SessionSettings(bytes, sendWait, 1, SessionSettings.DEFAULT_ACK_INTERVAL); // checks both
      this.resumeBufferBytes = bytes;
      this.resumeSendWait = sendWait;
      return this;
    }

    /**
     * Holds calls made through {@link ClientConnection#remote(Class)} proxies while the connection
     * is reconnecting, instead of failing them at once (the default): at most {@code maxCalls}
     * calls, each for at most {@code maxWait}, sent in order once the connection is back and the
     * reconnect hook has run. A call past the limit, or still waiting after {@code maxWait}, or
     * waiting when the connection closes for good, fails with {@link
     * dev.duplexrpc.core.ConnectionClosedException} whose reason says so; it was never sent. The
     * call timeout counts from the moment a call is sent. {@code offlineQueue(0, Duration.ZERO)}
     * turns queueing off again.
     *
     * @param maxCalls the most calls held at once, 0 for no queue
     * @param maxWait the longest a call is held, positive when {@code maxCalls > 0}
     * @return this builder
     */
    public Builder offlineQueue(int maxCalls, Duration maxWait) {
      Objects.requireNonNull(maxWait, "maxWait == null");
      if (maxCalls < 0) {
        throw new IllegalArgumentException("maxCalls < 0: " + maxCalls);
      }
      if (maxCalls > 0 && (maxWait.isNegative() || maxWait.isZero())) {
        throw new IllegalArgumentException("maxWait <= 0: " + maxWait);
      }
      this.offlineQueueSize = maxCalls;
      this.offlineQueueWait = maxCalls == 0 ? Duration.ZERO : maxWait;
      return this;
    }

    /**
     * Receives connection events: state changes and the final close.
     *
     * @param listener the listener, or null for none
     * @return this builder
     */
    public Builder listener(ClientConnection.Listener listener) {
      this.listener = listener;
      return this;
    }

    /**
     * Sees every text frame sent and received, for logging.
     *
     * @param listener the frame listener, or null for none
     * @return this builder
     */
    public Builder frameListener(FrameListener listener) {
      this.frameListener = listener;
      return this;
    }

    /**
     * Builds the client. No connection is made until {@link RpcClient#connect()}.
     *
     * @return the client
     * @throws IllegalStateException if no URI was set, or the idle timeout is not longer than the
     *     ping interval
     */
    public RpcClient build() {
      if (uri == null) {
        throw new IllegalStateException("uri == null: call uri(...) before build()");
      }
      socket.build(); // the idle timeout must be longer than the ping interval
      return new RpcClient(new ClientSettings(this, config.build()));
    }
  }
}
