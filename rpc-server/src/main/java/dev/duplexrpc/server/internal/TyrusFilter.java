package dev.duplexrpc.server.internal;

import dev.duplexrpc.websocket.internal.CoalescingWriter;
import dev.duplexrpc.websocket.internal.FrameGuard;
import dev.duplexrpc.websocket.internal.Link;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import org.glassfish.grizzly.Buffer;
import org.glassfish.grizzly.EmptyCompletionHandler;
import org.glassfish.grizzly.WriteResult;
import org.glassfish.grizzly.memory.Buffers;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.Grizzly;
import org.glassfish.grizzly.attributes.Attribute;
import org.glassfish.grizzly.attributes.AttributeHolder;
import org.glassfish.grizzly.filterchain.BaseFilter;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.NextAction;
import org.glassfish.grizzly.http.HttpContent;
import org.glassfish.grizzly.http.HttpHeader;
import org.glassfish.grizzly.http.HttpRequestPacket;
import org.glassfish.grizzly.http.HttpResponsePacket;
import org.glassfish.grizzly.http.Protocol;
import org.glassfish.grizzly.http.util.Parameters;
import org.glassfish.grizzly.memory.ByteBufferArray;
import org.glassfish.grizzly.utils.Charsets;
import org.glassfish.tyrus.container.grizzly.client.GrizzlyWriter;
import org.glassfish.tyrus.container.grizzly.client.TaskProcessor;
import org.glassfish.tyrus.core.CloseReasons;
import org.glassfish.tyrus.core.RequestContext;
import org.glassfish.tyrus.core.TyrusUpgradeResponse;
import org.glassfish.tyrus.core.Utils;
import org.glassfish.tyrus.spi.ReadHandler;
import org.glassfish.tyrus.spi.ServerContainer;
import org.glassfish.tyrus.spi.UpgradeRequest;
import org.glassfish.tyrus.spi.UpgradeResponse;
import org.glassfish.tyrus.spi.WebSocketEngine;

/**
 * The Grizzly filter that hands WebSocket upgrades and frames to Tyrus's engine.
 *
 * <p>It does what Tyrus's own {@code GrizzlyServerFilter} does, through Tyrus's public SPI only
 * (that class and its {@code WebSocketAddOn}'s constructor are package-private in Tyrus 2.2, and
 * Tyrus's ready-made container binds every interface). Two additions: each connection's reader is
 * wrapped in a {@link FrameGuard}, and the peer's socket address is made available to the
 * handshake ({@link #admission()}). Each connection gets a {@link Link} that the guard tells of
 * every read and that can drop the socket, for the heartbeat.
 */
final class TyrusFilter extends BaseFilter {
  private static final System.Logger LOG = System.getLogger(TyrusFilter.class.getName());
  private static final Attribute<org.glassfish.tyrus.spi.Connection> TYRUS_CONNECTION =
      Grizzly.DEFAULT_ATTRIBUTE_BUILDER.createAttribute(TyrusFilter.class.getName() + ".connection");
  private static final Attribute<TaskProcessor> TASK_PROCESSOR =
      Grizzly.DEFAULT_ATTRIBUTE_BUILDER.createAttribute(TyrusFilter.class.getName() + ".processor");
  private static final ThreadLocal<Admission> ADMISSION = new ThreadLocal<>();

  private final ServerContainer container;
  private final String contextPath;
  private final long maxFramePayload;
  private final HandshakeGate gate;
  private final SocketCount sockets;
  private final String handshakeDone;

  /** The number of upgraded sockets still open, to let a stop wait for closing handshakes. */
  static final class SocketCount {
    private int open; // guarded by this

    synchronized void opened() {
      open++;
    }

    synchronized void closed() {
      open--;
      if (open <= 0) {
        notifyAll();
      }
    }

    /** Waits until no upgraded socket is open, or the deadline passes; true if none is. */
    synchronized boolean awaitNone(long timeoutMillis) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
      while (open > 0) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
      return true;
    }
  }

  TyrusFilter(ServerContainer container, String contextPath, long maxFramePayload, HandshakeGate gate,
      SocketCount sockets) {
    this.container = container;
    this.contextPath = contextPath.endsWith("/") ? contextPath : contextPath + "/";
    this.maxFramePayload = maxFramePayload;
    this.gate = gate;
    this.sockets = sockets;
    this.handshakeDone = TyrusFilter.class.getName() + ".handshake." + this.contextPath;
  }

  /**
   * What the filter knows of the handshake this thread is upgrading: the client's socket address
   * and the principal the gate admitted it with.
   *
   * @param remote the client's socket address
   * @param principal the principal, or null
   */
  record Admission(InetSocketAddress remote, Principal principal) {}

  /** The admission of the handshake this thread is upgrading, or null. */
  static Admission admission() {
    return ADMISSION.get();
  }

  /** Whether a Grizzly connection has completed its WebSocket upgrade. */
  static boolean isUpgraded(Connection connection) {
    return TYRUS_CONNECTION.get(connection) != null;
  }

  @Override
  public NextAction handleClose(FilterChainContext ctx) throws IOException {
    org.glassfish.tyrus.spi.Connection connection = TYRUS_CONNECTION.get(ctx.getConnection());
    if (connection != null) {
      Connection grizzly = ctx.getConnection();
      TASK_PROCESSOR.get(grizzly).processTask(new TaskProcessor.Task() {
        @Override
        public void execute() {
          connection.close(CloseReasons.CLOSED_ABNORMALLY.getCloseReason());
          TYRUS_CONNECTION.remove(grizzly);
          TASK_PROCESSOR.remove(grizzly);
        }
      });
    }
    return ctx.getStopAction();
  }

  @Override
  public NextAction handleRead(FilterChainContext ctx) throws IOException {
    HttpContent message = ctx.getMessage();
    org.glassfish.tyrus.spi.Connection connection = TYRUS_CONNECTION.get(ctx.getConnection());
    if (connection == null) {
      HttpHeader header = message.getHttpHeader();
      if (!UpgradeRequest.WEBSOCKET.equalsIgnoreCase(header.getUpgrade()) && header.isRequest()) {
        return ctx.getInvokeAction(); // plain HTTP: not ours
      }
      AttributeHolder attributes = ctx.getAttributes();
      if (attributes != null) {
        if (attributes.getAttribute(handshakeDone) != null) {
          return ctx.getInvokeAction();
        }
        attributes.setAttribute(handshakeDone, true);
      }
      return handshake(ctx, message);
    }
    if (message.getContent().hasRemaining()) {
      Buffer buffer = message.getContent();
      message.recycle();
      deliver(ctx.getConnection(), connection, buffer);
    }
    return ctx.getStopAction();
  }

  /**
   * Hands received bytes of an upgraded connection to Tyrus; false if the connection is not
   * (or no longer) upgraded.
   */
  static boolean deliver(Connection grizzly, Buffer buffer) {
    org.glassfish.tyrus.spi.Connection connection = TYRUS_CONNECTION.get(grizzly);
    if (connection == null) {
      return false;
    }
    deliver(grizzly, connection, buffer);
    return true;
  }

  private static void deliver(Connection grizzly, org.glassfish.tyrus.spi.Connection connection, Buffer buffer) {
    ReadHandler reader = connection.getReadHandler();
    TaskProcessor processor = TASK_PROCESSOR.get(grizzly);
    if (!buffer.isComposite()) {
      processor.processTask(new Read(buffer.toByteBuffer(), reader));
    } else {
      ByteBufferArray array = buffer.toByteBufferArray();
      ByteBuffer[] parts = array.getArray();
      for (int i = 0; i < array.size(); i++) {
        processor.processTask(new Read(parts[i], reader));
      }
      array.recycle();
    }
  }

  private NextAction handshake(FilterChainContext ctx, HttpContent content) {
    HttpRequestPacket request = (HttpRequestPacket) content.getHttpHeader();
    UpgradeRequest upgrade = upgradeRequest(request);
    if (!upgrade.getRequestURI().getPath().startsWith(contextPath)) {
      return ctx.getInvokeAction();
    }
    InetSocketAddress remote = ConnectionGuard.clientAddress(ctx.getConnection(),
        new InetSocketAddress(request.getRemoteAddress(), request.getRemotePort()));
    Principal principal = null;
    if (gate != null) {
      HandshakeGate.Verdict verdict;
      try {
        verdict = gate.check(HandshakeInfo.of(upgrade, remote));
      } catch (RuntimeException | LinkageError e) {
        LOG.log(Level.WARNING, "Handshake check failed for " + remote, e);
        verdict = HandshakeGate.Verdict.refuse(500, "handshake check failed", null);
      }
      if (!verdict.admitted()) {
        refuse(ctx, request, verdict, true);
        content.recycle();
        return ctx.getStopAction();
      }
      principal = verdict.principal();
    }
    UpgradeResponse response = new TyrusUpgradeResponse();
    WebSocketEngine.UpgradeInfo info;
    ADMISSION.set(new Admission(remote, principal));
    try {
      info = container.getWebSocketEngine().upgrade(upgrade, response);
    } finally {
      ADMISSION.remove();
    }
    switch (info.getStatus()) {
      case SUCCESS:
        Connection grizzly = ctx.getConnection();
        write(ctx, response);
        Link link = new Link();
        Socket socket = new Socket(grizzly, sockets);
        link.abortWith(socket);
        // The session opens inside createConnection, where the endpoint picks the link up.
        socket.opened = link.opening(
            () -> info.createConnection(new CoalescingWriter(new GrizzlyWriter(grizzly), link), socket));
        org.glassfish.tyrus.spi.Connection connection =
            FrameGuard.guard(socket.opened, maxFramePayload, socket, link, true, true);
        socket.guarded = connection;
        TASK_PROCESSOR.set(grizzly, new TaskProcessor());
        TYRUS_CONNECTION.set(grizzly, connection);
        sockets.opened();
        // From now on UpgradedFramesFilter hands the bytes to Tyrus ahead of Grizzly's HTTP codec,
        // so the parsed upgrade request the codec keeps per connection (about 10 KB) can go.
        grizzly.getAttributes().removeAttribute(org.glassfish.grizzly.http.HttpServerFilter.HTTP_SERVER_REQUEST_ATTR_NAME);
        grizzly.addCloseListener(socket);
        return ctx.getStopAction();
      case HANDSHAKE_FAILED:
        write(ctx, response);
        content.recycle();
        return ctx.getStopAction();
      case NOT_APPLICABLE:
      default:
        return ctx.getInvokeAction();
    }
  }

  /**
   * Answers a refused upgrade with a plain HTTP response (no WebSocket frame is ever sent) and
   * closes the connection once it is written.
   */
  static void refuse(FilterChainContext ctx, HttpRequestPacket request, HandshakeGate.Verdict verdict, boolean log) {
    if (log) {
      LOG.log(Level.INFO, "Upgrade from {0}:{1} refused with {2}: {3}", request.getRemoteAddress(),
          String.valueOf(request.getRemotePort()), String.valueOf(verdict.status()), verdict.reason());
    }
    HttpResponsePacket packet = request.getResponse();
    packet.setProtocol(Protocol.HTTP_1_1);
    packet.setStatus(verdict.status());
    packet.setReasonPhrase(reasonPhrase(verdict.status(), verdict.reason()));
    if (verdict.challenge() != null) {
      packet.setHeader("WWW-Authenticate", verdict.challenge());
    }
    byte[] body = (verdict.reason() == null ? "" : verdict.reason() + "\n").getBytes(StandardCharsets.UTF_8);
    packet.setContentType("text/plain; charset=utf-8");
    packet.setContentLength(body.length);
    packet.setHeader("Connection", "close");
    Connection<?> connection = ctx.getConnection();
    ctx.write(HttpContent.builder(packet)
            .content(Buffers.wrap(ctx.getMemoryManager(), body))
            .last(true)
            .build(),
        new EmptyCompletionHandler<WriteResult>() {
          @Override
          public void completed(WriteResult result) {
            connection.closeSilently();
          }

          @Override
          public void failed(Throwable error) {
            connection.closeSilently();
          }
        });
  }

  /**
   * The status line's reason phrase: the standard one, followed by the refusal's reason when it
   * is short printable ASCII (a client that does not read the body still learns why; anything
   * else stays in the body only, so that no text of the application can break the status line).
   */
  static String reasonPhrase(int status, String reason) {
    String standard = standardPhrase(status);
    if (reason == null || reason.isEmpty() || reason.length() > 120) {
      return standard;
    }
    for (int i = 0; i < reason.length(); i++) {
      char c = reason.charAt(i);
      if (c < 0x20 || c > 0x7e) {
        return standard;
      }
    }
    return standard + ": " + reason;
  }

  private static String standardPhrase(int status) {
    switch (status) {
      case 401:
        return "Unauthorized";
      case 403:
        return "Forbidden";
      case 429:
        return "Too Many Requests";
      case 503:
        return "Service Unavailable";
      default:
        return status >= 500 ? "Internal Server Error" : "Refused";
    }
  }

  private static void write(FilterChainContext ctx, UpgradeResponse response) {
    HttpResponsePacket packet =
        ((HttpRequestPacket) ((HttpContent) ctx.getMessage()).getHttpHeader()).getResponse();
    packet.setProtocol(Protocol.HTTP_1_1);
    packet.setStatus(response.getStatus());
    if (response.getReasonPhrase() != null) {
      packet.setReasonPhrase(response.getReasonPhrase());
    }
    for (Map.Entry<String, List<String>> e : response.getHeaders().entrySet()) {
      packet.setHeader(e.getKey(), Utils.getHeaderFromList(e.getValue()));
    }
    ctx.write(HttpContent.builder(packet).build());
  }

  private static UpgradeRequest upgradeRequest(HttpRequestPacket request) {
    Parameters parameters = new Parameters();
    parameters.setQuery(request.getQueryStringDC());
    parameters.setQueryStringEncoding(Charsets.UTF8_CHARSET);
    Map<String, String[]> parameterMap = new HashMap<>();
    for (String name : parameters.getParameterNames()) {
      parameterMap.put(name, parameters.getParameterValues(name));
    }
    RequestContext context = RequestContext.Builder.create()
        .requestURI(URI.create(request.getRequestURI()))
        .queryString(request.getQueryString())
        .parameterMap(parameterMap)
        .secure(request.isSecure())
        .remoteAddr(request.getRemoteAddress())
        .serverAddr(request.getLocalHost() == null ? request.getLocalAddress() : request.getLocalHost())
        .serverPort(request.getLocalPort())
        .tyrusProperties(Collections.emptyMap())
        .build();
    for (String name : request.getHeaders().names()) {
      for (String value : request.getHeaders().values(name)) {
        List<String> values = context.getHeaders().get(name);
        if (values == null) {
          context.getHeaders().put(name, Utils.parseHeaderValue(value.trim()));
        } else {
          values.addAll(Utils.parseHeaderValue(value.trim()));
        }
      }
    }
    return context;
  }

  private static final class Read extends TaskProcessor.Task {
    private final ByteBuffer buffer;
    private final ReadHandler reader;

    Read(ByteBuffer buffer, ReadHandler reader) {
      this.buffer = buffer;
      this.reader = reader;
    }

    @Override
    public void execute() {
      reader.handle(buffer);
    }
  }

  /**
   * What an upgraded socket's pieces call back, as one object per connection (in place of four
   * lambdas): the link's abort, Tyrus's request to close the socket, the frame guard's request to
   * close the session, and the socket's close.
   */
  private static final class Socket implements Runnable, org.glassfish.tyrus.spi.Connection.CloseListener,
      java.util.function.Consumer<jakarta.websocket.CloseReason>,
      org.glassfish.grizzly.GenericCloseListener {
    private final Connection<?> grizzly;
    private final SocketCount sockets;
    volatile org.glassfish.tyrus.spi.Connection opened; // Tyrus's connection, set once opened
    volatile org.glassfish.tyrus.spi.Connection guarded; // the frame guard over it

    Socket(Connection<?> grizzly, SocketCount sockets) {
      this.grizzly = grizzly;
      this.sockets = sockets;
    }

    /** The link's abort: no graceful close, the socket's queue may never drain. */
    @Override
    public void run() {
      grizzly.terminateSilently();
    }

    /** Tyrus closes the socket. */
    @Override
    public void close(jakarta.websocket.CloseReason reason) {
      grizzly.close();
    }

    /** The frame guard closes the session (an over-size or refused frame). */
    @Override
    public void accept(jakarta.websocket.CloseReason reason) {
      opened.close(reason);
    }

    /** The socket closed. */
    @Override
    public void onClosed(org.glassfish.grizzly.Closeable closeable, org.glassfish.grizzly.CloseType type) {
      sockets.closed();
      // The TCP connection is gone; if no close frame came first (then this does nothing),
      // the close is 1006 (RFC 6455, 7.1.5): a lost socket, which a resumable session survives.
      guarded.close(CloseReasons.CLOSED_ABNORMALLY.getCloseReason());
      TYRUS_CONNECTION.remove(grizzly);
      TASK_PROCESSOR.remove(grizzly);
    }
  }
}
