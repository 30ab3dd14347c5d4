package dev.duplexrpc.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.FieldNamingPolicy;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.reflect.TypeToken;
import dev.duplexrpc.core.annotation.RpcMethod;
import dev.duplexrpc.core.annotation.RpcNotification;
import dev.duplexrpc.core.annotation.RpcService;
import dev.duplexrpc.core.internal.Defaults;
import dev.duplexrpc.core.transport.InMemoryTransport;
import dev.duplexrpc.core.transport.Transport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Two Peers over the in-memory pair, each serving and calling the other. */
class PeerToPeerTest {

  /** The interface both ends implement and call. */
  @RpcService(prefix = "chain.")
  public interface Chain {
    /** Calls the other end with {@code depth - 1} until 0, collecting the thread names. */
    @RpcMethod
    List<String> descend(int depth, CallContext call);

    @RpcMethod
    String name();

    /** Asks the caller for its name through {@link CallContext#current()}. */
    @RpcMethod
    String callerName();
  }

  /** A service for the rest of the tests. */
  public interface Shop {
    @RpcMethod
    Item find(String sku);

    @RpcMethod
    Map<String, List<Item>> group(List<Item> items);

    @RpcMethod
    CompletableFuture<Integer> later(int value);

    @RpcMethod
    CompletionStage<String> stage(String value);

    @RpcMethod
    int block(String key);

    @RpcMethod(timeoutMillis = 150)
    int blockBriefly(String key);

    @RpcMethod
    void touch();

    @RpcNotification
    void record(int n);

    @RpcNotification
    void hold(String key);
  }

  public enum Color {
    RED,
    GREEN
  }

  public record Item(String sku, int priceCents, Color color, List<String> tags) {}

  private final List<AutoCloseable> closeables = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : closeables) {
      c.close();
    }
  }

  private static final class ChainImpl implements Chain {
    private final String name;

    ChainImpl(String name) {
      this.name = name;
    }

    @Override
    public List<String> descend(int depth, CallContext call) {
      List<String> path = new ArrayList<>();
      path.add(name);
      if (depth > 0) {
        path.addAll(call.peer().remote(Chain.class).descend(depth - 1, null));
      }
      return path;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public String callerName() {
      return CallContext.current().peer().remote(Chain.class).name();
    }
  }

  private Peer[] connect(Peer.Builder a, Peer.Builder b) {
    InMemoryTransport.Pair pair = InMemoryTransport.pair();
    Peer pa = a.transport(pair.first()).build();
    Peer pb = b.transport(pair.second()).build();
    closeables.add(pa);
    closeables.add(pb);
    return new Peer[] {pa, pb};
  }

  @Test
  void peersCallEachOtherThroughProxiesOfTheSameInterface() {
    Peer[] p =
        connect(
            Peer.builder().service(new ChainImpl("A")),
            Peer.builder().service(new ChainImpl("B")));
    assertEquals("B", p[0].remote(Chain.class).name());
    assertEquals("A", p[1].remote(Chain.class).name());
    assertSame(p[0].remote(Chain.class), p[0].remote(Chain.class));
  }

  @Test
  void callContextCurrentIsTheConnectionToTheCaller() {
    Peer[] p =
        connect(
            Peer.builder().service(new ChainImpl("A")),
            Peer.builder().service(new ChainImpl("B")));
    assertEquals("B", p[1].remote(Chain.class).callerName());
    assertEquals("A", p[0].remote(Chain.class).callerName());
    assertThrows(IllegalStateException.class, CallContext::current);
  }

  @Test
  void blockingCallbackChainFourLevelsDeepWithDefaultExecutor() {
    assertEquals(Runtime.version().feature() >= 21, Defaults.defaultExecutorIsVirtual());
    Peer[] p =
        connect(
            Peer.builder().service(new ChainImpl("A")),
            Peer.builder().service(new ChainImpl("B")));
    // The test thread asks A (through B's proxy) to descend: A -> B -> A -> B.
    List<String> path = p[1].remote(Chain.class).descend(3, null);
    assertEquals(List.of("A", "B", "A", "B"), path);
  }

  @Test
  void blockingCallbackChainFourLevelsDeepWithBoundedPoolOfTwoThreads() throws Exception {
    ExecutorService poolA = Executors.newFixedThreadPool(2);
    ExecutorService poolB = Executors.newFixedThreadPool(2);
    closeables.add(poolA::shutdownNow);
    closeables.add(poolB::shutdownNow);
    Peer[] p =
        connect(
            Peer.builder().service(new ChainImpl("A")).config(PeerConfig.builder().executor(poolA).build()),
            Peer.builder().service(new ChainImpl("B")).config(PeerConfig.builder().executor(poolB).build()));
    CompletableFuture<List<String>> path =
        CompletableFuture.supplyAsync(() -> p[1].remote(Chain.class).descend(3, null));
    assertEquals(List.of("A", "B", "A", "B"), path.get(10, TimeUnit.SECONDS));
  }

  @Test
  void callbackChainDeeperThanTheFallbackPoolDoesNotDeadlock() throws Exception {
    // The shared fallback pool adds threads while handlers block on calls.
    var poolA = Defaults.boundedPool(2);
    var poolB = Defaults.boundedPool(2);
    closeables.add(poolA::shutdownNow);
    closeables.add(poolB::shutdownNow);
    Peer[] p =
        connect(
            Peer.builder().service(new ChainImpl("A")).config(PeerConfig.builder().executor(poolA).build()),
            Peer.builder().service(new ChainImpl("B")).config(PeerConfig.builder().executor(poolB).build()));
    CompletableFuture<List<String>> path =
        CompletableFuture.supplyAsync(() -> p[1].remote(Chain.class).descend(11, null));
    assertEquals(12, path.get(10, TimeUnit.SECONDS).size());
  }

  /** A Shop whose {@code block} calls wait on latches the test controls. */
  private static final class ShopImpl implements Shop {
    final Map<String, CountDownLatch> gates = new java.util.concurrent.ConcurrentHashMap<>();
    final BlockingQueue<String> started = new LinkedBlockingQueue<>();
    final List<Integer> recorded = Collections.synchronizedList(new ArrayList<>());
    final CountDownLatch recordedAll;
    final BlockingQueue<String> touchedBy = new LinkedBlockingQueue<>();

    ShopImpl(int expectedRecords) {
      recordedAll = new CountDownLatch(expectedRecords);
    }

    CountDownLatch gate(String key) {
      return gates.computeIfAbsent(key, k -> new CountDownLatch(1));
    }

    @Override
    public Item find(String sku) {
      return new Item(sku, 1250, Color.GREEN, List.of("new", "sale"));
    }

    @Override
    public Map<String, List<Item>> group(List<Item> items) {
      Map<String, List<Item>> out = new java.util.TreeMap<>();
      for (Item i : items) {
        out.computeIfAbsent(i.color().name(), k -> new ArrayList<>()).add(i);
      }
      return out;
    }

    @Override
    public CompletableFuture<Integer> later(int value) {
      return CompletableFuture.supplyAsync(() -> value * 2);
    }

    @Override
    public CompletionStage<String> stage(String value) {
      return CompletableFuture.completedFuture(value.toUpperCase());
    }

    @Override
    public int block(String key) {
      started.add(key);
      try {
        gate(key).await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return key.length();
    }

    @Override
    public int blockBriefly(String key) {
      return block(key);
    }

    @Override
    public void touch() {
      touchedBy.add(Thread.currentThread().getName());
    }

    @Override
    public void hold(String key) {
      block(key);
    }

    @Override
    public void record(int n) {
      recorded.add(n);
      recordedAll.countDown();
    }
  }

  @Test
  void genericTypesRecordsAndEnumsRoundTrip() {
    Peer[] p = connect(Peer.builder().service(new ShopImpl(0)), Peer.builder());
    Shop shop = p[1].remote(Shop.class);
    Item item = shop.find("X-1");
    assertEquals(new Item("X-1", 1250, Color.GREEN, List.of("new", "sale")), item);
    Item red = new Item("R", 1, Color.RED, List.of());
    Map<String, List<Item>> grouped = shop.group(List.of(item, red, item));
    assertEquals(Map.of("GREEN", List.of(item, item), "RED", List.of(red)), grouped);
  }

  @Test
  void asyncHandlersAndAsyncProxiesComplete() throws Exception {
    Peer[] p = connect(Peer.builder().service(new ShopImpl(0)), Peer.builder());
    Shop shop = p[1].remote(Shop.class);
    assertEquals(42, shop.later(21).get(5, TimeUnit.SECONDS));
    assertEquals("ABC", shop.stage("abc").toCompletableFuture().get(5, TimeUnit.SECONDS));
  }

  @Test
  void asyncProxyFutureCompletesOffTheTransportThread() throws Exception {
    Peer[] p = connect(Peer.builder().service(new ShopImpl(0)), Peer.builder());
    String thread =
        p[1].remote(Shop.class).later(1).thenApply(v -> Thread.currentThread().getName())
            .get(5, TimeUnit.SECONDS);
    assertFalse(thread.startsWith("duplex-inmemory"), thread);
  }

  @Test
  void handlersNeverRunOnTheTransportThread() throws Exception {
    ShopImpl impl = new ShopImpl(0);
    Peer[] p = connect(Peer.builder().service(impl), Peer.builder());
    p[1].remote(Shop.class).touch();
    String thread = impl.touchedBy.poll(5, TimeUnit.SECONDS);
    assertNotNull(thread);
    assertFalse(thread.startsWith("duplex-inmemory"), thread);
  }

  @Test
  void slowHandlerDoesNotDelayOtherCallsOnTheConnection() throws Exception {
    ShopImpl impl = new ShopImpl(0);
    Peer[] p = connect(Peer.builder().service(impl), Peer.builder());
    Shop shop = p[1].remote(Shop.class);
    CompletableFuture<Integer> slow = CompletableFuture.supplyAsync(() -> shop.block("slow"));
    assertEquals("slow", impl.started.poll(5, TimeUnit.SECONDS));
    assertEquals("fast", shop.find("fast").sku());
    assertFalse(slow.isDone());
    impl.gate("slow").countDown();
    assertEquals(4, slow.get(5, TimeUnit.SECONDS));
  }

  @Test
  void notificationsRunInArrivalOrder() throws Exception {
    int n = 2000;
    ShopImpl impl = new ShopImpl(n);
    Peer[] p = connect(Peer.builder().service(impl), Peer.builder());
    Shop shop = p[1].remote(Shop.class);
    for (int i = 0; i < n; i++) {
      shop.record(i);
    }
    assertTrue(impl.recordedAll.await(10, TimeUnit.SECONDS));
    List<Integer> expected = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      expected.add(i);
    }
    assertEquals(expected, impl.recorded);
  }

  @Test
  void notificationBacklogOverTheLimitClosesTheConnectionWith1008() throws Exception {
    ShopImpl impl = new ShopImpl(0);
    Peer[] p = connect(Peer.builder().service(impl).config(PeerConfig.builder().maxQueuedNotifications(2).build()), Peer.builder());
    Shop shop = p[1].remote(Shop.class);
    shop.hold("n");
    assertEquals("n", impl.started.poll(5, TimeUnit.SECONDS)); // running: 1 of 2
    shop.hold("n"); // queued: 2 of 2
    shop.hold("n"); // over the limit
    ConnectionClosedException closed = p[1].closeFuture().get(5, TimeUnit.SECONDS);
    assertEquals(1008, closed.closeCode());
    assertTrue(closed.closeReason().contains("backlog"), closed.closeReason());
    impl.gate("n").countDown();
  }

  @Test
  void closeFailsPendingCallsAtOnce() throws Exception {
    ShopImpl impl = new ShopImpl(0);
    Peer[] p = connect(Peer.builder().service(impl), Peer.builder());
    CompletableFuture<Integer> pending = p[1].call("block", Integer.class, "k");
    assertEquals("k", impl.started.poll(5, TimeUnit.SECONDS));
    assertEquals(1, p[1].pendingCalls());
    p[1].close();
    ExecutionException e =
        assertThrows(ExecutionException.class, () -> pending.get(5, TimeUnit.SECONDS));
    ConnectionClosedException closed = assertInstanceOf(ConnectionClosedException.class, e.getCause());
    assertEquals(1000, closed.closeCode());
    assertEquals(ErrorCodes.CONNECTION_CLOSED, closed.code());
    assertEquals(0, p[1].pendingCalls());
    impl.gate("k").countDown();
  }

  @Test
  void closeByTheOtherEndFailsPendingBlockingCallsAtOnce() throws Exception {
    ShopImpl impl = new ShopImpl(0);
    Peer[] p = connect(Peer.builder().service(impl), Peer.builder());
    CompletableFuture<Integer> blocked =
        CompletableFuture.supplyAsync(() -> p[1].remote(Shop.class).block("k"));
    assertEquals("k", impl.started.poll(5, TimeUnit.SECONDS));
    p[0].close(1001, "going away");
    ExecutionException e =
        assertThrows(ExecutionException.class, () -> blocked.get(5, TimeUnit.SECONDS));
    ConnectionClosedException closed = assertInstanceOf(ConnectionClosedException.class, e.getCause());
    assertEquals(1001, closed.closeCode());
    assertEquals("going away", closed.closeReason());
    assertEquals(closed.closeCode(), p[1].closeFuture().get(5, TimeUnit.SECONDS).closeCode());
    impl.gate("k").countDown();
  }

  @Test
  void callsAfterCloseFailAtOnce() {
    Peer[] p = connect(Peer.builder().service(new ShopImpl(0)), Peer.builder());
    p[1].close();
    assertFalse(p[1].isOpen());
    assertThrows(ConnectionClosedException.class, () -> p[1].remote(Shop.class).find("x"));
    assertThrows(ConnectionClosedException.class, () -> p[1].remote(Shop.class).record(1));
    CompletableFuture<Item> f = p[1].call("find", Item.class, "x");
    assertTrue(f.isCompletedExceptionally());
  }

  @Test
  void listenerHearsTheCloseOnce() throws Exception {
    BlockingQueue<String> closes = new LinkedBlockingQueue<>();
    PeerListener listener =
        new PeerListener() {
          @Override
          public void onClose(Peer peer, int code, String reason) {
            closes.add(code + " " + reason);
          }
        };
    // An inline executor runs the listener before close() returns, so a second call would show.
    Peer[] p =
        connect(
            Peer.builder().service(new ShopImpl(0)),
            Peer.builder().listener(listener).config(PeerConfig.builder().executor(Runnable::run).build()));
    p[0].close(4000, "bye");
    assertEquals("4000 bye", closes.poll(5, TimeUnit.SECONDS));
    p[1].close();
    p[1].close(1011, "again");
    assertEquals(List.of(), new ArrayList<>(closes));
  }

  @Test
  void callTimesOutWithRpcTimeoutException() throws Exception {
    ShopImpl impl = new ShopImpl(0);
    Peer[] p =
        connect(Peer.builder().service(impl), Peer.builder().config(PeerConfig.builder().callTimeout(Duration.ofMillis(100)).build()));
    RpcTimeoutException e =
        assertThrows(RpcTimeoutException.class, () -> p[1].remote(Shop.class).block("t"));
    assertEquals("block", e.method());
    assertEquals(ErrorCodes.TIMEOUT, e.code());
    assertEquals(0, p[1].pendingCalls());
    impl.gate("t").countDown();
  }

  @Test
  void perMethodTimeoutAnnotationOverridesThePeerDefault() {
    ShopImpl impl = new ShopImpl(0);
    Peer[] p = connect(Peer.builder().service(impl), Peer.builder());
    RpcTimeoutException e =
        assertThrows(RpcTimeoutException.class, () -> p[1].remote(Shop.class).blockBriefly("a"));
    assertEquals(Duration.ofMillis(150), e.timeout());
    impl.gate("a").countDown();
  }

  @Test
  void perCallTimeoutOverridesThePeerDefault() throws Exception {
    ShopImpl impl = new ShopImpl(0);
    Peer[] p = connect(Peer.builder().service(impl), Peer.builder());
    CompletableFuture<Integer> f = p[1].call(Duration.ofMillis(50), "block", Integer.class, "b");
    ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(5, TimeUnit.SECONDS));
    assertInstanceOf(RpcTimeoutException.class, e.getCause());
    impl.gate("b").countDown();
  }

  @Test
  void subMillisecondTimeoutIsATimeoutNotNone() throws Exception {
    ShopImpl impl = new ShopImpl(0);
    Peer[] p = connect(Peer.builder().service(impl), Peer.builder());
    CompletableFuture<Integer> f = p[1].call(Duration.ofNanos(500), "block", Integer.class, "ns");
    ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(5, TimeUnit.SECONDS));
    assertInstanceOf(RpcTimeoutException.class, e.getCause());
    impl.gate("ns").countDown();
  }

  @Test
  void batchWhoseParamsCannotBeWrittenFailsEveryFuture() {
    Peer[] p = connect(Peer.builder().service(new ShopImpl(0)), Peer.builder());
    Batch batch = p[1].batch();
    CompletableFuture<Item> ok = batch.call("find", Item.class, "a");
    CompletableFuture<Item> bad = batch.call("find", Item.class, Double.NaN);
    assertThrows(IllegalArgumentException.class, batch::send);
    assertTrue(ok.isCompletedExceptionally());
    assertTrue(bad.isCompletedExceptionally());
    assertEquals(0, p[1].pendingCalls());
  }

  @Test
  void resultsAreConvertedOffTheTransportThread() throws Exception {
    Set<String> threads = ConcurrentHashMap.newKeySet();
    Gson recording =
        new GsonBuilder()
            .registerTypeAdapter(
                Item.class,
                new com.google.gson.TypeAdapter<Item>() {
                  final com.google.gson.TypeAdapter<Item> plain = new Gson().getAdapter(Item.class);

                  @Override
                  public void write(com.google.gson.stream.JsonWriter out, Item value)
                      throws java.io.IOException {
                    plain.write(out, value);
                  }

                  @Override
                  public Item read(com.google.gson.stream.JsonReader in) throws java.io.IOException {
                    threads.add(Thread.currentThread().getName());
                    return plain.read(in);
                  }
                })
            .create();
    Peer[] p = connect(Peer.builder().service(new ShopImpl(0)), Peer.builder().config(PeerConfig.builder().gson(recording).build()));
    assertEquals("s", p[1].remote(Shop.class).find("s").sku());
    assertEquals("a", p[1].<Item>call("find", Item.class, "a").get(5, TimeUnit.SECONDS).sku());
    // The blocking call converts on the caller's own thread; the async one on the executor.
    assertTrue(threads.contains(Thread.currentThread().getName()), threads.toString());
    for (String t : threads) {
      assertFalse(t.startsWith("duplex-inmemory"), t);
    }
  }

  @Test
  void cancellingACallRemovesItFromThePendingTable() throws Exception {
    ShopImpl impl = new ShopImpl(0);
    Peer[] p = connect(Peer.builder().service(impl), Peer.builder());
    CompletableFuture<Integer> f = p[1].call("block", Integer.class, "c");
    assertEquals("c", impl.started.poll(5, TimeUnit.SECONDS));
    assertTrue(f.cancel(true));
    assertEquals(0, p[1].pendingCalls());
    impl.gate("c").countDown();
    // The late response is dropped and the connection keeps working.
    assertEquals("y", p[1].remote(Shop.class).find("y").sku());
  }

  @Test
  void batchCompletesEachFutureFromTheBatchResponse() throws Exception {
    ShopImpl impl = new ShopImpl(1);
    Peer[] p = connect(Peer.builder().service(impl), Peer.builder());
    Batch batch = p[1].batch();
    CompletableFuture<Item> a = batch.call("find", Item.class, "a");
    CompletableFuture<Integer> b = batch.call("later", Integer.class, 5);
    batch.notify("record", 9);
    CompletableFuture<JsonElement> missing = batch.call("nope", JsonElement.class);
    assertEquals(4, batch.size());
    batch.send();
    assertEquals("a", a.get(5, TimeUnit.SECONDS).sku());
    assertEquals(10, b.get(5, TimeUnit.SECONDS));
    ExecutionException e = assertThrows(ExecutionException.class, () -> missing.get(5, TimeUnit.SECONDS));
    assertEquals(ErrorCodes.METHOD_NOT_FOUND, assertInstanceOf(RpcException.class, e.getCause()).code());
    assertTrue(impl.recordedAll.await(5, TimeUnit.SECONDS));
    assertEquals(List.of(9), impl.recorded);
    assertThrows(IllegalStateException.class, batch::send);
    assertThrows(IllegalStateException.class, () -> p[1].batch().send());
  }

  @Test
  void namedDynamicCallsBindByName() throws Exception {
    Peer[] p = connect(Peer.builder().service(new ShopImpl(0)), Peer.builder());
    Item item = p[1].<Item>callNamed("find", Item.class, Map.of("sku", "n")).get(5, TimeUnit.SECONDS);
    assertEquals("n", item.sku());
  }

  @Test
  void voidRequestBlocksUntilAnswered() {
    ShopImpl impl = new ShopImpl(0);
    Peer[] p = connect(Peer.builder().service(impl), Peer.builder());
    p[1].remote(Shop.class).touch();
    assertEquals(1, impl.touchedBy.size()); // ran before the proxy returned
  }

  @Test
  void userGsonIsHonouredOnBothEnds() throws Exception {
    Gson gson =
        new GsonBuilder().setFieldNamingPolicy(FieldNamingPolicy.LOWER_CASE_WITH_UNDERSCORES).create();
    Peer[] p =
        connect(Peer.builder().service(new ShopImpl(0)).config(PeerConfig.builder().gson(gson).build()), Peer.builder().config(PeerConfig.builder().gson(gson).build()));
    JsonElement raw = p[1].<JsonElement>call("find", JsonElement.class, "g").get(5, TimeUnit.SECONDS);
    assertTrue(raw.getAsJsonObject().has("price_cents"), raw.toString());
    assertEquals(1250, p[1].remote(Shop.class).find("g").priceCents());
  }

  @Test
  void resultThatDoesNotConvertFailsWithInvalidResponse() {
    Peer[] p = connect(Peer.builder().service(new ShopImpl(0)), Peer.builder());
    CompletableFuture<Integer> f = p[1].call("find", Integer.class, "x");
    ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(5, TimeUnit.SECONDS));
    assertEquals(ErrorCodes.INVALID_RESPONSE, assertInstanceOf(RpcException.class, e.getCause()).code());
  }

  @Test
  void remoteRejectsInterfacesWithUnannotatedMethods() {
    Peer[] p = connect(Peer.builder().service(new ShopImpl(0)), Peer.builder());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> p[1].remote(Runnable.class));
    assertTrue(e.getMessage().contains("for method Runnable.run"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> p[1].remote(ShopImpl.class));
  }

  @Test
  void inMemoryTransportBuffersMessagesUntilStarted() throws Exception {
    InMemoryTransport.Pair pair = InMemoryTransport.pair();
    BlockingQueue<String> got = new LinkedBlockingQueue<>();
    pair.first().send("early");
    pair.second().start(new Transport.Listener() {
      @Override
      public void onMessage(String message) {
        got.add(message);
      }

      @Override
      public void onClose(int code, String reason) {
        got.add("closed " + code);
      }
    });
    assertEquals("early", got.poll(5, TimeUnit.SECONDS));
    pair.first().close(1000, "");
    assertEquals("closed 1000", got.poll(5, TimeUnit.SECONDS));
    assertTrue(pair.second().send("late").toCompletableFuture().isCompletedExceptionally());
    assertThrows(IllegalStateException.class, () -> pair.second().start(new Transport.Listener() {
      @Override
      public void onMessage(String message) {}

      @Override
      public void onClose(int code, String reason) {}
    }));
  }

  static <T> T await(CompletableFuture<T> f) throws InterruptedException, ExecutionException, TimeoutException {
    return f.get(5, TimeUnit.SECONDS);
  }

  @SuppressWarnings("unused")
  private static final TypeToken<List<Item>> ITEMS = new TypeToken<>() {};
}
