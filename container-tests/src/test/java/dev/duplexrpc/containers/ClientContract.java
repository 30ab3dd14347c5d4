package dev.duplexrpc.containers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.duplexrpc.client.ClientConnection;
import dev.duplexrpc.client.ConnectionState;
import dev.duplexrpc.client.HandshakeRejectedException;
import dev.duplexrpc.client.ReconnectPolicy;
import dev.duplexrpc.client.RpcClient;
import dev.duplexrpc.client.Subscription;
import dev.duplexrpc.core.CallContext;
import dev.duplexrpc.core.ConnectionClosedException;
import dev.duplexrpc.core.ErrorCodes;
import dev.duplexrpc.core.RpcException;
import dev.duplexrpc.core.annotation.RpcMethod;
import dev.duplexrpc.core.annotation.RpcNotification;
import dev.duplexrpc.server.AuthenticationException;
import dev.duplexrpc.server.ConnectionListener;
import dev.duplexrpc.server.ConnectionSetup;
import dev.duplexrpc.server.EventForm;
import dev.duplexrpc.server.RpcServer;
import dev.duplexrpc.server.ServerConnection;
import dev.duplexrpc.testing.FaultProxy;
import dev.duplexrpc.testing.JdkWebSocketClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What a client sees of a Duplex RPC server over a real socket, whatever container serves the
 * endpoint: calls both ways and call-backs during a call, errors, limits and their close codes,
 * events, discovery, the handshake (headers, query, authentication, origins), closing, shutdown,
 * reconnecting and the heartbeat. A subclass says how a server is started from a configured
 * {@link RpcServer.Builder}: the embedded server, or {@code buildEndpoint()} deployed in another
 * container.
 *
 * <p>Where the containers differ by design (documented in docs/deploy.md), the test asks {@link
 * #refusesUpgradesWithHttpStatus()} and checks the documented behaviour of each.
 */
abstract class ClientContract {
  static final long WAIT = 10; // seconds, for things that happen
  static final int LIMIT = 1024; // chars, for the limit tests

  /**
   * Starts a server with the builder's services and settings, on 127.0.0.1 and an ephemeral port.
   * The builder's path is {@code /rpc}; the URI may put a context path in front.
   *
   * @param builder the configured builder
   * @return the started server; the suite closes it after each test
   */
  protected abstract ServerUnderTest startServer(RpcServer.Builder builder) throws Exception;

  /**
   * Whether this server refuses an upgrade (authentication, shutdown) with an HTTP status, as the
   * embedded server does; otherwise it accepts the upgrade and closes the connection as it opens
   * (1008 for a refused authentication, 1001 while shutting down), as in any other container.
   */
  protected abstract boolean refusesUpgradesWithHttpStatus();

  // --- services -------------------------------------------------------------------------------

  /** The interface both sides serve and call. */
  public interface Bouncer {
    /** Returns the trail of sides that served each level, bouncing {@code levels} more times. */
    @RpcMethod
    List<String> bounce(int levels);

    @RpcMethod
    CompletableFuture<Integer> square(int n);

    @RpcNotification
    void event(String text);
  }

  /** One side's {@link Bouncer}: it bounces back to whoever called it. */
  public static final class Side {
    final String name;
    final BlockingQueue<String> events = new LinkedBlockingQueue<>();

    Side(String name) {
      this.name = name;
    }

    @RpcMethod("bounce")
    public List<String> bounce(int levels, CallContext call) {
      List<String> trail = new ArrayList<>();
      trail.add(name + ":" + levels);
      if (levels > 0) {
        trail.addAll(call.peer().remote(Bouncer.class).bounce(levels - 1));
      }
      return trail;
    }

    @RpcMethod("square")
    public CompletableFuture<Integer> square(int n) {
      return CompletableFuture.completedFuture(n * n);
    }

    @RpcNotification("event")
    public void event(String text) {
      events.add(text);
    }

    /** Never answers. */
    @RpcMethod("park")
    public CompletableFuture<String> park() {
      return new CompletableFuture<>();
    }
  }

  /** The server's tools. */
  public interface Tools {
    @RpcMethod
    String echo(String s);

    @RpcMethod
    String repeat(String s, int times);

    /** Throws an application error with data. */
    @RpcMethod
    String outOfStock(String item);

    /** Never answers. */
    @RpcMethod
    CompletableFuture<String> hang();

    /** Answers once the test releases it. */
    @RpcMethod
    CompletableFuture<String> slow();

    /** The principal's name, or "nobody". */
    @RpcMethod
    String whoAmI();
  }

  final CountDownLatch slowStarted = new CountDownLatch(1);
  final CompletableFuture<Void> release = new CompletableFuture<>();

  /** The server's implementation of {@link Tools}. */
  final class ToolsImpl implements Tools {
    @Override
    public String echo(String s) {
      return s;
    }

    @Override
    public String repeat(String s, int times) {
      return s.repeat(times);
    }

    @Override
    public String outOfStock(String item) {
      JsonObject data = new JsonObject();
      data.addProperty("item", item);
      throw new RpcException(4001, "out of stock", data);
    }

    @Override
    public CompletableFuture<String> hang() {
      return new CompletableFuture<>();
    }

    @Override
    public CompletableFuture<String> slow() {
      slowStarted.countDown();
      return release.thenApply(v -> "finished");
    }

    @Override
    public String whoAmI() {
      Principal p = ServerConnection.current().handshake().principal();
      return p == null ? "nobody" : p.getName();
    }
  }

  /** A per-connection service a connection listener adds. */
  public interface Inbox {
    @RpcMethod
    String owner();
  }

  // --- fixture --------------------------------------------------------------------------------

  final Side serverSide = new Side("server");
  final Side clientSide = new Side("client");
  private final List<AutoCloseable> resources = new ArrayList<>();
  ServerUnderTest server;

  @AfterEach
  void closeAll() throws Exception {
    release.complete(null);
    Exception first = null;
    for (int i = resources.size() - 1; i >= 0; i--) {
      try {
        resources.get(i).close();
      } catch (Exception e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  /** A builder at {@code /rpc} serving {@link Tools} and {@link Bouncer}. */
  RpcServer.Builder serverBuilder() {
    return RpcServer.builder().path("/rpc").service(new ToolsImpl()).service(serverSide);
  }

  ServerUnderTest start(RpcServer.Builder builder) throws Exception {
    server = startServer(builder);
    resources.add(server);
    return server;
  }

  /** A client of the server, serving {@link Bouncer}, not reconnecting. */
  RpcClient.Builder clientBuilder() {
    return clientBuilder(server.uri());
  }

  RpcClient.Builder clientBuilder(URI uri) {
    return RpcClient.builder().uri(uri).service(clientSide).reconnectPolicy(ReconnectPolicy.none());
  }

  ClientConnection connect(RpcClient.Builder builder) throws Exception {
    ClientConnection c = builder.build().connect();
    resources.add(c);
    return c;
  }

  /**
   * Connects a client and waits until the server has registered it: the server reads a
   * connection's first message only after registering it, so any answer proves the registration.
   */
  ClientConnection connectRegistered(RpcClient.Builder builder) throws Exception {
    ClientConnection c = connect(builder);
    c.peer().call("echo", String.class, "registered?").get(10, TimeUnit.SECONDS);
    return c;
  }

  JdkWebSocketClient raw(URI uri) throws Exception {
    JdkWebSocketClient c = JdkWebSocketClient.connect(uri);
    resources.add(c);
    return c;
  }

  ServerConnection onlyConnection() {
    assertEquals(1, server.connections().size());
    return server.connections().iterator().next();
  }

  static <T extends Throwable> T failure(CompletableFuture<?> call, Class<T> type) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> call.get(WAIT, TimeUnit.SECONDS));
    return assertInstanceOf(type, e.getCause());
  }

  static String request(int id, String method, String paramsJson) {
    return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"" + method + "\",\"params\":" + paramsJson + "}";
  }

  /** A fresh connection is served: the server survived whatever happened before. */
  void assertServerStillServes() throws Exception {
    JdkWebSocketClient other = raw(server.uri());
    other.send(request(1, "echo", "[\"still here\"]"));
    assertEquals("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"still here\"}", other.next());
  }

  // --- calls ----------------------------------------------------------------------------------

  @Test
  void clientCallsServerThroughTypedProxy() throws Exception {
    start(serverBuilder());
    ClientConnection c = connect(clientBuilder());
    assertEquals(List.of("server:0"), c.remote(Bouncer.class).bounce(0));
    assertEquals(49, c.remote(Bouncer.class).square(7).get(WAIT, TimeUnit.SECONDS));
    assertEquals("hi", c.remote(Tools.class).echo("hi"));
  }

  @Test
  void serverCallsClientThroughTypedProxy() throws Exception {
    start(serverBuilder());
    connectRegistered(clientBuilder());
    Bouncer remote = onlyConnection().remote(Bouncer.class);
    assertEquals(List.of("client:0"), remote.bounce(0));
    assertEquals(144, remote.square(12).get(WAIT, TimeUnit.SECONDS));
  }

  @Test
  void handlerCallsBackIntoCallerThreeLevelsDeep() throws Exception {
    start(serverBuilder());
    ClientConnection c = connectRegistered(clientBuilder());
    // client -> server(3) -> client(2) -> server(1) -> client(0), each inside the previous handler.
    assertEquals(List.of("server:3", "client:2", "server:1", "client:0"), c.remote(Bouncer.class).bounce(3));
    assertEquals(List.of("client:3", "server:2", "client:1", "server:0"),
        onlyConnection().remote(Bouncer.class).bounce(3));
  }

  @Test
  void notificationsFlowBothWaysInOrder() throws Exception {
    start(serverBuilder());
    ClientConnection c = connectRegistered(clientBuilder());
    Bouncer toServer = c.remote(Bouncer.class);
    Bouncer toClient = onlyConnection().remote(Bouncer.class);
    for (int i = 0; i < 50; i++) {
      toServer.event("up " + i);
      toClient.event("down " + i);
    }
    for (int i = 0; i < 50; i++) {
      assertEquals("up " + i, serverSide.events.poll(WAIT, TimeUnit.SECONDS));
      assertEquals("down " + i, clientSide.events.poll(WAIT, TimeUnit.SECONDS));
    }
  }

  @Test
  void manyConcurrentCallsBothWaysAreAllAnswered() throws Exception {
    start(serverBuilder());
    ClientConnection c = connectRegistered(clientBuilder());
    Bouncer toServer = c.remote(Bouncer.class);
    Bouncer toClient = onlyConnection().remote(Bouncer.class);
    List<CompletableFuture<Integer>> calls = new ArrayList<>();
    for (int i = 0; i < 500; i++) { // sends from many handler threads at once, on both sockets
      calls.add(toServer.square(i));
      calls.add(toClient.square(i));
    }
    CompletableFuture.allOf(calls.toArray(new CompletableFuture<?>[0])).get(WAIT, TimeUnit.SECONDS);
    for (int i = 0; i < 500; i++) {
      assertEquals(i * i, calls.get(2 * i).join());
      assertEquals(i * i, calls.get(2 * i + 1).join());
    }
  }

  @Test
  void messageOfHalfAMebibyteIsServedWithinTheDefaultLimit() throws Exception {
    // Far over common container defaults (Jetty: 64 KiB frames and messages), under the library's 1 MiB.
    start(serverBuilder());
    ClientConnection c = connect(clientBuilder());
    String big = "x".repeat(512 * 1024);
    assertEquals(big, c.remote(Tools.class).echo(big));
    assertEquals(400 * 1024, c.remote(Tools.class).repeat("ab", 200 * 1024).length());
  }

  @Test
  void unknownMethodGetsMinus32601AndTheConnectionStaysOpen() throws Exception {
    start(serverBuilder());
    ClientConnection c = connect(clientBuilder());
    RpcException e = assertThrows(RpcException.class, () -> c.remote(Missing.class).nothingHere());
    assertEquals(ErrorCodes.METHOD_NOT_FOUND, e.code());
    assertTrue(c.isOpen());
  }

  /** A method nobody serves. */
  public interface Missing {
    @RpcMethod
    String nothingHere();
  }

  @Test
  void applicationErrorReachesTheCallerWithCodeMessageAndData() throws Exception {
    start(serverBuilder());
    ClientConnection c = connect(clientBuilder());
    RpcException e = assertThrows(RpcException.class, () -> c.remote(Tools.class).outOfStock("coffee"));
    assertEquals(4001, e.code());
    assertEquals("out of stock", e.errorMessage());
    assertEquals(JsonParser.parseString("{\"item\":\"coffee\"}"), e.data());
  }

  @Test
  void wireIsTheSameForAnIndependentClient() throws Exception {
    start(serverBuilder());
    JdkWebSocketClient c = raw(server.uri());
    c.send("{\"jsonrpc\": \"2.0\", \"method\": \"foobar\", \"id\": \"1\"}");
    assertEquals("{\"jsonrpc\":\"2.0\",\"id\":\"1\",\"error\":{\"code\":-32601,\"message\":\"Method not found\"}}",
        c.next());
    c.send("[" + request(2, "echo", "[\"a\"]") + ",{\"jsonrpc\":\"2.0\",\"method\":\"event\",\"params\":[\"n\"]}]");
    assertEquals("[{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":\"a\"}]", c.next());
    c.send("{oops");
    assertEquals("{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,\"message\":\"Parse error\"}}", c.next());
  }

  @Test
  void discoveryDescribesEachSidesMethods() throws Exception {
    start(serverBuilder());
    ClientConnection c = connectRegistered(clientBuilder());
    Set<String> serverMethods = methodNames(c.peer().discover().get(WAIT, TimeUnit.SECONDS));
    assertTrue(serverMethods.containsAll(List.of("bounce", "echo", "hang", "rpc.discover")), serverMethods.toString());
    Set<String> clientMethods = methodNames(onlyConnection().peer().discover().get(WAIT, TimeUnit.SECONDS));
    assertEquals(Set.of("bounce", "square", "event", "park", "rpc.discover"), clientMethods);
  }

  private static Set<String> methodNames(JsonObject openRpc) {
    Set<String> names = new HashSet<>();
    for (JsonElement m : openRpc.getAsJsonArray("methods")) {
      names.add(m.getAsJsonObject().get("name").getAsString());
    }
    return names;
  }

  // --- limits ---------------------------------------------------------------------------------

  @Test
  void binaryMessageClosesWith1003() throws Exception {
    start(serverBuilder().maxMessageSize(LIMIT));
    JdkWebSocketClient c = raw(server.uri());
    c.sendBinary(new byte[] {1, 2, 3});
    assertEquals(1003, c.awaitClose().code());
    assertServerStillServes();
  }

  @Test
  void textJustOverTheLimitClosesWith1009() throws Exception {
    start(serverBuilder().maxMessageSize(LIMIT));
    JdkWebSocketClient c = raw(server.uri());
    c.send(request(1, "echo", "[\"" + "x".repeat(LIMIT) + "\"]"));
    assertEquals(1009, c.awaitClose().code());
    assertServerStillServes();
  }

  @Test
  void textFarOverTheLimitClosesWith1009() throws Exception {
    start(serverBuilder().maxMessageSize(LIMIT));
    JdkWebSocketClient c = raw(server.uri());
    // Over the frame buffer a container is given for the limit (3 x LIMIT + 14 bytes), and small
    // enough to be written whole into the socket buffers before the server's close comes back.
    CompletableFuture<?> sent = c.sendWithoutWaiting(request(1, "echo", "[\"" + "x".repeat(16 * LIMIT) + "\"]"));
    assertEquals(1009, c.awaitClose().code());
    // The server may close on the frame's header, so the rest of the frame may find the output closed.
    sent.handle((v, e) -> {
      if (e != null && !(e instanceof IOException || e.getCause() instanceof IOException)) {
        throw new AssertionError("unexpected send failure", e);
      }
      return v;
    }).get(WAIT, TimeUnit.SECONDS);
    assertServerStillServes();
  }

  @Test
  void fragmentedTextOverTheLimitClosesWith1009() throws Exception {
    start(serverBuilder().maxMessageSize(LIMIT));
    JdkWebSocketClient c = raw(server.uri());
    c.sendPart("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"echo\",\"params\":[\"", false);
    for (int i = 0; i < 4; i++) {
      c.sendPart("y".repeat(LIMIT / 2), false);
    }
    c.sendPart("\"]}", true);
    assertEquals(1009, c.awaitClose().code());
    assertServerStillServes();
  }

  @Test
  void unmaskedClientFrameClosesWith1002() throws Exception {
    start(serverBuilder());
    byte[] text = request(1, "echo", "[\"a\"]").getBytes(StandardCharsets.UTF_8);
    byte[] frame = new byte[2 + text.length];
    frame[0] = (byte) 0x81; // FIN, text
    frame[1] = (byte) text.length; // no mask bit: RFC 6455 requires clients to mask
    System.arraycopy(text, 0, frame, 2, text.length);
    assertEquals(1002, closeCodeAfterRawFrame(frame));
  }

  @Test
  void textThatIsNotUtf8ClosesWith1007() throws Exception {
    start(serverBuilder());
    byte[] payload = {'"', (byte) 0xC3, (byte) 0x28, '"'}; // 0xC3 0x28 is not UTF-8
    byte[] frame = new byte[6 + payload.length];
    frame[0] = (byte) 0x81;
    frame[1] = (byte) (0x80 | payload.length); // masked, with the key 0 0 0 0
    System.arraycopy(payload, 0, frame, 6, payload.length);
    assertEquals(1007, closeCodeAfterRawFrame(frame));
  }

  /** Upgrades a plain socket, writes {@code frame}, and returns the code of the close frame that comes back. */
  int closeCodeAfterRawFrame(byte[] frame) throws IOException {
    URI uri = server.uri();
    try (Socket s = new Socket("127.0.0.1", uri.getPort())) {
      s.setSoTimeout((int) TimeUnit.SECONDS.toMillis(WAIT));
      String upgrade = "GET " + uri.getPath() + " HTTP/1.1\r\n"
          + "Host: 127.0.0.1:" + uri.getPort() + "\r\n"
          + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
          + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
      s.getOutputStream().write(upgrade.getBytes(StandardCharsets.US_ASCII));
      java.io.DataInputStream in = new java.io.DataInputStream(s.getInputStream());
      int matched = 0; // read the answer's head up to the empty line
      while (matched < 4) {
        int b = in.read();
        assertTrue(b >= 0, "the server ended the connection during the handshake");
        matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
      }
      s.getOutputStream().write(frame);
      while (true) { // skip anything before the close frame
        int op = in.readUnsignedByte() & 0x0F;
        int len = in.readUnsignedByte() & 0x7F;
        if (len == 126) {
          len = in.readUnsignedShort();
        } else if (len == 127) {
          len = (int) in.readLong();
        }
        byte[] payload = new byte[len];
        in.readFully(payload);
        if (op == 0x8) {
          assertTrue(len >= 2, "a close frame with a code");
          return ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
        }
      }
    }
  }

  @Test
  void libraryClientOverTheServersLimitFailsItsCallsWith1009() throws Exception {
    start(serverBuilder().maxMessageSize(LIMIT));
    ClientConnection c = connect(clientBuilder());
    RpcException e = assertThrows(RpcException.class, () -> c.remote(Tools.class).echo("x".repeat(2 * LIMIT)));
    assertEquals(1009, assertInstanceOf(ConnectionClosedException.class, e).closeCode());
    assertEquals(1009, c.closeFuture().get(WAIT, TimeUnit.SECONDS).closeCode());
  }

  @Test
  void clientClosesWith1009WhenTheServersReplyIsOverItsLimit() throws Exception {
    start(serverBuilder());
    ClientConnection c = connect(clientBuilder().maxMessageSize(LIMIT));
    CompletableFuture<String> reply = c.peer().call("repeat", String.class, "z", 10 * LIMIT);
    assertEquals(1009, failure(reply, ConnectionClosedException.class).closeCode());
    assertEquals(1009, c.closeFuture().get(WAIT, TimeUnit.SECONDS).closeCode());
  }

  @Test
  void pingIsAnsweredWithPong() throws Exception {
    start(serverBuilder());
    JdkWebSocketClient c = raw(server.uri());
    byte[] payload = {7, 8, 9};
    c.ping(payload);
    ByteBuffer pong = c.nextPong();
    byte[] got = new byte[pong.remaining()];
    pong.get(got);
    assertArrayEquals(payload, got);
  }

  // --- events ---------------------------------------------------------------------------------

  /** A typed event payload. */
  record Feed(int id, String title) {}

  /** Events "feed" and "tick"; {@code ?events=rpc-websockets} picks that form. */
  RpcServer.Builder eventsBuilder() {
    return serverBuilder()
        .event("feed")
        .event("tick")
        .connectionListener(setup -> {
          if ("rpc-websockets".equals(setup.handshake().queryParameter("events"))) {
            setup.eventForm(EventForm.RPC_WEBSOCKETS);
          }
        });
  }

  @Test
  void publishedEventsReachTheSubscriberInOrder() throws Exception {
    start(eventsBuilder());
    ClientConnection c = connectRegistered(clientBuilder());
    BlockingQueue<Feed> got = new LinkedBlockingQueue<>();
    Subscription s = c.subscribe("feed", Feed.class, got::add);
    assertEquals(1, server.events().subscribers("feed").size());
    for (int i = 0; i < 100; i++) {
      assertEquals(1, server.events().publish("feed", new Feed(i, "t" + i)));
    }
    for (int i = 0; i < 100; i++) {
      assertEquals(new Feed(i, "t" + i), got.poll(WAIT, TimeUnit.SECONDS));
    }
    assertEquals(0, server.events().publish("tick", 1), "nobody subscribed to tick");
    s.close();
    assertFalse(s.isActive());
  }

  @Test
  void subscribingToAnUndeclaredEventIsRefused() throws Exception {
    start(eventsBuilder());
    ClientConnection c = connect(clientBuilder());
    RpcException e = assertThrows(RpcException.class, () -> c.subscribe("nope", String.class, x -> {}));
    assertEquals(ErrorCodes.INVALID_PARAMS, e.code());
    assertEquals(JsonParser.parseString("{\"nope\":\"provided event invalid\"}"), e.data());
  }

  @Test
  void eventFormIsChosenPerConnectionFromTheQuery() throws Exception {
    start(eventsBuilder());
    JdkWebSocketClient plain = raw(server.uri());
    JdkWebSocketClient compat = raw(URI.create(server.uri() + "?events=rpc-websockets"));
    plain.send(request(1, "rpc.on", "[\"feed\"]"));
    compat.send(request(1, "rpc.on", "[\"feed\",\"other\"]"));
    assertEquals("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"feed\":\"ok\"}}", plain.next());
    assertEquals("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"feed\":\"ok\",\"other\":\"provided event invalid\"}}",
        compat.next());
    assertEquals(2, server.events().publish("feed", new Feed(7, "x")));
    assertEquals("{\"jsonrpc\":\"2.0\",\"method\":\"feed\",\"params\":[{\"id\":7,\"title\":\"x\"}]}", plain.next());
    assertEquals("{\"notification\":\"feed\",\"params\":[{\"id\":7,\"title\":\"x\"}]}", compat.next());
  }

  @Test
  void subscriptionsEndWithTheirConnection() throws Exception {
    start(eventsBuilder());
    ClientConnection c = connectRegistered(clientBuilder());
    c.subscribe("feed", Feed.class, f -> {});
    ServerConnection sc = onlyConnection();
    assertEquals(Set.of("feed"), sc.subscriptions());
    c.close();
    sc.closeFuture().get(WAIT, TimeUnit.SECONDS);
    assertEquals(0, server.events().subscribers("feed").size());
    assertEquals(0, server.events().publish("feed", new Feed(1, "gone")));
  }

  // --- handshake ------------------------------------------------------------------------------

  @Test
  void connectionListenerSeesTheHandshakeAndAddsPerConnectionServices() throws Exception {
    BlockingQueue<ConnectionSetup> setups = new LinkedBlockingQueue<>();
    start(serverBuilder().connectionListener(setup -> {
      setups.add(setup);
      String user = setup.handshake().queryParameter("user");
      setup.attributes().put("user", user);
      setup.service((Inbox) () -> "inbox of " + user);
    }));
    ClientConnection ada = connect(RpcClient.builder()
        .uri(server.uri() + "?user=ada&x=1&x=2")
        .header("X-Trace", "t-1")
        .header("X-Multi", "a")
        .header("X-Multi", "b"));
    ClientConnection bob = connect(clientBuilder(URI.create(server.uri() + "?user=bob")));
    assertEquals("inbox of ada", ada.remote(Inbox.class).owner());
    assertEquals("inbox of bob", bob.remote(Inbox.class).owner());

    ConnectionSetup first = setups.poll(WAIT, TimeUnit.SECONDS);
    ConnectionSetup second = setups.poll(WAIT, TimeUnit.SECONDS);
    ConnectionSetup a = "ada".equals(first.handshake().queryParameter("user")) ? first : second;
    assertEquals("t-1", a.handshake().header("x-trace"), "header names are case-insensitive");
    // A repeated header: one value per line (Tyrus) or the values joined with commas (Jetty);
    // HTTP makes the two equivalent.
    assertEquals("a, b", String.join(", ", a.handshake().requestHeaders().get("X-MULTI")));
    assertEquals(List.of("1", "2"), a.handshake().queryParameters().get("x"));
    assertEquals(server.uri().getPath(), a.handshake().requestUri().getPath());
    assertNotEquals(first.id(), second.id());
    for (ServerConnection sc : server.connections()) {
      assertEquals(sc, server.connection(sc.id()).orElseThrow());
      assertEquals(sc.handshake().queryParameter("user"), sc.attributes().get("user"));
    }
  }

  @Test
  void remoteAddressIsTheClientsLoopbackAddressWhereTheContainerTellsIt() throws Exception {
    start(serverBuilder());
    connectRegistered(clientBuilder());
    InetSocketAddress address = onlyConnection().handshake().remoteAddress();
    if (reportsRemoteAddress()) {
      assertNotNull(address, "the container reports the client's address");
      assertTrue(address.getAddress().isLoopbackAddress(), address.toString());
      assertTrue(address.getPort() > 0, "with the client's port: " + address);
    } else {
      assertEquals(null, address, "the container reports no address");
    }
  }

  /** Whether the container tells the endpoint the client's address (Jakarta WebSocket has no API for it). */
  protected boolean reportsRemoteAddress() {
    return true;
  }

  @Test
  void listenerThrowingRefusesTheConnectionWith1008AndItsReason() throws Exception {
    start(serverBuilder().connectionListener(setup -> {
      throw new IllegalStateException("no entry");
    }));
    ClientConnection c = connect(clientBuilder());
    ConnectionClosedException end = c.closeFuture().get(WAIT, TimeUnit.SECONDS);
    assertEquals(1008, end.closeCode());
    assertEquals("no entry", end.closeReason());
    assertEquals(0, server.connections().size());
  }

  @Test
  void wrongPathFailsTheHandshakeWith404() throws Exception {
    start(serverBuilder());
    HandshakeRejectedException e = assertThrows(HandshakeRejectedException.class,
        () -> connect(clientBuilder(server.uri().resolve("elsewhere"))));
    assertEquals(404, e.statusCode());
  }

  /** Bearer "good" (header) or token=good (query) is alice; anything else is refused with 401. */
  RpcServer.Builder authBuilder() {
    return serverBuilder()
        .allowedOrigins("https://app.example.com")
        .authenticator(h -> {
          if ("Bearer good".equals(h.header("Authorization")) || "good".equals(h.queryParameter("token"))) {
            return (Principal) () -> "alice";
          }
          throw AuthenticationException.unauthorized("no valid token", "Bearer");
        });
  }

  @Test
  void authenticatedClientsPrincipalIsVisibleToHandlers() throws Exception {
    start(authBuilder());
    ClientConnection byHeader = connect(clientBuilder().header("Authorization", "Bearer good"));
    assertEquals("alice", byHeader.remote(Tools.class).whoAmI());
    ClientConnection byQuery = connect(clientBuilder(URI.create(server.uri() + "?token=good")));
    assertEquals("alice", byQuery.remote(Tools.class).whoAmI());
    ClientConnection fromTheApp = connect(clientBuilder()
        .header("Authorization", "Bearer good")
        .header("Origin", "https://APP.example.com"));
    assertEquals("alice", fromTheApp.remote(Tools.class).whoAmI());
  }

  @Test
  void refusedAuthenticationNeverReachesAHandler() throws Exception {
    start(authBuilder());
    if (refusesUpgradesWithHttpStatus()) {
      HandshakeRejectedException e = assertThrows(HandshakeRejectedException.class,
          () -> connect(clientBuilder().header("Authorization", "Bearer bad")));
      assertEquals(401, e.statusCode());
    } else {
      ClientConnection c = connect(clientBuilder().header("Authorization", "Bearer bad"));
      ConnectionClosedException end = c.closeFuture().get(WAIT, TimeUnit.SECONDS);
      assertEquals(1008, end.closeCode());
      assertTrue(end.closeReason().contains("401"), end.closeReason());
    }
    assertEquals(0, server.connections().size());
  }

  /**
   * A raw upgrade offering {@code offer} in Sec-WebSocket-Protocol: asserts a 101 and returns the
   * subprotocol the server selected, or null when it selected none.
   */
  private String selectedSubprotocol(String offer) throws Exception {
    URI uri = server.uri();
    try (Socket s = new Socket("127.0.0.1", uri.getPort())) {
      s.setSoTimeout((int) TimeUnit.SECONDS.toMillis(WAIT));
      String upgrade = "GET " + uri.getPath() + " HTTP/1.1\r\n"
          + "Host: 127.0.0.1:" + uri.getPort() + "\r\n"
          + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
          + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
          + "Sec-WebSocket-Protocol: " + offer + "\r\n\r\n";
      s.getOutputStream().write(upgrade.getBytes(StandardCharsets.US_ASCII));
      BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
      String status = in.readLine();
      assertNotNull(status, "an answer");
      assertTrue(status.startsWith("HTTP/1.1 101"), status);
      String selected = null;
      for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
        if (line.toLowerCase(java.util.Locale.ROOT).startsWith("sec-websocket-protocol:")) {
          selected = line.substring(line.indexOf(':') + 1).trim();
        }
      }
      return selected;
    }
  }

  @Test
  void offeredSubprotocolsAreNotChosen() throws Exception {
    start(serverBuilder());
    assertNull(selectedSubprotocol("foo, bar"));
  }

  @Test
  void theLibrarysOfferSelectsTheDuplexSubprotocol() throws Exception {
    start(serverBuilder());
    assertEquals("duplex-rpc.1", selectedSubprotocol("jsonrpc-2.0, duplex-rpc.1"));
  }

  @Test
  void originOutsideTheAllowListIsRefusedWith403() throws Exception {
    start(authBuilder());
    // A raw upgrade request: the status line is enough, whatever the container does afterwards.
    URI uri = server.uri();
    try (Socket s = new Socket("127.0.0.1", uri.getPort())) {
      s.setSoTimeout((int) TimeUnit.SECONDS.toMillis(WAIT));
      String upgrade = "GET " + uri.getPath() + " HTTP/1.1\r\n"
          + "Host: 127.0.0.1:" + uri.getPort() + "\r\n"
          + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
          + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
          + "Origin: https://evil.example.net\r\nAuthorization: Bearer good\r\n\r\n";
      s.getOutputStream().write(upgrade.getBytes(StandardCharsets.US_ASCII));
      String status = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII))
          .readLine();
      assertNotNull(status, "an answer");
      assertTrue(status.startsWith("HTTP/1.1 403"), status);
    }
    assertEquals(0, server.connections().size());
  }

  // --- closing --------------------------------------------------------------------------------

  final CompletableFuture<Integer> serverListenerCode = new CompletableFuture<>();

  RpcServer.Builder closeBuilder() {
    return serverBuilder().callTimeout(Duration.ofMinutes(1)).connectionListener(new ConnectionListener() {
      @Override
      public void onOpen(ConnectionSetup setup) {}

      @Override
      public void onClose(ServerConnection connection, int code, String reason) {
        serverListenerCode.complete(code);
      }
    });
  }

  @Test
  void clientCloseFailsPendingCallsOnBothSides() throws Exception {
    start(closeBuilder());
    ClientConnection c = connectRegistered(clientBuilder().callTimeout(Duration.ofMinutes(1)));
    ServerConnection sc = onlyConnection();
    CompletableFuture<String> fromClient = c.remote(Tools.class).hang();
    CompletableFuture<Object> fromServer = sc.peer().call("park", Object.class);
    c.close();
    assertEquals(1000, failure(fromClient, ConnectionClosedException.class).closeCode());
    assertEquals(1000, failure(fromServer, ConnectionClosedException.class).closeCode());
    assertEquals(1000, serverListenerCode.get(WAIT, TimeUnit.SECONDS));
    assertEquals(0, server.connections().size());
  }

  @Test
  void serverClosingOneConnectionFailsPendingCallsWithItsCodeAndReason() throws Exception {
    start(closeBuilder());
    ClientConnection c = connectRegistered(clientBuilder(URI.create(server.uri() + "?who=kicked")));
    ClientConnection other = connectRegistered(clientBuilder(URI.create(server.uri() + "?who=other")));
    ServerConnection sc = server.connections().stream()
        .filter(x -> "kicked".equals(x.handshake().queryParameter("who")))
        .findFirst()
        .orElseThrow();
    CompletableFuture<String> fromClient = c.remote(Tools.class).hang();
    CompletableFuture<Object> fromServer = sc.peer().call("park", Object.class);
    sc.close(4000, "kicked");
    ConnectionClosedException seen = failure(fromClient, ConnectionClosedException.class);
    assertEquals(4000, seen.closeCode());
    assertEquals("kicked", seen.closeReason());
    assertEquals(4000, failure(fromServer, ConnectionClosedException.class).closeCode());
    assertEquals(4000, serverListenerCode.get(WAIT, TimeUnit.SECONDS));
    assertEquals("still open", other.remote(Tools.class).echo("still open"));
  }

  @Test
  void serverCloseSendsGoingAwayAndFailsPendingCallsOnBothSides() throws Exception {
    start(closeBuilder());
    ClientConnection c = connectRegistered(clientBuilder());
    ServerConnection sc = onlyConnection();
    CompletableFuture<String> fromClient = c.remote(Tools.class).hang();
    CompletableFuture<Object> fromServer = sc.peer().call("park", Object.class);
    server.close();
    assertEquals(1001, failure(fromClient, ConnectionClosedException.class).closeCode());
    assertEquals(1001, failure(fromServer, ConnectionClosedException.class).closeCode());
    assertEquals(1001, c.closeFuture().get(WAIT, TimeUnit.SECONDS).closeCode());
  }

  @Test
  void lostSocketFailsTheServersPendingCallsWith1006() throws Exception {
    start(closeBuilder());
    JdkWebSocketClient c = raw(URI.create(server.uri() + "?who=raw"));
    c.send("{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"test.sync\"}");
    assertTrue(c.next().contains("-32601"), "answered, so registered");
    ServerConnection sc = onlyConnection();
    CompletableFuture<Object> pending = sc.peer().call("park", Object.class);
    assertTrue(c.next().contains("\"method\":\"park\""), "the request reached the raw client");
    c.close(); // abort: no close frame, the TCP connection just ends
    assertEquals(1006, failure(pending, ConnectionClosedException.class).closeCode());
    assertEquals(1006, serverListenerCode.get(WAIT, TimeUnit.SECONDS));
  }

  @Test
  void shutdownLetsRunningHandlersFinishAndRefusesNewWork() throws Exception {
    start(serverBuilder());
    ClientConnection c = connectRegistered(clientBuilder());
    Tools tools = c.remote(Tools.class);
    CompletableFuture<String> running = tools.slow();
    assertTrue(slowStarted.await(WAIT, TimeUnit.SECONDS));

    CompletableFuture<Void> done = server.shutdown(Duration.ofSeconds(WAIT));
    RpcException refused = assertThrows(RpcException.class, () -> tools.echo("new work"));
    assertEquals(ErrorCodes.SHUTTING_DOWN, refused.code());
    if (refusesUpgradesWithHttpStatus()) {
      HandshakeRejectedException e = assertThrows(HandshakeRejectedException.class, () -> connect(clientBuilder()));
      assertEquals(503, e.statusCode());
    } else {
      ClientConnection late = connect(clientBuilder());
      assertEquals(1001, late.closeFuture().get(WAIT, TimeUnit.SECONDS).closeCode());
    }
    assertFalse(done.isDone(), "still running");

    release.complete(null);
    assertEquals("finished", running.get(WAIT, TimeUnit.SECONDS));
    done.get(WAIT, TimeUnit.SECONDS);
    assertEquals(1001, c.closeFuture().get(WAIT, TimeUnit.SECONDS).closeCode());
    assertEquals(0, server.connections().size());
  }

  // --- reconnecting and the heartbeat ---------------------------------------------------------

  @Test
  void clientReconnectsAfterGoingAwayAndRenewsItsSubscriptions() throws Exception {
    start(eventsBuilder());
    BlockingQueue<String> hook = new LinkedBlockingQueue<>();
    BlockingQueue<ConnectionState> states = new LinkedBlockingQueue<>();
    ClientConnection c = connectRegistered(clientBuilder()
        .reconnectPolicy(ReconnectPolicy.fixed(Duration.ofMillis(50), Duration.ofMillis(200), Duration.ofSeconds(1)))
        .onReconnected(conn -> hook.add(conn.remote(Tools.class).echo("hook")))
        .listener(new ClientConnection.Listener() {
          @Override
          public void onStateChange(ClientConnection connection, ConnectionState state) {
            states.add(state);
          }
        }));
    BlockingQueue<Integer> ticks = new LinkedBlockingQueue<>();
    c.subscribe("tick", Integer.class, ticks::add);
    Tools proxy = c.remote(Tools.class);
    String firstId = onlyConnection().id();

    onlyConnection().close(1001, "restarting");
    awaitState(states, ConnectionState.RECONNECTING);
    assertEquals("hook", hook.poll(WAIT, TimeUnit.SECONDS));
    awaitState(states, ConnectionState.OPEN);
    assertEquals(1, c.reconnects());
    assertEquals("the same proxy", proxy.echo("the same proxy"));

    ServerConnection second = onlyConnection();
    assertNotEquals(firstId, second.id());
    assertEquals(Set.of("tick"), second.subscriptions(), "subscribed again before OPEN");
    assertEquals(1, server.events().publish("tick", 42));
    assertEquals(42, ticks.poll(WAIT, TimeUnit.SECONDS));
  }

  /** Takes states until {@code expected} (the listener also reports the first connect). */
  static void awaitState(BlockingQueue<ConnectionState> states, ConnectionState expected) throws InterruptedException {
    ConnectionState s;
    do {
      s = states.poll(WAIT, TimeUnit.SECONDS);
      assertNotNull(s, "no state change to " + expected);
    } while (s != expected);
  }

  @Test
  void heartbeatDropsAFrozenLinkAndClosesItsSocket() throws Exception {
    start(closeBuilder().pingInterval(Duration.ofMillis(100)).idleTimeout(Duration.ofMillis(600)));
    try (FaultProxy proxy = FaultProxy.start(new InetSocketAddress("127.0.0.1", server.uri().getPort()))) {
      ClientConnection c = connectRegistered(clientBuilder(proxy.via(server.uri()))
          .resumableSessions(false) // the drop itself; the embedded server's ResumeTest resumes one
          .pingInterval(Duration.ZERO)
          .idleTimeout(Duration.ZERO));
      ServerConnection sc = onlyConnection();
      CompletableFuture<Object> fromServer = sc.peer().call("park", Object.class);
      FaultProxy.Link link = proxy.links().get(0);
      link.freeze(); // nothing gets through either way, and the sockets stay open
      ConnectionClosedException e = failure(fromServer, ConnectionClosedException.class);
      assertEquals(1006, e.closeCode());
      assertTrue(e.closeReason().startsWith("heartbeat"), e.closeReason());
      assertEquals(0, server.connections().size());
      // The server let go of the TCP connection too, not only of the session.
      link.serverClosed().get(WAIT, TimeUnit.SECONDS);
      assertTrue(c.isOpen(), "the client, without a heartbeat, has not noticed");
    }
  }

  @Test
  void idleTimeoutOfZeroKeepsAQuietConnectionOpen() throws Exception {
    // No pings and no idle timeout: the library's documented "never" must hold in the container too.
    start(closeBuilder().pingInterval(Duration.ZERO).idleTimeout(Duration.ZERO));
    ClientConnection c = connectRegistered(clientBuilder().pingInterval(Duration.ZERO).idleTimeout(Duration.ZERO));
    assertThrows(TimeoutException.class, () -> serverListenerCode.get(idleWaitMillis(), TimeUnit.MILLISECONDS));
    assertTrue(c.isOpen());
    assertEquals("still here", c.remote(Tools.class).echo("still here"));
  }

  /**
   * How long {@link #idleTimeoutOfZeroKeepsAQuietConnectionOpen} waits in silence: longer than
   * the container's own idle timeout, which a subclass may shorten for the test.
   */
  protected long idleWaitMillis() {
    return 1500;
  }
}
