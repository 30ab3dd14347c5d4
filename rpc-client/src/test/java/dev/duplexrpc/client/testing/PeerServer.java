package dev.duplexrpc.client.testing;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import dev.duplexrpc.core.CallContext;
import dev.duplexrpc.core.ErrorCodes;
import dev.duplexrpc.core.Peer;
import dev.duplexrpc.core.RpcException;
import dev.duplexrpc.websocket.internal.SessionTransport;
import jakarta.websocket.CloseReason;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpointConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.glassfish.tyrus.server.TyrusServerContainer;
import org.glassfish.tyrus.spi.ServerContainerFactory;

/**
 * A WebSocket server for the client's tests that is not rpc-server (whose tests use this module):
 * Tyrus's stock Grizzly server and one core {@link Peer} per session, over the session transport
 * both bindings share. It serves the given services and, if asked, named events; no limits and no
 * heartbeat from its side.
 *
 * <pre>{@code
 * try (PeerServer server = PeerServer.start(new GreeterImpl())) {
 *   ClientConnection c = RpcClient.builder().uri(server.uri()).build().connect();
 *   ...
 * }   // closes every session with 1001, as RpcServer.close() does
 * }</pre>
 *
 * <p>A session is registered (counted by {@link #connections()}, closed by {@link
 * #closeConnections}, sent {@link #publish published} events) before its first message is read,
 * so any answer a client receives proves its session is registered.
 */
public final class PeerServer implements AutoCloseable {
  private static final int MAX_MESSAGE_SIZE = 1 << 20;
  /** rpc-websockets' status for a name the server does not publish. */
  private static final String INVALID_EVENT = "provided event invalid";

  private final List<Object> services;
  private final Set<String> events;
  private final SessionTransport.FrameTap tap;
  private final Map<Session, SessionTransport> open = new ConcurrentHashMap<>();
  /** Each session's Peer and the events it subscribed to. */
  private final Map<Peer, Set<String>> subscribers = new ConcurrentHashMap<>();
  private final TyrusServerContainer container;

  private PeerServer(Builder b) {
    this.services = List.copyOf(b.services);
    this.events = Set.copyOf(b.events);
    this.tap = b.tap;
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
    Builder b = builder();
    for (Object s : services) {
      b.service(s);
    }
    return b.start();
  }

  /** A builder for a server with a given port, a frame tap or events. */
  public static Builder builder() {
    return new Builder();
  }

  /** The {@code ws://} address of this server. */
  public URI uri() {
    return URI.create("ws://127.0.0.1:" + port() + "/");
  }

  /** The loopback socket address of this server, for a proxy in front of it. */
  public InetSocketAddress address() {
    return new InetSocketAddress("127.0.0.1", port());
  }

  /** The port this server listens on. */
  public int port() {
    return container.getPort();
  }

  /** The open sessions. */
  public int connections() {
    return open.size();
  }

  /**
   * Sends event {@code event} with {@code payload} as its one parameter to every session that
   * subscribed to it with {@code rpc.on}.
   *
   * @param event an event given to {@link Builder#events}
   * @param payload the event's payload
   */
  public void publish(String event, Object payload) {
    subscribers.forEach((peer, names) -> {
      if (names.contains(event)) {
        peer.notify(event, payload);
      }
    });
  }

  /**
   * Closes every open session with {@code code} and {@code reason}; the server keeps running.
   *
   * @param code the close code
   * @param reason the close reason
   */
  public void closeConnections(int code, String reason) {
    for (SessionTransport t : open.values()) {
      t.close(code, reason);
    }
  }

  /** Closes every session with 1001 "server shutting down", as RpcServer does, then stops. */
  @Override
  public void close() {
    closeConnections(CloseReason.CloseCodes.GOING_AWAY.getCode(), "server shutting down");
    container.stop();
  }

  /**
   * Answers {@code rpc.on} and {@code rpc.off} as rpc-websockets does: an object with a status per
   * requested name, {@code "ok"} for a published event. Anything else is not found.
   */
  private Object subscriptions(CallContext call, String params) {
    boolean on = call.method().equals("rpc.on");
    if (call.isNotification() || !(on || call.method().equals("rpc.off"))) {
      throw new RpcException(ErrorCodes.METHOD_NOT_FOUND, "Method not found");
    }
    Set<String> mine = subscribers.get(call.peer());
    Map<String, String> statuses = new LinkedHashMap<>();
    List<String> names = new ArrayList<>();
    JsonElement p = params == null ? null : JsonParser.parseString(params);
    if (p != null && p.isJsonArray()) {
      p.getAsJsonArray().forEach(name -> names.add(name.getAsString()));
    }
    for (String name : names) {
      if (!events.contains(name)) {
        statuses.put(name, INVALID_EVENT);
      } else {
        if (on) {
          mine.add(name);
        } else {
          mine.remove(name);
        }
        statuses.put(name, "ok");
      }
    }
    return statuses;
  }

  /** Configures a {@link PeerServer}; by default a free port, no services, no events, no tap. */
  public static final class Builder {
    private final List<Object> services = new ArrayList<>();
    private final List<String> events = new ArrayList<>();
    private int port;
    private SessionTransport.FrameTap tap;

    private Builder() {}

    /** Adds a service each connection's Peer serves. */
    public Builder service(Object service) {
      services.add(Objects.requireNonNull(service, "service == null"));
      return this;
    }

    /**
     * The port to listen on; 0, the default, for an ephemeral one. Give the port of a stopped
     * server to restart it where its clients look for it.
     */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /**
     * Events clients may subscribe to with {@code rpc.on} (and leave with {@code rpc.off}); the
     * server sends them with {@link PeerServer#publish}.
     */
    public Builder events(String... names) {
      events.addAll(List.of(names));
      return this;
    }

    /** Receives every text frame of every session, in each session's wire order; null for none. */
    public Builder frameTap(SessionTransport.FrameTap tap) {
      this.tap = tap;
      return this;
    }

    /**
     * Starts the server.
     *
     * @return the running server
     * @throws DeploymentException if Tyrus cannot start
     * @throws IOException if the port cannot be bound
     */
    public PeerServer start() throws DeploymentException, IOException {
      PeerServer s = new PeerServer(this);
      try {
        s.container.start("/", port);
      } catch (IOException | DeploymentException | RuntimeException e) {
        s.container.stop();
        throw e;
      }
      return s;
    }
  }

  /** One session's endpoint: a Peer over the session transport. */
  public final class PeerEndpoint extends Endpoint {
    private SessionTransport transport;
    private Peer peer;

    @Override
    public void onOpen(Session session, EndpointConfig config) {
      transport = SessionTransport.attach(session, MAX_MESSAGE_SIZE, "test server session", tap);
      transport.hold(); // the first message runs once the session is registered
      Peer.Builder builder = Peer.builder().transport(transport).fallback(PeerServer.this::subscriptions);
      services.forEach(builder::service);
      peer = builder.build();
      subscribers.put(peer, ConcurrentHashMap.newKeySet());
      open.put(session, transport);
      transport.release();
    }

    @Override
    public void onClose(Session session, CloseReason reason) {
      open.remove(session);
      if (peer != null) {
        subscribers.remove(peer);
      }
      transport.closed(reason.getCloseCode().getCode(), reason.getReasonPhrase());
    }

    @Override
    public void onError(Session session, Throwable error) {
      // onClose follows; the Peer hears about the end there
    }
  }
}
