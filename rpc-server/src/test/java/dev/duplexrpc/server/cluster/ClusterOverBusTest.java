package dev.duplexrpc.server.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonWriter;
import dev.duplexrpc.client.ClientConnection;
import dev.duplexrpc.client.RpcClient;
import dev.duplexrpc.core.ConnectionClosedException;
import dev.duplexrpc.core.ErrorCodes;
import dev.duplexrpc.core.RpcException;
import dev.duplexrpc.core.RpcTimeoutException;
import dev.duplexrpc.core.annotation.RpcMethod;
import dev.duplexrpc.server.RpcServer;
import dev.duplexrpc.server.ServerConnection;
import dev.duplexrpc.server.testing.InMemoryBus;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The server's side of a cluster, over a bus in this JVM: what travels between nodes and how calls
 * to another node's clients end. The Redis backplane's own tests (rpc-redis) run real processes.
 */
class ClusterOverBusTest {
  private static final long WAIT = 10;

  /** What the test clients serve. */
  public interface Api {
    @RpcMethod
    int twice(int n);

    @RpcMethod
    CompletableFuture<String> hang();
  }

  /** What the servers serve: a client learns its connection id. */
  public interface Who {
    @RpcMethod
    String id();
  }

  /** An event payload whose conversions to JSON are counted. */
  record Counted(int n) {}

  static final AtomicInteger WRITES = new AtomicInteger();

  static final Gson COUNTING = new GsonBuilder().registerTypeAdapter(Counted.class, new TypeAdapter<Counted>() {
    @Override
    public void write(JsonWriter out, Counted value) throws IOException {
      WRITES.incrementAndGet();
      out.beginObject().name("n").value(value.n()).endObject();
    }

    @Override
    public Counted read(JsonReader in) throws IOException {
      in.beginObject();
      in.nextName();
      Counted c = new Counted(in.nextInt());
      in.endObject();
      return c;
    }
  }).create();

  static final class ApiImpl implements Api {
    final BlockingQueue<CompletableFuture<String>> hanging = new LinkedBlockingQueue<>();

    @Override
    public int twice(int n) {
      return 2 * n;
    }

    @Override
    public CompletableFuture<String> hang() {
      CompletableFuture<String> f = new CompletableFuture<>();
      hanging.add(f);
      return f;
    }
  }

  private final InMemoryBus bus = new InMemoryBus();
  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  private RpcServer node(String id, Duration callTimeout) throws IOException {
    RpcServer s = RpcServer.builder()
        .service((Who) () -> ServerConnection.current().id())
        .event("tick")
        .gson(COUNTING)
        .callTimeout(callTimeout)
        .backplane(bus.node(id))
        .build()
        .start();
    open.add(s);
    return s;
  }

  private ClientConnection client(RpcServer server, ApiImpl api) throws IOException {
    ClientConnection c = RpcClient.builder().uri(server.uri()).service(api).gson(COUNTING).build().connect();
    open.add(c);
    return c;
  }

  @Test
  void serverWithoutBackplaneIsAClusterOfOne() throws Exception {
    RpcServer server = RpcServer.builder().service((Who) () -> ServerConnection.current().id()).build().start();
    open.add(server);
    ClientConnection c = client(server, new ApiImpl());
    String id = c.remote(Who.class).id();
    assertFalse(server.cluster().isClustered());
    assertEquals("local", server.cluster().nodeId());
    ConnectionHandle local = server.cluster().connection(id);
    assertTrue(local.isLocal());
    assertEquals(8, local.remote(Api.class).twice(4));
    ConnectionHandle nobody = server.cluster().connection("nobody");
    assertFalse(nobody.isLocal());
    RpcException e = assertThrows(RpcException.class, () -> nobody.remote(Api.class).twice(1));
    assertEquals(ErrorCodes.UNREACHABLE, e.code());
    assertTrue(e.getMessage().endsWith("[see docs/errors.md#unreachable]"), e.getMessage());
  }

  @Test
  void eventPayloadIsConvertedOncePerPublishWhateverTheNumberOfNodes() throws Exception {
    RpcServer a = node("a", Duration.ofSeconds(10));
    RpcServer b = node("b", Duration.ofSeconds(10));
    RpcServer c = node("c", Duration.ofSeconds(10));
    List<BlockingQueue<Counted>> inboxes = new ArrayList<>();
    for (RpcServer s : List.of(a, b, c)) {
      for (int i = 0; i < 2; i++) {
        BlockingQueue<Counted> q = new LinkedBlockingQueue<>();
        client(s, new ApiImpl()).subscribe("tick", Counted.class, q::add);
        inboxes.add(q);
      }
    }
    WRITES.set(0);
    assertEquals(2, a.events().publish("tick", new Counted(7)), "a's own subscribers");
    for (BlockingQueue<Counted> q : inboxes) {
      assertEquals(new Counted(7), q.poll(WAIT, TimeUnit.SECONDS));
    }
    assertEquals(1, WRITES.get(), "one conversion for 6 subscribers on 3 nodes");
  }

  @Test
  void callerTimeoutFailsAsLocallyAndCancelsTheCallOnTheClient() throws Exception {
    RpcServer a = node("a", Duration.ofMillis(300));
    RpcServer b = node("b", Duration.ofSeconds(10));
    ApiImpl api = new ApiImpl();
    String id = client(b, api).remote(Who.class).id();
    CompletableFuture<String> call = a.cluster().connection(id).remote(Api.class).hang();
    ExecutionException failed = assertThrows(ExecutionException.class, () -> call.get(WAIT, TimeUnit.SECONDS));
    RpcTimeoutException e = assertInstanceOf(RpcTimeoutException.class, failed.getCause());
    assertEquals(ErrorCodes.TIMEOUT, e.code());
    CompletableFuture<String> onClient = api.hanging.poll(WAIT, TimeUnit.SECONDS);
    CompletableFuture<Boolean> cancelled = new CompletableFuture<>();
    onClient.whenComplete((v, x) -> cancelled.complete(onClient.isCancelled()));
    assertTrue(cancelled.get(WAIT, TimeUnit.SECONDS), "rpc.cancel reached the client through b");
  }

  @Test
  void clientClosingFailsCallsInFlightWithItsCloseCode() throws Exception {
    RpcServer a = node("a", Duration.ofSeconds(30));
    RpcServer b = node("b", Duration.ofSeconds(30));
    ApiImpl api = new ApiImpl();
    ClientConnection c = client(b, api);
    String id = c.remote(Who.class).id();
    ConnectionHandle h = a.cluster().connection(id);
    assertFalse(h.isLocal());
    assertEquals(6, h.remote(Api.class).twice(3));
    CompletableFuture<String> call = h.remote(Api.class).hang();
    api.hanging.poll(WAIT, TimeUnit.SECONDS);
    c.close(4001, "bye");
    ExecutionException e = assertThrows(ExecutionException.class, () -> call.get(WAIT, TimeUnit.SECONDS));
    ConnectionClosedException closed = assertInstanceOf(ConnectionClosedException.class, e.getCause());
    assertEquals(4001, closed.closeCode());
    assertEquals("bye", closed.closeReason());
  }

  @Test
  void killedNodeFailsCallsInFlightWithUnreachable() throws Exception {
    RpcServer a = node("a", Duration.ofSeconds(30));
    RpcServer b = node("b", Duration.ofSeconds(30));
    ApiImpl api = new ApiImpl();
    String id = client(b, api).remote(Who.class).id();
    CompletableFuture<String> call = a.cluster().connection(id).remote(Api.class).hang();
    api.hanging.poll(WAIT, TimeUnit.SECONDS);
    bus.kill("b");
    ExecutionException e = assertThrows(ExecutionException.class, () -> call.get(WAIT, TimeUnit.SECONDS));
    RpcException r = assertInstanceOf(RpcException.class, e.getCause());
    assertEquals(ErrorCodes.UNREACHABLE, r.code());
    assertEquals("b", r.data().getAsJsonObject().get("node").getAsString());
    RpcException later = assertThrows(RpcException.class, () -> a.cluster().connection(id).remote(Api.class).twice(1));
    assertEquals(ErrorCodes.UNREACHABLE, later.code());
  }

  @Test
  void outageFailsCallsInFlightAndNewOnesAtOnceUntilTheBusIsBack() throws Exception {
    RpcServer a = node("a", Duration.ofSeconds(30));
    RpcServer b = node("b", Duration.ofSeconds(30));
    ApiImpl api = new ApiImpl();
    String id = client(b, api).remote(Who.class).id();
    Api remote = a.cluster().connection(id).remote(Api.class);
    CompletableFuture<String> call = remote.hang();
    api.hanging.poll(WAIT, TimeUnit.SECONDS);
    bus.outage(true);
    ExecutionException e = assertThrows(ExecutionException.class, () -> call.get(WAIT, TimeUnit.SECONDS));
    assertEquals(ErrorCodes.UNREACHABLE, assertInstanceOf(RpcException.class, e.getCause()).code());
    RpcException now = assertThrows(RpcException.class, () -> remote.twice(1));
    assertEquals(ErrorCodes.UNREACHABLE, now.code());
    assertTrue(now.data().toString().contains("backplane is unavailable"), now.toString());
    RpcException publish = assertThrows(RpcException.class, () -> a.events().publish("tick", new Counted(1)));
    assertEquals(ErrorCodes.UNREACHABLE, publish.code());
    bus.outage(false);
    CompletableFuture<Integer> back = new CompletableFuture<>();
    // the availability change reaches a on its bus thread; a call made after it works
    for (int i = 0; i < 1000 && !back.isDone(); i++) {
      try {
        back.complete(remote.twice(5));
      } catch (RpcException x) {
        assertEquals(ErrorCodes.UNREACHABLE, x.code());
      }
    }
    assertEquals(10, back.get(WAIT, TimeUnit.SECONDS));
  }
}
