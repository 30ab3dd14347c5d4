package dev.duplexrpc.client;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import dev.duplexrpc.client.internal.GuardedClientContainer;
import dev.duplexrpc.client.internal.Limits;
import dev.duplexrpc.client.internal.SessionTransport;
import dev.duplexrpc.core.Peer;
import dev.duplexrpc.core.PeerListener;
import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.CloseReason;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.Session;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import org.glassfish.tyrus.client.ClientManager;
import org.glassfish.tyrus.client.ClientProperties;

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
  private static final System.Logger LOG = System.getLogger(RpcClient.class.getName());

  /** Default {@link Builder#connectTimeout(Duration)}: 10 seconds. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

  private static final Gson DEFAULT_GSON = new GsonBuilder().disableHtmlEscaping().create();

  private final Builder config;

  private RpcClient(Builder builder) {
    this.config = builder.copy();
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
    return config.copy();
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
   * timeout. When this returns, the server may already be calling the local services.
   *
   * @return the open connection
   * @throws IOException if the server could not be reached, refused the handshake, or did not
   *     answer within the connect timeout
   */
  public ClientConnection connect() throws IOException {
    ClientManager manager = ClientManager.createClient(GuardedClientContainer.class.getName());
    manager.getProperties().put(ClientProperties.HANDSHAKE_TIMEOUT, timeoutMillis(config.connectTimeout));
    manager.getProperties().put(ClientProperties.INCOMING_BUFFER_SIZE,
        Limits.incomingBufferSize(config.maxMessageSize));
    manager.setDefaultMaxTextMessageBufferSize(config.maxMessageSize);
    AtomicReference<Session> session = new AtomicReference<>();
    manager.getProperties().put(GuardedClientContainer.SESSION, session);
    Map<String, List<String>> headers = config.headers;
    ClientEndpointConfig cec = ClientEndpointConfig.Builder.create()
        .configurator(new ClientEndpointConfig.Configurator() {
          @Override
          public void beforeRequest(Map<String, List<String>> request) {
            for (Map.Entry<String, List<String>> h : headers.entrySet()) {
              request.put(h.getKey(), new ArrayList<>(h.getValue()));
            }
          }
        })
        .build();
    ClientEndpoint endpoint = new ClientEndpoint(config, manager, session);
    try {
      manager.connectToServer(endpoint, cec, config.uri);
    } catch (DeploymentException | IOException | RuntimeException e) {
      manager.shutdown();
      throw new IOException("Could not connect to " + config.uri + ": " + e.getMessage(), e);
    }
    ClientConnection connection = endpoint.connection.getNow(null);
    if (connection == null) {
      manager.shutdown();
      throw new IOException("Could not connect to " + config.uri + ": the session did not open");
    }
    return connection;
  }

  private static int timeoutMillis(Duration d) {
    return (int) Math.min(Integer.MAX_VALUE, d.toMillis());
  }

  /** The Jakarta endpoint of one connection: builds the Peer when the session opens. */
  private static final class ClientEndpoint extends Endpoint {
    private final Builder config;
    private final ClientManager manager;
    private final AtomicReference<Session> session;
    final CompletableFuture<ClientConnection> connection = new CompletableFuture<>();
    private volatile SessionTransport transport;

    ClientEndpoint(Builder config, ClientManager manager, AtomicReference<Session> session) {
      this.config = config;
      this.manager = manager;
      this.session = session;
    }

    @Override
    public void onOpen(Session session, EndpointConfig endpointConfig) {
      this.session.set(session);
      String name = "client session " + session.getId() + " to " + config.uri;
      SessionTransport t = SessionTransport.attach(session, config.maxMessageSize, name,
          config.frameListener == null ? null : config.frameListener::onFrame);
      transport = t;
      ClientConnection[] self = new ClientConnection[1];
      ClientConnection.Listener listener = config.listener;
      ClientEvents events = new ClientEvents(config.gson);
      Peer.Builder pb = config.peer.copy().transport(t).fallback(events);
      if (listener != null) {
        pb.listener(new PeerListener() {
          @Override
          public void onClose(Peer peer, int code, String reason) {
            listener.onClose(self[0], code, reason);
          }
        });
      }
      // The Peer is built before self[0] is set, but its listener runs only after a close, which
      // happens-after this method: the Peer hands the callback to its executor.
      ClientConnection c = new ClientConnection(config.uri, pb.build(), events);
      self[0] = c;
      connection.complete(c);
    }

    @Override
    public void onClose(Session session, CloseReason closeReason) {
      SessionTransport t = transport;
      if (t != null) {
        t.closed(closeReason.getCloseCode().getCode(), closeReason.getReasonPhrase());
      }
      manager.shutdown();
    }

    @Override
    public void onError(Session session, Throwable error) {
      LOG.log(Level.DEBUG, "WebSocket error on client session to {0}: {1}", config.uri, error);
    }
  }

  /**
   * Builds an {@link RpcClient}. Setters validate their argument at once; {@link #build()}
   * checks that a URI was given. Limits and timeouts are the core {@link Peer.Builder}'s and mean
   * the same here. Not thread-safe.
   *
   * @since 0.1
   */
  public static final class Builder {
    private URI uri;
    private Peer.Builder peer = Peer.builder();
    private int maxMessageSize = Peer.DEFAULT_MAX_MESSAGE_SIZE;
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private Map<String, List<String>> headers = new LinkedHashMap<>();
    private ClientConnection.Listener listener;
    private FrameListener frameListener;
    private Gson gson = DEFAULT_GSON;

    Builder() {}

    Builder copy() {
      Builder b = new Builder();
      b.uri = uri;
      b.peer = peer.copy();
      b.maxMessageSize = maxMessageSize;
      b.connectTimeout = connectTimeout;
      for (Map.Entry<String, List<String>> h : headers.entrySet()) {
        b.headers.put(h.getKey(), Collections.unmodifiableList(new ArrayList<>(h.getValue())));
      }
      b.listener = listener;
      b.frameListener = frameListener;
      b.gson = gson;
      return b;
    }

    /**
     * The server's WebSocket URI, {@code ws://} or {@code wss://}. Required.
     *
     * @param uri the URI
     * @return this builder
     * @throws IllegalArgumentException if the scheme is not ws or wss
     */
    public Builder uri(URI uri) {
      Objects.requireNonNull(uri, "uri == null");
      String scheme = uri.getScheme();
      if (!"ws".equalsIgnoreCase(scheme) && !"wss".equalsIgnoreCase(scheme)) {
        throw new IllegalArgumentException("uri must be ws:// or wss://: " + uri);
      }
      this.uri = uri;
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
     * Adds a local service the server may call (see {@link Peer.Builder#service(Object)}). Shared
     * by every connection of this client, so it must be thread-safe.
     *
     * @param service an object with {@code @RpcMethod} / {@code @RpcNotification} methods
     * @return this builder
     * @throws IllegalArgumentException if the service is invalid
     */
    public Builder service(Object service) {
      peer.service(service);
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
     * The executor handlers run on; see {@link Peer.Builder#executor(Executor)}. The library never
     * shuts down an executor given here.
     *
     * @param executor the executor, or null for the library's default
     * @return this builder
     */
    public Builder executor(Executor executor) {
      peer.executor(executor);
      return this;
    }

    /**
     * The Gson instance for params and results; see {@link Peer.Builder#gson(Gson)}.
     *
     * @param gson the Gson instance
     * @return this builder
     */
    public Builder gson(Gson gson) {
      peer.gson(gson);
      this.gson = gson;
      return this;
    }

    /**
     * The largest message in characters, both ways; see {@link Peer.Builder#maxMessageSize(int)}.
     * A larger incoming message closes the connection with 1009. Tyrus's incoming buffer is sized
     * from it. Default 1 MiB; at least 256.
     *
     * @param chars the limit
     * @return this builder
     */
    public Builder maxMessageSize(int chars) {
      peer.maxMessageSize(chars);
      this.maxMessageSize = chars;
      return this;
    }

    /**
     * The deepest JSON nesting accepted; see {@link Peer.Builder#maxNestingDepth(int)}. Default
     * 128.
     *
     * @param depth the limit
     * @return this builder
     */
    public Builder maxNestingDepth(int depth) {
      peer.maxNestingDepth(depth);
      return this;
    }

    /**
     * The largest incoming batch; see {@link Peer.Builder#maxBatchSize(int)}. Default 1000.
     *
     * @param items the limit
     * @return this builder
     */
    public Builder maxBatchSize(int items) {
      peer.maxBatchSize(items);
      return this;
    }

    /**
     * The most incoming requests handled at once; see {@link Peer.Builder#maxInFlight(int)}.
     * Default 1024.
     *
     * @param requests the limit
     * @return this builder
     */
    public Builder maxInFlight(int requests) {
      peer.maxInFlight(requests);
      return this;
    }

    /**
     * How long an outgoing call waits for its response; see {@link
     * Peer.Builder#callTimeout(Duration)}. Default 30 seconds, {@link Duration#ZERO} for none.
     *
     * @param timeout the timeout
     * @return this builder
     */
    public Builder callTimeout(Duration timeout) {
      peer.callTimeout(timeout);
      return this;
    }

    /**
     * Whether unexpected handler exceptions show their class and message to the server; see
     * {@link Peer.Builder#exposeErrorDetails(boolean)}. Off by default.
     *
     * @param expose true to expose
     * @return this builder
     */
    public Builder exposeErrorDetails(boolean expose) {
      peer.exposeErrorDetails(expose);
      return this;
    }

    /**
     * Receives connection events (the close).
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
     * @throws IllegalStateException if no URI was set
     */
    public RpcClient build() {
      if (uri == null) {
        throw new IllegalStateException("uri == null: call uri(...) before build()");
      }
      return new RpcClient(this);
    }
  }
}
