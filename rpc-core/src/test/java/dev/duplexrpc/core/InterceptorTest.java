package dev.duplexrpc.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonPrimitive;
import dev.duplexrpc.core.annotation.RpcMethod;
import dev.duplexrpc.core.annotation.RpcNotification;
import dev.duplexrpc.core.transport.InMemoryTransport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link RpcInterceptor}s around incoming and outgoing calls, over the in-memory pair. */
class InterceptorTest {
  static final RpcContext.Key<String> TRACE = RpcContext.Key.named("trace");

  /** What the server serves. */
  public interface Service {
    @RpcMethod("echo")
    String echo(String text);

    @RpcMethod("fail")
    String fail(String why);

    @RpcMethod("hold")
    CompletableFuture<String> hold(String key);

    /** Calls the caller back, and says which trace the handler saw. */
    @RpcMethod("traced")
    String traced();

    @RpcNotification("note")
    void note(String text);
  }

  /** What the client serves, for call-backs. */
  public interface Back {
    @RpcMethod("back.name")
    String name();
  }

  static final class ServiceImpl implements Service {
    final AtomicInteger echoes = new AtomicInteger();
    final BlockingQueue<String> notes = new LinkedBlockingQueue<>();
    final Map<String, CompletableFuture<String>> held = new ConcurrentHashMap<>();

    @Override
    public String echo(String text) {
      echoes.incrementAndGet();
      return text;
    }

    @Override
    public String fail(String why) {
      throw new RpcException(-32010, why);
    }

    @Override
    public CompletableFuture<String> hold(String key) {
      return held.computeIfAbsent(key, k -> new CompletableFuture<>());
    }

    @Override
    public String traced() {
      String seen = CallContext.current().rpcContext().get(TRACE) + "/" + RpcContext.current().get(TRACE);
      return seen + " " + CallContext.current().peer().remote(Back.class).name();
    }

    @Override
    public void note(String text) {
      notes.add(text);
    }
  }

  /** Records each interceptor's calls and outcomes as lines in one queue. */
  static final class Recorder implements RpcInterceptor {
    final String name;
    final BlockingQueue<String> events;

    Recorder(String name, BlockingQueue<String> events) {
      this.name = name;
      this.events = events;
    }

    @Override
    public Listener intercept(RpcCall call) {
      events.add(name + "> " + call.direction() + " " + call.method());
      return outcome -> events.add(name + "< " + call.direction() + " " + call.method() + " "
          + outcome.kind() + (outcome.errorCode() == 0 ? "" : " " + outcome.errorCode()));
    }
  }

  private final BlockingQueue<String> serverEvents = new LinkedBlockingQueue<>();
  private final BlockingQueue<String> clientEvents = new LinkedBlockingQueue<>();
  private final ServiceImpl impl = new ServiceImpl();
  private final List<Peer> peers = new ArrayList<>();
  private Peer server;
  private Peer client;

  @AfterEach
  void closeAll() {
    peers.forEach(Peer::close);
    assertTrue(serverEvents.isEmpty(), () -> "server events left: " + serverEvents);
    assertTrue(clientEvents.isEmpty(), () -> "client events left: " + clientEvents);
  }

  private void connect(PeerConfig.Builder serverConfig, PeerConfig.Builder clientConfig) {
    InMemoryTransport.Pair pair = InMemoryTransport.pair();
    server = Peer.builder().transport(pair.first()).config(serverConfig.service(impl).build()).build();
    client = Peer.builder().transport(pair.second())
        .config(clientConfig.service((Back) () -> "client").build()).build();
    peers.add(server);
    peers.add(client);
  }

  private void connectRecorded() {
    connect(PeerConfig.builder().interceptor(new Recorder("s", serverEvents)),
        PeerConfig.builder().interceptor(new Recorder("c", clientEvents)));
  }

  private static String next(BlockingQueue<String> events) throws InterruptedException {
    String e = events.poll(5, TimeUnit.SECONDS);
    if (e == null) {
      throw new AssertionError("no event within 5 s");
    }
    return e;
  }

  @Test
  void interceptorsRunInOrderBothWaysAndTheirListenersInReverse() throws Exception {
    connect(PeerConfig.builder().interceptor(new Recorder("s1", serverEvents))
            .interceptor(new Recorder("s2", serverEvents)),
        PeerConfig.builder().interceptor(new Recorder("c1", clientEvents))
            .interceptor(new Recorder("c2", clientEvents)));
    assertEquals("x", client.remote(Service.class).echo("x"));
    assertEquals("c1> OUTGOING echo", next(clientEvents));
    assertEquals("c2> OUTGOING echo", next(clientEvents));
    assertEquals("c2< OUTGOING echo RESULT", next(clientEvents));
    assertEquals("c1< OUTGOING echo RESULT", next(clientEvents));
    assertEquals("s1> INCOMING echo", next(serverEvents));
    assertEquals("s2> INCOMING echo", next(serverEvents));
    assertEquals("s2< INCOMING echo RESULT", next(serverEvents));
    assertEquals("s1< INCOMING echo RESULT", next(serverEvents));
  }

  @Test
  void interceptorSeesIdParamsPeerResultAndTime() throws Exception {
    BlockingQueue<Object[]> seen = new LinkedBlockingQueue<>();
    RpcInterceptor capture = call -> outcome -> seen.add(new Object[] {call, outcome});
    connect(PeerConfig.builder().interceptor(capture), PeerConfig.builder().interceptor(capture));
    assertEquals("x", client.call("echo", String.class, "x").get(5, TimeUnit.SECONDS));
    for (int i = 0; i < 2; i++) {
      Object[] e = seen.poll(5, TimeUnit.SECONDS);
      RpcCall call = (RpcCall) e[0];
      RpcOutcome outcome = (RpcOutcome) e[1];
      assertEquals("echo", call.method());
      assertEquals(new JsonPrimitive(1), call.id());
      JsonArray params = new JsonArray();
      params.add("x");
      assertEquals(params, call.params());
      assertEquals(call.direction() == RpcCall.Direction.INCOMING ? server : client, call.peer());
      assertEquals(RpcOutcome.Kind.RESULT, outcome.kind());
      assertEquals("x", outcome.result());
      assertNull(outcome.error());
      assertTrue(outcome.nanos() > 0);
    }
  }

  @Test
  void incomingStringIdIsSeenAsReceivedAndANotificationHasNone() throws Exception {
    BlockingQueue<RpcCall> seen = new LinkedBlockingQueue<>();
    RawEnd raw = RawEnd.connect(Peer.builder()
        .config(PeerConfig.builder().service(impl).interceptor(call -> {
          seen.add(call);
          return null;
        }).build()));
    try {
      raw.send("{\"jsonrpc\":\"2.0\",\"id\":\"a-1\",\"method\":\"echo\",\"params\":[\"y\"]}");
      assertEquals("{\"jsonrpc\":\"2.0\",\"id\":\"a-1\",\"result\":\"y\"}", raw.nextFrame());
      assertEquals(new JsonPrimitive("a-1"), seen.poll(5, TimeUnit.SECONDS).id());
      raw.send("{\"jsonrpc\":\"2.0\",\"method\":\"note\",\"params\":[\"n\"]}");
      assertEquals("n", impl.notes.poll(5, TimeUnit.SECONDS));
      RpcCall note = seen.poll(5, TimeUnit.SECONDS);
      assertTrue(note.isNotification());
      assertNull(note.id());
      raw.assertExhausted();
    } finally {
      raw.close();
    }
  }

  @Test
  void incomingRefusalAnswersTheCallerAndSkipsTheHandler() throws Exception {
    RpcInterceptor deny = call -> {
      JsonArray params = call.params().getAsJsonArray();
      if (params.size() == 1 && params.get(0).getAsString().equals("secret")) {
        throw new RpcException(-32010, "Not allowed");
      }
      return null;
    };
    connect(PeerConfig.builder().interceptor(new Recorder("s", serverEvents)).interceptor(deny),
        PeerConfig.builder());
    Service remote = client.remote(Service.class);
    RpcException e = assertThrows(RpcException.class, () -> remote.echo("secret"));
    assertEquals(-32010, e.code());
    assertEquals("Not allowed", e.errorMessage());
    assertEquals(0, impl.echoes.get());
    assertEquals("s> INCOMING echo", next(serverEvents));
    assertEquals("s< INCOMING echo ERROR -32010", next(serverEvents));

    remote.note("secret"); // dropped
    remote.note("public");
    assertEquals("public", impl.notes.poll(5, TimeUnit.SECONDS));
    assertEquals("s> INCOMING note", next(serverEvents));
    assertEquals("s< INCOMING note ERROR -32010", next(serverEvents));
    assertEquals("s> INCOMING note", next(serverEvents));
    assertEquals("s< INCOMING note RESULT", next(serverEvents));
    assertTrue(impl.notes.isEmpty());
  }

  @Test
  void outgoingRefusalFailsTheCallAndSendsNothing() throws Exception {
    RpcInterceptor deny = call -> {
      if (call.method().equals("echo")) {
        throw new RpcException(-32011, "Not from here");
      }
      return null;
    };
    connect(PeerConfig.builder().interceptor(new Recorder("s", serverEvents)),
        PeerConfig.builder().interceptor(new Recorder("c", clientEvents)).interceptor(deny));
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> client.call("echo", String.class, "x").get(5, TimeUnit.SECONDS));
    assertEquals(-32011, ((RpcException) e.getCause()).code());
    assertEquals("c> OUTGOING echo", next(clientEvents));
    assertEquals("c< OUTGOING echo ERROR -32011", next(clientEvents));
    assertThrows(RpcException.class, () -> client.notify("echo", "x"));
    assertEquals("c> OUTGOING echo", next(clientEvents));
    assertEquals("c< OUTGOING echo ERROR -32011", next(clientEvents));

    Batch batch = client.batch();
    CompletableFuture<String> refused = batch.call("echo", String.class, "a");
    CompletableFuture<String> failing = batch.call("fail", String.class, "b");
    batch.send();
    assertEquals(-32011, ((RpcException) assertThrows(ExecutionException.class,
        () -> refused.get(5, TimeUnit.SECONDS)).getCause()).code());
    assertEquals(-32010, ((RpcException) assertThrows(ExecutionException.class,
        () -> failing.get(5, TimeUnit.SECONDS)).getCause()).code());
    assertEquals("c> OUTGOING echo", next(clientEvents));
    assertEquals("c< OUTGOING echo ERROR -32011", next(clientEvents));
    assertEquals("c> OUTGOING fail", next(clientEvents));
    assertEquals("c< OUTGOING fail ERROR -32010", next(clientEvents));
    // The server never saw an echo: only the batch's fail.
    assertEquals("s> INCOMING fail", next(serverEvents));
    assertEquals("s< INCOMING fail ERROR -32010", next(serverEvents));
    assertEquals(0, impl.echoes.get());
  }

  @Test
  void contextReachesTheHandlerAndTheCallsItMakes() throws Exception {
    BlockingQueue<String> outgoingTraces = new LinkedBlockingQueue<>();
    RpcInterceptor tracing = call -> {
      if (call.direction() == RpcCall.Direction.INCOMING) {
        call.put(TRACE, "t-" + call.id());
      } else {
        outgoingTraces.add(call.method() + " " + call.context().get(TRACE));
      }
      return null;
    };
    connect(PeerConfig.builder().interceptor(tracing), PeerConfig.builder().interceptor(tracing));
    assertEquals("t-1/t-1 client", client.remote(Service.class).traced());
    assertEquals("traced null", outgoingTraces.poll(5, TimeUnit.SECONDS)); // the client's call
    assertEquals("back.name t-1", outgoingTraces.poll(5, TimeUnit.SECONDS)); // the handler's

    RpcContext explicit = RpcContext.EMPTY.with(TRACE, "explicit");
    try (RpcContext.Scope s = explicit.attach()) {
      assertEquals("explicit", RpcContext.current().get(TRACE));
      client.call("echo", String.class, "x").get(5, TimeUnit.SECONDS);
    }
    assertEquals("echo explicit", outgoingTraces.poll(5, TimeUnit.SECONDS));
    assertNull(RpcContext.current().get(TRACE));
  }

  @Test
  void errorOutcomeCarriesTheCodeBothWays() throws Exception {
    connectRecorded();
    assertThrows(RpcException.class, () -> client.remote(Service.class).fail("no"));
    assertEquals("c> OUTGOING fail", next(clientEvents));
    assertEquals("c< OUTGOING fail ERROR -32010", next(clientEvents));
    assertEquals("s> INCOMING fail", next(serverEvents));
    assertEquals("s< INCOMING fail ERROR -32010", next(serverEvents));
  }

  @Test
  void timeoutOutcomeOutgoingAndCancelOutcomeIncoming() throws Exception {
    connectRecorded();
    CompletableFuture<String> f = client.call(Duration.ofMillis(50), "hold", String.class, "t");
    ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(5, TimeUnit.SECONDS));
    assertInstanceOf(RpcTimeoutException.class, e.getCause());
    assertEquals("c> OUTGOING hold", next(clientEvents));
    assertEquals("c< OUTGOING hold TIMEOUT -32001", next(clientEvents));
    // The timeout sent rpc.cancel: the server's handler is cancelled.
    assertEquals("s> INCOMING hold", next(serverEvents));
    assertEquals("s< INCOMING hold CANCELLED -32004", next(serverEvents));
  }

  @Test
  void cancelOutcomeBothWays() throws Exception {
    connectRecorded();
    CompletableFuture<String> f = client.call("hold", String.class, "c");
    assertEquals("s> INCOMING hold", next(serverEvents)); // the handler is running
    assertTrue(f.cancel(true));
    assertEquals("c> OUTGOING hold", next(clientEvents));
    assertEquals("c< OUTGOING hold CANCELLED -32004", next(clientEvents));
    assertEquals("s< INCOMING hold CANCELLED -32004", next(serverEvents));
  }

  @Test
  void closedOutcomeForACallPendingAtTheClose() throws Exception {
    connectRecorded();
    CompletableFuture<String> f = client.call("hold", String.class, "z");
    assertEquals("s> INCOMING hold", next(serverEvents));
    client.close();
    ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(5, TimeUnit.SECONDS));
    assertInstanceOf(ConnectionClosedException.class, e.getCause());
    assertEquals("c> OUTGOING hold", next(clientEvents));
    assertEquals("c< OUTGOING hold CLOSED -32002", next(clientEvents));
    assertThrows(ExecutionException.class,
        () -> client.call("echo", String.class, "late").get(5, TimeUnit.SECONDS));
    assertEquals("c> OUTGOING echo", next(clientEvents));
    assertEquals("c< OUTGOING echo CLOSED -32002", next(clientEvents));
    // The server's handler ends (it may not have started yet); its reply has nowhere to go.
    impl.hold("z").complete("done");
    assertEquals("s< INCOMING hold RESULT", next(serverEvents));
  }

  @Test
  void notificationOutcomeIsToldWhenSent() throws Exception {
    connectRecorded();
    client.notify("note", "hi").get(5, TimeUnit.SECONDS);
    assertEquals("c> OUTGOING note", next(clientEvents));
    assertEquals("c< OUTGOING note RESULT", next(clientEvents));
    assertEquals("hi", impl.notes.poll(5, TimeUnit.SECONDS));
    assertEquals("s> INCOMING note", next(serverEvents));
    assertEquals("s< INCOMING note RESULT", next(serverEvents));
  }

  @Test
  void aThrowingListenerDoesNotBreakTheCall() throws Exception {
    connect(PeerConfig.builder(), PeerConfig.builder().interceptor(call -> outcome -> {
      throw new IllegalStateException("listener bug");
    }));
    assertEquals("x", client.remote(Service.class).echo("x"));
    assertFalse(client.config().interceptors().isEmpty());
  }
}
