package dev.duplexrpc.server.internal;

import dev.duplexrpc.server.ConnectionLimits;
import dev.duplexrpc.server.ConnectionStats;
import dev.duplexrpc.websocket.internal.Background;
import dev.duplexrpc.websocket.internal.Limits;
import dev.duplexrpc.websocket.internal.QuietIdleTimeouts;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerEndpointConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import javax.net.ssl.SSLContext;
import org.glassfish.grizzly.filterchain.FilterChainBuilder;
import org.glassfish.grizzly.http.server.AddOn;
import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.grizzly.http.server.HttpServerFilter;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.ssl.SSLEngineConfigurator;
import org.glassfish.tyrus.core.TyrusWebSocketEngine;
import org.glassfish.tyrus.server.TyrusServerContainer;
import org.glassfish.tyrus.spi.WebSocketEngine;

/**
 * A Tyrus server container on a Grizzly listener bound to one host address, unlike Tyrus's own
 * Grizzly container, which binds {@code 0.0.0.0} whatever host it is given. Tyrus's incoming
 * buffer is sized from the library's message limit. A {@link ConnectionGuard} enforces the
 * {@link ConnectionLimits}.
 */
public final class EmbeddedContainer extends TyrusServerContainer {
  private static final ScheduledExecutorService QUIET_SCHEDULER = new QuietIdleTimeouts(Background.scheduler());

  private final String host;
  private final int requestedPort;
  private final long maxFramePayload;
  private final TyrusWebSocketEngine engine;
  private final HandshakeGate gate;
  private final SSLContext sslContext;
  private final StaticFiles staticFiles;
  private final TyrusFilter.SocketCount sockets = new TyrusFilter.SocketCount();
  private final ConnectionLimits limits;
  private volatile ConnectionGuard guard;
  private volatile String contextPath = "/";
  private volatile HttpServer server;
  private volatile NetworkListener listener;

  /**
   * Creates the container without static files; nothing is bound until {@link #start(String, int)}.
   *
   * @param host the address to listen on
   * @param port the port, 0 for an ephemeral one
   * @param maxMessageChars the library's message limit
   * @param gate judges each upgrade request before Tyrus sees it, or null
   * @param sslContext the TLS context for {@code wss://}, or null for plain {@code ws://}
   */
  public EmbeddedContainer(String host, int port, int maxMessageChars, HandshakeGate gate, SSLContext sslContext) {
    this(host, port, maxMessageChars, gate, sslContext, null);
  }

  /**
   * Creates the container; nothing is bound until {@link #start(String, int)}.
   *
   * @param host the address to listen on
   * @param port the port, 0 for an ephemeral one
   * @param maxMessageChars the library's message limit
   * @param gate judges each upgrade request before Tyrus sees it, or null
   * @param sslContext the TLS context for {@code wss://}, or null for plain {@code ws://}
   * @param staticFiles serves plain HTTP requests (not upgrades), or null to answer them all 404
   */
  public EmbeddedContainer(String host, int port, int maxMessageChars, HandshakeGate gate, SSLContext sslContext,
      StaticFiles staticFiles) {
    this(host, port, maxMessageChars, gate, sslContext, staticFiles, ConnectionLimits.defaults());
  }

  /**
   * Creates the container; nothing is bound until {@link #start(String, int)}.
   *
   * @param host the address to listen on
   * @param port the port, 0 for an ephemeral one
   * @param maxMessageChars the library's message limit
   * @param gate judges each upgrade request before Tyrus sees it, or null
   * @param sslContext the TLS context for {@code wss://}, or null for plain {@code ws://}
   * @param staticFiles serves plain HTTP requests (not upgrades), or null to answer them all 404
   * @param limits the handshake deadline and the socket limits
   */
  public EmbeddedContainer(String host, int port, int maxMessageChars, HandshakeGate gate, SSLContext sslContext,
      StaticFiles staticFiles, ConnectionLimits limits) {
    super((Set<Class<?>>) null);
    this.limits = limits;
    this.host = host;
    this.gate = gate;
    this.sslContext = sslContext;
    this.staticFiles = staticFiles;
    this.requestedPort = port;
    this.maxFramePayload = Limits.maxFramePayload(maxMessageChars);
    this.engine = TyrusWebSocketEngine.builder(this)
        .incomingBufferSize(Limits.incomingBufferSize(maxMessageChars))
        .build();
    setDefaultMaxTextMessageBufferSize((int) Limits.maxFramePayload(maxMessageChars)); // above ours: see FrameGuard
  }

  @Override
  public void register(Class<?> endpointClass) throws DeploymentException {
    engine.register(endpointClass, contextPath);
  }

  @Override
  public void register(ServerEndpointConfig config) throws DeploymentException {
    engine.register(config, contextPath);
  }

  @Override
  public WebSocketEngine getWebSocketEngine() {
    return engine;
  }

  /**
   * The library's one timer thread instead of a Tyrus pool per server, without the per-message
   * idle-timeout wake-ups; see {@link QuietIdleTimeouts}.
   */
  @Override
  public ScheduledExecutorService getScheduledExecutorService() {
    return QUIET_SCHEDULER;
  }

  /**
   * Deploys the endpoints added so far, then binds the listener.
   *
   * @param rootPath the context path, {@code "/"} for none
   * @param port ignored: the port given to the constructor is used
   * @throws IOException if the address cannot be bound
   * @throws DeploymentException if an endpoint is invalid
   */
  @Override
  public void start(String rootPath, int port) throws IOException, DeploymentException {
    contextPath = rootPath;
    super.start(rootPath, requestedPort); // registers the endpoints
    Descriptors.warmUp(); // while descriptors are plentiful: see there
    ConnectionGuard g = new ConnectionGuard(limits, sslContext != null);
    guard = g;
    HttpServer http = new HttpServer();
    NetworkListener l = new NetworkListener("duplex-rpc", host, requestedPort);
    l.getTransport().setIOStrategy(new FramesOnSelectorStrategy(g));
    l.setMaxHttpHeaderSize(limits.maxRequestHeaderSize());
    l.getKeepAlive().setIdleTimeoutInSeconds(-1);
    if (sslContext != null) {
      l.setSecure(true);
      l.setSSLEngineConfig(new SSLEngineConfigurator(sslContext, false, false, false));
    }
    l.registerAddOn(new WebSocketAddOn(rootPath));
    http.addListener(l);
    if (staticFiles != null) {
      http.getServerConfiguration().addHttpHandler(staticFiles);
    }
    server = http;
    listener = l;
    try {
      http.start();
    } catch (IOException e) {
      super.stop();
      g.stop();
      throw e;
    }
    doneDeployment();
  }

  /** The bound port, or -1 before start. */
  @Override
  public int getPort() {
    NetworkListener l = listener;
    return l == null ? -1 : l.getPort();
  }

  /** The bound address, or null before start. */
  public InetSocketAddress address() {
    NetworkListener l = listener;
    return l == null ? null : new InetSocketAddress(l.getHost(), l.getPort());
  }

  /**
   * Waits up to {@code millis} for the WebSocket connections to finish their closing handshakes
   * (close the sessions first), so that the close frames reach the clients before {@link #stop()}
   * drops whatever is left.
   *
   * @param millis the longest wait
   * @return true if no connection is left open
   */
  public boolean awaitClosed(long millis) {
    try {
      return sockets.awaitNone(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Stops the listener at once; close the sessions first so their close frames go out. */
  @Override
  public void stop() {
    super.stop();
    HttpServer http = server;
    if (http != null) {
      http.shutdownNow();
    }
    ConnectionGuard g = guard;
    if (g != null) {
      g.stop();
    }
  }

  /** The socket counters, or all zero before start. */
  public ConnectionStats stats() {
    ConnectionGuard g = guard;
    return g == null ? new ConnectionStats(0, 0, 0, 0, 0, 0, 0) : g.stats();
  }

  /** Puts the {@link TyrusFilter} in front of Grizzly's HTTP server filter. */
  private final class WebSocketAddOn implements AddOn {
    private final String rootPath;

    WebSocketAddOn(String rootPath) {
      this.rootPath = rootPath;
    }

    @Override
    public void setup(NetworkListener networkListener, FilterChainBuilder builder) {
      int index = builder.indexOfType(HttpServerFilter.class);
      if (index >= 0) {
        builder.add(index, new TyrusFilter(EmbeddedContainer.this, rootPath, maxFramePayload, gate, sockets));
        builder.add(index, guard.headers()); // after the codec: sees complete request headers
      }
      int codec = builder.indexOfType(org.glassfish.grizzly.http.HttpServerFilter.class);
      if (codec >= 0) {
        builder.add(codec, new UpgradedFramesFilter());
      }
      builder.add(1, guard.front()); // right after the transport, ahead of TLS: sees accepts and raw bytes
    }
  }
}
