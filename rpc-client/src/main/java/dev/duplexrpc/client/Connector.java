package dev.duplexrpc.client;

import dev.duplexrpc.client.internal.GuardedClientContainer;
import dev.duplexrpc.client.internal.SessionContainer;
import dev.duplexrpc.core.Peer;
import dev.duplexrpc.core.internal.resume.Control;
import dev.duplexrpc.core.internal.resume.Handover;
import dev.duplexrpc.core.internal.resume.SessionSettings;
import dev.duplexrpc.core.transport.Subprotocols;
import dev.duplexrpc.websocket.SocketSettings;
import dev.duplexrpc.websocket.internal.Limits;
import dev.duplexrpc.websocket.internal.Link;
import dev.duplexrpc.websocket.internal.SessionTransport;
import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.CloseReason;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.Session;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.glassfish.tyrus.client.ClientManager;
import org.glassfish.tyrus.client.ClientProperties;
import org.glassfish.tyrus.client.ThreadPoolConfig;
import org.glassfish.tyrus.core.HandshakeException;
import org.glassfish.tyrus.spi.UpgradeResponse;

/**
 * Opens the sockets of a client's connections: one Tyrus {@link ClientManager} per WebSocket, set
 * up from the client's settings (handshake timeout, headers, TLS, shared transport, message
 * limits), and a {@link Peer} on it once the session opens; a handshake the server refused
 * becomes a {@link HandshakeRejectedException} with its HTTP status. It reads the client's
 * immutable settings and keeps no state of its own, so one connector serves every connection of
 * a client, from any thread.
 */
final class Connector {
  private static final System.Logger LOG = System.getLogger(Connector.class.getName());

  private final ClientSettings config;

  Connector(ClientSettings config) {
    this.config = config;
  }

  /** The URIs reconnect attempts go through in turn: the client's URI first, then the failover ones. */
  List<URI> uris() {
    return config.uris();
  }

  /**
   * Opens one WebSocket to a server URI and the Peer on it, whose fallback is {@code events}.
   *
   * @throws IOException as {@link RpcClient#connect()}
   */
  Line open(ClientEvents events, URI target) throws IOException {
    return open(events, target, null);
  }

  /**
   * Like {@link #open(ClientEvents, URI)}, resuming the session of {@code resumeFrom} when it has
   * one and the server still keeps it: then the result is {@code resumeFrom} itself, on the new
   * socket. Otherwise a new line, with a fresh session when the handshake agreed them.
   */
  Line open(ClientEvents events, URI target, Line resumeFrom) throws IOException {
    ClientManager manager =
        ClientManager.createClient(GuardedClientContainer.class.getName(), new SessionContainer());
    manager.getProperties().put(ClientProperties.HANDSHAKE_TIMEOUT, timeoutMillis(config.connectTimeout));
    if (config.sharedTransport) {
      manager.getProperties().put(ClientProperties.SHARED_CONTAINER, true);
      // Tyrus lets the shared worker pool grow without bound (hundreds of threads under load);
      // the library's handlers never run on these threads, so a few per core are enough.
      int workers = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());
      manager.getProperties().put(ClientProperties.WORKER_THREAD_POOL_CONFIG,
          ThreadPoolConfig.defaultConfig().setCorePoolSize(workers).setMaxPoolSize(workers).setDaemon(true));
    }
    manager.getProperties().put(ClientProperties.INCOMING_BUFFER_SIZE,
        Limits.incomingBufferSize(config.peerConfig.maxMessageSize()));
    manager.setDefaultMaxTextMessageBufferSize((int) Limits.maxFramePayload(config.peerConfig.maxMessageSize()));
    Link link = new Link();
    manager.getProperties().put(GuardedClientContainer.LINK, link);
    AtomicReference<UpgradeResponse> refusal = new AtomicReference<>();
    manager.getProperties().put(GuardedClientContainer.REFUSAL, refusal);
    Map<String, List<String>> headers = config.headers;
    ClientEndpointConfig cec = ClientEndpointConfig.Builder.create()
        .sslContext(config.sslContext)
        .preferredSubprotocols(Subprotocols.offer(config.peerConfig.wireExtensions()))
        .configurator(new ClientEndpointConfig.Configurator() {
          @Override
          public void beforeRequest(Map<String, List<String>> request) {
            // Tyrus makes up an Origin from the server's own address; a program is not a browser
            // page, so it sends none unless the application sets one with header("Origin", ...).
            request.keySet().removeIf(name -> name.equalsIgnoreCase("Origin"));
            for (Map.Entry<String, List<String>> h : headers.entrySet()) {
              request.put(h.getKey(), new ArrayList<>(h.getValue()));
            }
          }
        })
        .build();
    ClientEndpoint endpoint = new ClientEndpoint(config, manager, events, resumeFrom);
    try {
      manager.connectToServer(endpoint, cec, target);
    } catch (DeploymentException | IOException | RuntimeException e) {
      manager.shutdown();
      UpgradeResponse refused = refusal.get();
      int status = refused != null ? refused.getStatus() : httpStatus(e);
      String message = "Could not connect to " + target + ": " + e.getMessage();
      if (status > 0) {
        String phrase = refused == null || refused.getReasonPhrase() == null ? "" : refused.getReasonPhrase();
        throw new HandshakeRejectedException(
            message + " (HTTP " + status + (phrase.isEmpty() ? "" : " " + phrase) + ")", status,
            phrase, refused == null ? Map.of() : refused.getHeaders(), e);
      }
      throw new IOException(message, e);
    }
    Line line;
    try {
      // With sessions, the line is ready when the server has answered rpc.session.
      line = endpoint.line.get(timeoutMillis(config.connectTimeout), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      endpoint.abort();
      throw new InterruptedIOException("Interrupted while connecting to " + target);
    } catch (ExecutionException | TimeoutException e) {
      endpoint.abort();
      throw new IOException("Could not connect to " + target + ": the session did not open"
          + (e.getCause() == null ? "" : " (" + e.getCause().getMessage() + ")"), e);
    }
    return line;
  }

  /**
   * The first connect with the reconnect policy's delays between attempts, through the URIs in
   * turn; 401 and 403 end it at once, as they end reconnecting. {@code attempting} hears each
   * URI before it is tried.
   *
   * @throws IOException the last attempt's, when the policy gives up
   */
  Line openRetrying(ClientEvents events, Consumer<URI> attempting) throws IOException {
    List<URI> all = uris();
    for (int attempt = 1; ; attempt++) {
      URI target = all.get((attempt - 1) % all.size());
      attempting.accept(target);
      IOException failure;
      try {
        return open(events, target);
      } catch (HandshakeRejectedException e) {
        if (e.statusCode() == 401 || e.statusCode() == 403) {
          throw e;
        }
        failure = e;
      } catch (IOException e) {
        failure = e;
      }
      Duration delay = config.reconnectPolicy.delayBefore(attempt);
      if (delay == null) {
        throw failure;
      }
      LOG.log(Level.DEBUG, "Connect attempt {0} to {1} failed ({2}); next in {3}", attempt, target,
          failure.getMessage(), delay);
      try {
        TimeUnit.NANOSECONDS.sleep(delay.toNanos()); // the caller asked to wait for the server
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        InterruptedIOException stop = new InterruptedIOException("Interrupted while connecting to " + target);
        stop.addSuppressed(failure);
        throw stop;
      }
    }
  }

  /** The HTTP status of a refused handshake somewhere in the cause chain, or 0. */
  private static int httpStatus(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof HandshakeException) {
        return ((HandshakeException) t).getHttpStatusCode();
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return 0;
  }

  private static int timeoutMillis(Duration d) {
    return (int) Math.min(Integer.MAX_VALUE, d.toMillis());
  }

  /**
   * One Peer of a {@link ClientConnection} and the socket under it: with a resumable session, the
   * session's, which outlives its sockets (a resume keeps the line and changes its socket).
   */
  static final class Line {
    final Peer peer;
    final ClientSession session; // null without a session: the line ends with its socket
    volatile SessionTransport transport;

    Line(Peer peer, SessionTransport transport, ClientSession session) {
      this.peer = peer;
      this.transport = transport;
      this.session = session;
    }

    @Override
    public String toString() {
      return transport.toString();
    }
  }

  /**
   * The Jakarta endpoint of one WebSocket: builds the Peer when the session opens, or, when the
   * handshake agreed {@code duplex-rpc.1} and sessions are on, when the server has answered the
   * {@code rpc.session} greeting (docs/resume.md).
   */
  private static final class ClientEndpoint extends Endpoint {
    private final ClientSettings config;
    private final ClientManager manager;
    private final ClientEvents events;
    private final Line resumeFrom;
    final CompletableFuture<Line> line = new CompletableFuture<>();
    private volatile SessionTransport transport;

    ClientEndpoint(ClientSettings config, ClientManager manager, ClientEvents events, Line resumeFrom) {
      this.config = config;
      this.manager = manager;
      this.events = events;
      this.resumeFrom = resumeFrom;
    }

    @Override
    public void onOpen(Session session, EndpointConfig endpointConfig) {
      String name = "client session " + session.getId() + " to " + config.uri;
      SessionTransport t = SessionTransport.attach(session, config.peerConfig.maxMessageSize(), name,
          config.frameListener == null ? null : config.frameListener::onFrame);
      transport = t;
      SocketSettings socket = config.socket;
      t.maxQueuedBytes(socket.maxQueuedBytes());
      int port = config.uri.getPort() >= 0 ? config.uri.getPort()
          : "wss".equalsIgnoreCase(config.uri.getScheme()) ? 443 : 80;
      t.addresses(null, SessionTransport.hostAndPort(config.uri.getHost(), port)); // the socket's own address: not known here
      if (!Subprotocols.isDuplex(t.subprotocol()) || !config.peerConfig.wireExtensions()) {
        line.complete(new Line(peer(t), t, null));
      } else if (!config.resumableSessions) {
        t.send(Control.noSession()); // the server then builds its Peer without waiting
        line.complete(new Line(peer(t), t, null));
      } else {
        Handover h = new Handover(t);
        h.start(new Greeting(h, t));
        ClientSession old = resumeFrom == null ? null : resumeFrom.session;
        t.send(old == null ? Control.hello(null, 0) : Control.hello(old.token, old.layer.received()));
      }
      t.heartbeat(socket.pingInterval(), socket.idleTimeout());
    }

    private Peer peer(dev.duplexrpc.core.transport.Transport t) {
      return Peer.builder().config(config.peerConfig).transport(t).fallback(events).build();
    }

    /** The open failed or timed out: the socket goes, and a late answer is not used. */
    void abort() {
      line.completeExceptionally(new IOException("aborted"));
      SessionTransport t = transport;
      if (t != null) {
        t.close(1001, "connect timed out");
      }
    }

    /** Reads the server's answer to {@code rpc.session}, the socket's first message. */
    private final class Greeting implements dev.duplexrpc.core.transport.Transport.Listener {
      private final Handover handover;
      private final SessionTransport socket;

      Greeting(Handover handover, SessionTransport socket) {
        this.handover = handover;
        this.socket = socket;
      }

      @Override
      public void onMessage(String message) {
        if (line.isDone()) {
          return; // aborted
        }
        Control.Message answer = Control.parse(message);
        String token = answer == null || !Control.SESSION.equals(answer.method())
            ? null : answer.stringParam("token");
        if (token == null) { // the server keeps no session: a plain connection
          line.complete(new Line(peer(handover.asTransport()), socket, null));
          if (answer == null) {
            handover.onMessage(message);
          }
          return;
        }
        long received = answer.longParam("received");
        ClientSession old = resumeFrom == null ? null : resumeFrom.session;
        if (answer.booleanParam("resumed") && old != null) {
          if (old.layer.attach(handover, received, null)) {
            old.token = token;
            resumeFrom.transport = socket;
            line.complete(resumeFrom);
          } else {
            line.completeExceptionally(new IOException(
                "the server resumed the session with a count it was never sent: " + received));
            socket.close(1011, "resume failed");
          }
          return;
        }
        ClientSession fresh = new ClientSession(new SessionSettings(config.resumeBufferBytes,
            config.resumeSendWait, SessionSettings.DEFAULT_ACK_EVERY, SessionSettings.DEFAULT_ACK_INTERVAL),
            socket.subprotocol(), token);
        Peer p = peer(fresh.layer);
        if (fresh.layer.attach(handover, received, null)) {
          line.complete(new Line(p, socket, fresh));
        } else {
          line.completeExceptionally(new IOException("a new session's answer counts " + received));
          fresh.layer.close(1011, "session could not start");
        }
      }

      @Override
      public void onClose(int code, String reason) {
        // Closed before the answer (a server that refused the connection as it opened): a closed
        // line, as without sessions, whose close code the reconnect policy judges.
        if (!line.isDone()) {
          line.complete(new Line(peer(handover.asTransport()), socket, null));
          handover.onClose(code, reason);
        }
      }
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
}
