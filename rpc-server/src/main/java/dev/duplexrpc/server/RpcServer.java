package dev.duplexrpc.server;

import dev.duplexrpc.core.Peer;
import dev.duplexrpc.core.PeerConfig;
import dev.duplexrpc.core.PeerOptions;
import dev.duplexrpc.server.cluster.Cluster;
import dev.duplexrpc.websocket.internal.Background;
import dev.duplexrpc.websocket.internal.TlsContexts;
import dev.duplexrpc.server.internal.EmbeddedContainer;
import dev.duplexrpc.server.internal.StaticFiles;
import jakarta.websocket.DeploymentException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.nio.file.Path;
import javax.net.ssl.SSLContext;

/**
 * An embedded WebSocket server (Tyrus on Grizzly) that runs a {@link Peer} for every client:
 * clients call the server's services, and the server calls each client back through its {@link
 * ServerConnection}.
 *
 * <pre>{@code
 * RpcServer server = RpcServer.builder()
 *     .port(8080)                           // 0 for an ephemeral port
 *     .path("/rpc")
 *     .service(new CalculatorImpl())
 *     .build()
 *     .start();
 * System.out.println("listening on " + server.uri());
 * ...
 * server.close();                           // 1001 to every client, then stops listening
 * }</pre>
 *
 * <h2>Network</h2>
 *
 * The server listens on exactly the host address given to the builder, by default {@code
 * 127.0.0.1}, so it is not reachable from other machines unless asked to be. Give {@code
 * "0.0.0.0"} to listen on every IPv4 interface.
 *
 * <h2>Closing</h2>
 *
 * {@link #close()} closes every connection with 1001 (going away), which fails every pending call
 * on both sides at once, then stops listening. Executors passed to the builder are not shut down.
 *
 * <p>To deploy the same services in another Jakarta WebSocket container, use {@link
 * Builder#buildEndpoint()}. This class is thread-safe.
 *
 * @since 0.1
 */
public final class RpcServer implements AutoCloseable {
  /** Default {@link Builder#host(String)}: {@code 127.0.0.1}, the loopback interface only. */
  public static final String DEFAULT_HOST = "127.0.0.1";
  /** Default {@link Builder#path(String)}: {@code /}. */
  public static final String DEFAULT_PATH = "/";

  /** How long {@link #close()} waits for the clients to answer the close frames. */
  private static final long CLOSE_LINGER_MILLIS = 2_000;

  private final String host;
  private final int port;
  private final RpcEndpoint endpoint;
  private final int maxMessageSize;
  private final SSLContext sslContext;
  private final StaticFiles staticFiles;
  private final Builder config;
  private final ConnectionLimits connectionLimits;
  private final Object lock = new Object();
  private EmbeddedContainer container; // guarded by lock
  private boolean closed; // guarded by lock

  private RpcServer(Builder b) {
    this.host = b.host;
    this.port = b.port;
    this.sslContext = b.sslContext;
    this.connectionLimits = b.connectionLimits;
    this.staticFiles = b.staticFolders.isEmpty() && b.browserClientPath == null
        ? null
        : new StaticFiles(b.staticFolders, b.browserClientPath);
    this.endpoint = b.buildEndpoint();
    this.config = b.copy();
    this.maxMessageSize = endpoint.peerConfig().maxMessageSize();
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
   * A builder with this server's settings, to derive a variant (another port, another path, one
   * more service). Changing it changes neither this server nor its builder. The {@link
   * Builder#backplane backplane} is not carried over: it belongs to this server, so give the
   * derived builder its own.
   *
   * @return a new builder
   */
  public Builder newBuilder() {
    return config.copy();
  }

  /**
   * Binds the listener and starts accepting connections.
   *
   * @return this server
   * @throws IOException if the address cannot be bound (for example the port is in use)
   * @throws IllegalStateException if the server was already started or closed
   */
  public RpcServer start() throws IOException {
    synchronized (lock) {
      if (closed) {
        throw new IllegalStateException("server is closed");
      }
      if (container != null) {
        throw new IllegalStateException("server already started");
      }
      endpoint.start(); // the backplane first: a bad one fails here, before anything listens
      EmbeddedContainer c = new EmbeddedContainer(host, port, maxMessageSize, endpoint.gate(), sslContext, staticFiles,
          connectionLimits);
      try {
        c.addEndpoint(endpoint.config());
        c.start("/", port);
      } catch (DeploymentException e) {
        throw new IOException("Could not deploy the endpoint: " + e.getMessage(), e);
      }
      container = c;
      return this;
    }
  }

  /**
   * The host address the server listens on.
   *
   * @return the host, as given to the builder
   */
  public String host() {
    return host;
  }

  /**
   * The port the server listens on: the one bound, also when the builder asked for 0.
   *
   * @return the bound port
   * @throws IllegalStateException before {@link #start()}
   */
  public int port() {
    return started().getPort();
  }

  /**
   * The socket address the server listens on.
   *
   * @return the bound address
   * @throws IllegalStateException before {@link #start()}
   */
  public InetSocketAddress address() {
    return started().address();
  }

  /**
   * The endpoint path.
   *
   * @return the path
   */
  public String path() {
    return endpoint.path();
  }

  /**
   * The URI clients connect to, for example {@code ws://127.0.0.1:8080/rpc}, or {@code wss://...}
   * with TLS.
   *
   * @return the URI
   * @throws IllegalStateException before {@link #start()}
   */
  public URI uri() {
    String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
    return URI.create((sslContext == null ? "ws://" : "wss://") + h + ":" + port() + endpoint.path());
  }

  /**
   * The events clients may subscribe to ({@code rpc.on}), and publishing to them.
   *
   * <pre>{@code
   * server.events().publish("feedUpdated", feed);
   * }</pre>
   *
   * @return the events
   */
  public Events events() {
    return endpoint.events();
  }

  /**
   * This server's place in its cluster: its node id, and handles for calling clients connected
   * to any node ({@link Cluster#connection(String)}). Without a {@link Builder#backplane
   * backplane}, a cluster of one.
   *
   * @return the cluster
   */
  public Cluster cluster() {
    return endpoint.cluster();
  }

  /**
   * The open connections at this moment.
   *
   * @return an unmodifiable snapshot
   */
  public Collection<ServerConnection> connections() {
    return endpoint.connections();
  }

  /**
   * The open connection with an id.
   *
   * @param id a {@link ServerConnection#id()}
   * @return the connection, or empty; a connection of another node of a cluster is found with
   *     {@link Cluster#connection(String) cluster().connection(id)}
   */
  public Optional<ServerConnection> connection(String id) {
    return endpoint.connection(id);
  }

  /**
   * Shuts down gracefully: from now on new connections are refused (the upgrade is answered with
   * HTTP 503) and new calls on open connections are answered with {@link
   * dev.duplexrpc.core.ErrorCodes#SHUTTING_DOWN} (-32005); handlers already running may finish
   * within {@code grace}; each connection closes with 1001 (going away) as soon as it has nothing
   * running, or at the deadline; then the server stops listening. The server's own calls to
   * clients keep working until their connection closes. Idempotent in effect; {@link #close()}
   * during the grace period closes everything at once.
   *
   * <pre>{@code
   * Runtime.getRuntime().addShutdownHook(new Thread(() ->
   *     server.shutdown(Duration.ofSeconds(10)).join()));
   * }</pre>
   *
   * @param grace how long running handlers may take, zero or positive
   * @return a future that completes when every connection is closed and the server stopped
   */
  public CompletableFuture<Void> shutdown(Duration grace) {
    Objects.requireNonNull(grace, "grace == null");
    if (grace.isNegative()) {
      throw new IllegalArgumentException("grace < 0: " + grace);
    }
    synchronized (lock) {
      if (closed) {
        return CompletableFuture.completedFuture(null);
      }
    }
    return endpoint.shutdown(grace).thenRunAsync(this::close, Background.executor());
  }

  /**
   * Closes every connection with 1001 (going away), so pending calls on both sides fail at once,
   * then stops listening, after waiting up to two seconds for the clients to answer the close
   * frames. Idempotent; a server is not restarted.
   */
  @Override
  public void close() {
    EmbeddedContainer c;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      c = container;
    }
    endpoint.close();
    if (c != null) {
      // The close frames are on their way: give the clients a moment to answer them, so they see
      // 1001 rather than a dropped socket; a client that does not answer is dropped after it.
      c.awaitClosed(CLOSE_LINGER_MILLIS);
      c.stop();
    }
  }

  /**
   * The socket counters: connections and pending handshakes open now, and what the {@link
   * ConnectionLimits} refused or closed since the start, for metrics.
   *
   * @return a snapshot; all zero before the start
   */
  public ConnectionStats connectionStats() {
    synchronized (lock) {
      return container == null ? new ConnectionStats(0, 0, 0, 0, 0, 0, 0) : container.stats();
    }
  }

  private EmbeddedContainer started() {
    synchronized (lock) {
      if (container == null) {
        throw new IllegalStateException("server not started");
      }
      return container;
    }
  }

  @Override
  public String toString() {
    synchronized (lock) {
      return "RpcServer[" + host + ":" + (container == null ? port : container.getPort())
          + endpoint.path() + (closed ? ", closed" : "") + "]";
    }
  }

  /**
   * Builds an {@link RpcServer}, or an {@link RpcEndpoint} for another container. Setters validate
   * their argument at once. The engine settings ({@link PeerOptions}) are built once into the
   * {@link PeerConfig} of every connection; the endpoint's ({@link EndpointOptions}) hold in any
   * container; the ones here only in the embedded server. Not thread-safe.
   *
   * @since 0.1
   */
  public static final class Builder extends EndpointOptions<Builder> {
    private String host = DEFAULT_HOST;
    private int port;
    SSLContext sslContext;
    final List<StaticFiles.Folder> staticFolders = new ArrayList<>();
    String browserClientPath;
    ConnectionLimits connectionLimits = ConnectionLimits.defaults();

    Builder() {
      super(PeerConfig.builder());
    }

    /** The configuration every connection's Peer is built with, its services bound now. */
    PeerConfig peerConfig() {
      return config.build();
    }

    private Builder(PeerConfig.Builder config) {
      super(config);
    }

    /** An independent copy with the same settings, except the backplane (one server's own). */
    Builder copy() {
      Builder b = new Builder(config.build().newBuilder());
      copyInto(b);
      b.host = host;
      b.port = port;
      b.sslContext = sslContext;
      b.connectionLimits = connectionLimits;
      b.staticFolders.addAll(staticFolders);
      b.browserClientPath = browserClientPath;
      return b;
    }

    /**
     * The address to listen on: an IP literal or a host name of this machine. Default {@code
     * 127.0.0.1}; the server accepts connections on that address only.
     *
     * @param host the host
     * @return this builder
     */
    public Builder host(String host) {
      Objects.requireNonNull(host, "host == null");
      if (host.isEmpty()) {
        throw new IllegalArgumentException("host is empty");
      }
      this.host = host;
      return this;
    }

    /**
     * The port to listen on, 0 (the default) for an ephemeral one; {@link RpcServer#port()} tells
     * the bound port after start.
     *
     * @param port 0 to 65535
     * @return this builder
     */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port out of range 0..65535: " + port);
      }
      this.port = port;
      return this;
    }

    /**
     * Serves the files of a class path folder over HTTP, on the server's own address and port,
     * so that a web page and the WebSocket endpoint it connects to have the same origin. A {@code
     * GET} or {@code HEAD} of {@code urlPath + name} answers the resource {@code folder + "/" +
     * name}, with a content type chosen by the file extension ({@code .html}, {@code .js}, {@code
     * .css}, {@code .json}, {@code .svg}, {@code .png} and other common web types; {@code
     * application/octet-stream} for the rest); a path ending with {@code /} answers that folder's
     * {@code index.html}. Anything else is answered 404: missing files, directories, and every
     * path with a {@code .} or {@code ..} segment, an empty segment or an encoded {@code /} or
     * {@code \} (so no request reaches outside the folder). Other methods get 405. WebSocket
     * upgrades still go to the endpoint, also when {@link #path(String)} and {@code urlPath}
     * overlap.
     *
     * <pre>{@code
     * RpcServer.builder()
     *     .path("/rpc")
     *     .staticResources("/", "web")        // src/main/resources/web/index.html at http://host:port/
     *     .browserClient("/duplex.js")        // the library's browser client
     * }</pre>
     *
     * <p>Files are looked up with the thread's context class loader at the time of this call (or
     * this library's loader if there is none). In a named module, {@code folder} must be opened
     * to everyone (or not be a package name, such as {@code META-INF/resources}). The files are
     * public: the {@link #authenticator(Authenticator)} and {@link #allowedOrigins(String...)}
     * judge only WebSocket upgrades. Serve only what any visitor may read. Each call adds a
     * folder; for a request the longest matching {@code urlPath} wins. Each file is read whole
     * for every request, without caching: this is for a page and its assets, not for large
     * downloads. Only the embedded server serves files; {@link #buildEndpoint()} ignores them.
     * Default: none, every plain HTTP request is answered 404.
     *
     * @param urlPath the URL path the files appear under, starting with {@code /}
     * @param folder the class path folder, a relative resource name such as {@code "web"}; not
     *     empty (the whole class path would publish your classes)
     * @return this builder
     * @throws IllegalArgumentException if a path is malformed, or {@code urlPath} already has a
     *     folder
     */
    public Builder staticResources(String urlPath, String folder) {
      String prefix = StaticFiles.urlPrefix(urlPath);
      String f = StaticFiles.folder(folder);
      for (StaticFiles.Folder existing : staticFolders) {
        if (existing.urlPrefix().equals(prefix)) {
          throw new IllegalArgumentException("a folder is already served at " + prefix);
        }
      }
      ClassLoader loader = Thread.currentThread().getContextClassLoader();
      staticFolders.add(new StaticFiles.Folder(prefix, loader != null ? loader : RpcServer.class.getClassLoader(), f));
      return this;
    }

    /**
     * Serves the library's browser client, {@code duplex.js} (an ES module, see {@code
     * docs/browser.md}), over HTTP at this path, for example {@code "/duplex.js"}, with the same
     * rules as {@link #staticResources(String, String)}; it wins over a static file of the same
     * path. The file is in this jar as {@code META-INF/resources/duplex-rpc/duplex.js}. Default:
     * not served.
     *
     * <pre>{@code
     * // in the page: import { connect } from "/duplex.js";
     * RpcServer.builder().browserClient("/duplex.js")
     * }</pre>
     *
     * @param urlPath the URL path, starting with {@code /} and not ending with it; null to not
     *     serve it
     * @return this builder
     * @throws IllegalArgumentException if the path is malformed
     */
    public Builder browserClient(String urlPath) {
      if (urlPath != null) {
        String prefix = StaticFiles.urlPrefix(urlPath);
        if (urlPath.endsWith("/")) {
          throw new IllegalArgumentException("the browser client's path names a file, not a folder: " + urlPath);
        }
        urlPath = prefix.substring(0, prefix.length() - 1);
      }
      this.browserClientPath = urlPath;
      return this;
    }

    /**
     * Serves {@code wss://} (WebSocket over TLS) with this context's key material; {@link
     * RpcServer#uri()} then starts with {@code wss://}. Not used by {@link #buildEndpoint()}
     * (the container does TLS). Default: none, plain {@code ws://}.
     *
     * @param sslContext an initialized server context, or null for plain {@code ws://}
     * @return this builder
     */
    public Builder sslContext(SSLContext sslContext) {
      this.sslContext = sslContext;
      return this;
    }

    /**
     * Serves {@code wss://} with the key and certificate chain in a key store file (PKCS12 or
     * JKS); a shortcut for {@link #sslContext(SSLContext)} with a TLS context made from it.
     *
     * @param keyStore the key store file, holding one private key entry
     * @param password the password of the file and of the key
     * @return this builder
     * @throws IllegalArgumentException if the file cannot be read or holds no usable key
     */
    public Builder keyStore(Path keyStore, char[] password) {
      this.sslContext = TlsContexts.withKey(keyStore, password);
      return this;
    }

    /**
     * The handshake deadline, socket limits and message rate limit; see {@link ConnectionLimits}
     * for each default. In another container only its message rate limit applies.
     *
     * @param limits the limits
     * @return this builder
     */
    public Builder connectionLimits(ConnectionLimits limits) {
      this.connectionLimits = Objects.requireNonNull(limits, "limits == null");
      return this;
    }

    /**
     * Builds the embedded server, not yet listening: call {@link RpcServer#start()}.
     *
     * @return the server
     * @throws IllegalStateException if the idle timeout is not longer than the ping interval, or a
     *     transport handler was set together with services, events or a connection listener
     */
    public RpcServer build() {
      check();
      return new RpcServer(this);
    }

    /**
     * Builds only the endpoint, to deploy in another Jakarta WebSocket container; host and port
     * are not used.
     *
     * @return the endpoint
     * @throws IllegalStateException if the idle timeout is not longer than the ping interval, or a
     *     transport handler was set together with services, events or a connection listener
     */
    public RpcEndpoint buildEndpoint() {
      check();
      return new RpcEndpoint(this);
    }
  }
}
