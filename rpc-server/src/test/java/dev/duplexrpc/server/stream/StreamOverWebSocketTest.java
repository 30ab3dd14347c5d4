package dev.duplexrpc.server.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplexrpc.client.ClientConnection;
import dev.duplexrpc.client.RpcClient;
import dev.duplexrpc.core.ConnectionClosedException;
import dev.duplexrpc.core.ErrorCodes;
import dev.duplexrpc.core.RpcException;
import dev.duplexrpc.core.StreamSettings;
import dev.duplexrpc.core.annotation.RpcMethod;
import dev.duplexrpc.server.RpcServer;
import dev.duplexrpc.server.ServerConnection;
import dev.duplexrpc.server.testing.Sync;
import dev.duplexrpc.testing.CountingPublisher;
import dev.duplexrpc.testing.Heap;
import dev.duplexrpc.testing.RecordingSubscriber;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Streams over real sockets, the library's client against its server: a million items to a slow
 * consumer with the producer bounded by the credit window, cancellation and errors in the middle
 * of a stream, the connection closing in the middle, a hundred streams at once with calls answered
 * between them, and streams in both directions at once.
 */
class StreamOverWebSocketTest {
  static final long TIMEOUT = 120;
  static final int WINDOW = StreamSettings.DEFAULT_WINDOW;

  /** Served by both ends. */
  public interface Numbers {
    @RpcMethod
    Flow.Publisher<Integer> count(int n);

    @RpcMethod
    Flow.Publisher<Integer> failAfter(int n);

    @RpcMethod
    Flow.Publisher<String> text(int chars);

    @RpcMethod
    CompletableFuture<Long> sum(Flow.Publisher<Integer> numbers);

    /** Takes {@code n} items of the stream, then cancels it. */
    @RpcMethod
    CompletableFuture<Long> sumFirst(int n, Flow.Publisher<Integer> numbers);

    @RpcMethod
    String echo(String s);
  }

  static final class NumbersImpl implements Numbers {
    final AtomicReference<CountingPublisher> last = new AtomicReference<>();

    @Override
    public Flow.Publisher<Integer> count(int n) {
      CountingPublisher p = CountingPublisher.of(n);
      last.set(p);
      return p;
    }

    @Override
    public Flow.Publisher<Integer> failAfter(int n) {
      return CountingPublisher.failingAfter(n, () -> new RpcException(-32050, "Ran dry"));
    }

    @Override
    public Flow.Publisher<String> text(int chars) {
      return s -> s.onSubscribe(new Flow.Subscription() {
        boolean sent;

        @Override
        public void request(long n) {
          if (!sent) {
            sent = true;
            s.onNext("x".repeat(chars));
            s.onComplete();
          }
        }

        @Override
        public void cancel() {}
      });
    }

    @Override
    public CompletableFuture<Long> sum(Flow.Publisher<Integer> numbers) {
      return sumFirst(Integer.MAX_VALUE, numbers);
    }

    @Override
    public CompletableFuture<Long> sumFirst(int n, Flow.Publisher<Integer> numbers) {
      CompletableFuture<Long> total = new CompletableFuture<>();
      numbers.subscribe(new Flow.Subscriber<Integer>() {
        Flow.Subscription s;
        long sum;
        int seen;

        @Override
        public void onSubscribe(Flow.Subscription s) {
          this.s = s;
          s.request(16);
        }

        @Override
        public void onNext(Integer item) {
          sum += item;
          if (++seen == n) {
            s.cancel();
            total.complete(sum);
          } else if (seen % 16 == 0) {
            s.request(16);
          }
        }

        @Override
        public void onError(Throwable t) {
          total.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
          total.complete(sum);
        }
      });
      return total;
    }

    @Override
    public String echo(String s) {
      return s;
    }
  }

  private final NumbersImpl onServer = new NumbersImpl();
  private final NumbersImpl onClient = new NumbersImpl();
  private RpcServer server;
  private ClientConnection connection;
  private Numbers toServer;

  @BeforeEach
  void connect() throws Exception {
    server = RpcServer.builder().service(onServer)
        .streams(StreamSettings.builder().maxStreams(120).maxItemSize(1000).build())
        .build().start();
    connection = RpcClient.builder().uri(server.uri()).service(onClient).build().connect();
    Sync.registered(connection);
    toServer = connection.remote(Numbers.class);
  }

  @AfterEach
  void close() {
    connection.close();
    server.close();
  }

  private ServerConnection serverSide() {
    return server.connections().iterator().next();
  }

  @Test
  void millionItemsToASlowConsumerKeepTheProducerWithinTheWindow() throws Exception {
    int items = 1_000_000;
    Runtime rt = Runtime.getRuntime();
    long before = Heap.usedAfterGc();
    AtomicLong maxAhead = new AtomicLong();
    AtomicLong maxHeap = new AtomicLong();
    AtomicLong midStream = new AtomicLong();
    AtomicLong expected = new AtomicLong();
    AtomicLong outOfOrder = new AtomicLong();
    RecordingSubscriber<Integer> slow = new RecordingSubscriber<>(1, 0, i -> {
      long n = expected.getAndIncrement();
      if (i != n) {
        outOfOrder.incrementAndGet();
      }
      long ahead = onServer.last.get().emitted() - (n + 1); // emitted but not yet taken
      maxAhead.accumulateAndGet(ahead, Math::max);
      if (n % 1000 == 0) {
        LockSupport.parkNanos(1_000_000); // the slow reader: 1 ms per thousand items
      }
      if (n % 50_000 == 0) {
        maxHeap.accumulateAndGet(rt.totalMemory() - rt.freeMemory(), Math::max);
      }
      if (n == items / 2) { // what both ends hold while the stream runs, garbage collected
        midStream.set(Heap.usedAfterGc());
      }
    });
    long start = System.nanoTime();
    toServer.count(items).subscribe(slow);
    slow.done().get(TIMEOUT, TimeUnit.SECONDS);
    double seconds = (System.nanoTime() - start) / 1e9;
    long after = Heap.usedAfterGc();
    assertEquals(items, slow.count());
    assertEquals(0, outOfOrder.get());
    // The producer never ran ahead of the consumer by more than the window.
    assertTrue(maxAhead.get() <= WINDOW, "ahead by " + maxAhead.get());
    assertTrue(onServer.last.get().maxOutstanding() <= WINDOW,
        "asked ahead " + onServer.last.get().maxOutstanding());
    System.out.printf("stream of %,d items to a slow consumer: %.1f s, producer ahead at most %d"
            + " items (window %d), publisher demand at most %d; heap used after GC (both ends, one"
            + " JVM) %s before, %s half way, %s after; sampled peak without GC %s%n", items, seconds,
        maxAhead.get(), WINDOW, onServer.last.get().maxOutstanding(), Heap.mib(before),
        Heap.mib(midStream.get()), Heap.mib(after), Heap.mib(maxHeap.get()));
    assertEquals(0, connection.peer().openStreams());
  }

  @Test
  void cancelByTheCallerStopsTheHandlersPublisher() throws Exception {
    CountDownLatch three = new CountDownLatch(3);
    RecordingSubscriber<Integer> s = new RecordingSubscriber<>(0, 10, i -> three.countDown());
    toServer.count(Integer.MAX_VALUE).subscribe(s);
    s.request(3);
    assertTrue(three.await(TIMEOUT, TimeUnit.SECONDS));
    s.cancel();
    onServer.last.get().cancelled().get(TIMEOUT, TimeUnit.SECONDS);
    assertEquals(List.of(0, 1, 2), s.items());
    assertEquals("after", toServer.echo("after")); // the connection goes on
  }

  @Test
  void cancelByTheServerStopsAStreamTheClientServes() throws Exception {
    CountDownLatch three = new CountDownLatch(3);
    RecordingSubscriber<Integer> s = new RecordingSubscriber<>(0, 10, i -> three.countDown());
    serverSide().remote(Numbers.class).count(Integer.MAX_VALUE).subscribe(s);
    s.request(3);
    assertTrue(three.await(TIMEOUT, TimeUnit.SECONDS));
    s.cancel();
    onClient.last.get().cancelled().get(TIMEOUT, TimeUnit.SECONDS);
    assertEquals(List.of(0, 1, 2), s.items());
  }

  @Test
  void cancelByTheHandlerStopsTheCallersPublisher() throws Exception {
    CountingPublisher numbers = CountingPublisher.of(Integer.MAX_VALUE);
    assertEquals(0 + 1 + 2 + 3 + 4, toServer.sumFirst(5, numbers).get(TIMEOUT, TimeUnit.SECONDS));
    numbers.cancelled().get(TIMEOUT, TimeUnit.SECONDS);
  }

  @Test
  void errorMidStreamReachesTheSubscriberAsTheHandlersException() throws Exception {
    RecordingSubscriber<Integer> s = RecordingSubscriber.all();
    toServer.failAfter(1000).subscribe(s);
    ExecutionException e =
        assertThrows(ExecutionException.class, () -> s.done().get(TIMEOUT, TimeUnit.SECONDS));
    RpcException rpc = assertInstanceOf(RpcException.class, e.getCause());
    assertEquals(-32050, rpc.code());
    assertEquals("Ran dry", rpc.errorMessage());
    assertEquals(1000, s.count());
  }

  @Test
  void errorInAStreamArgumentReachesTheHandler() throws Exception {
    CountingPublisher failing =
        CountingPublisher.failingAfter(10, () -> new RpcException(-32051, "Caller gave up"));
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> toServer.sum(failing).get(TIMEOUT, TimeUnit.SECONDS));
    assertEquals(-32051, assertInstanceOf(RpcException.class, e.getCause()).code());
  }

  @Test
  void closeMidStreamEndsItWithTheClosedConnectionError() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    RecordingSubscriber<Integer> s = new RecordingSubscriber<>(1, 0, i -> started.countDown());
    toServer.count(Integer.MAX_VALUE).subscribe(s);
    assertTrue(started.await(TIMEOUT, TimeUnit.SECONDS));
    serverSide().close(4000, "going away");
    ExecutionException e =
        assertThrows(ExecutionException.class, () -> s.done().get(TIMEOUT, TimeUnit.SECONDS));
    ConnectionClosedException closed = assertInstanceOf(ConnectionClosedException.class, e.getCause());
    assertEquals(4000, closed.closeCode());
    onServer.last.get().cancelled().get(TIMEOUT, TimeUnit.SECONDS);
  }

  @Test
  void hundredStreamsAtOnceWithCallsAnsweredBetweenThem() throws Exception {
    int streams = 100;
    int items = 5_000;
    List<RecordingSubscriber<Integer>> subscribers = new ArrayList<>();
    for (int i = 0; i < streams; i++) {
      RecordingSubscriber<Integer> s = new RecordingSubscriber<>(32, 0, null);
      subscribers.add(s);
      toServer.count(items).subscribe(s);
    }
    for (int i = 0; i < 200; i++) { // calls go through while the streams run
      assertEquals("call " + i, toServer.echo("call " + i));
    }
    for (RecordingSubscriber<Integer> s : subscribers) {
      s.done().get(TIMEOUT, TimeUnit.SECONDS);
      assertEquals(items, s.count());
    }
    assertEquals(0, connection.peer().openStreams());
  }

  @Test
  void streamsInBothDirectionsAtOnce() throws Exception {
    Numbers toClient = serverSide().remote(Numbers.class);
    RecordingSubscriber<Integer> down = new RecordingSubscriber<>(64, 0, null);
    toClient.count(50_000).subscribe(down); // the server consumes a stream the client serves
    CompletableFuture<Long> up = toServer.sum(CountingPublisher.of(50_000)); // client to server
    RecordingSubscriber<Integer> fromServer = new RecordingSubscriber<>(64, 0, null);
    toServer.count(50_000).subscribe(fromServer); // and server to client
    assertEquals(50_000L * 49_999 / 2, up.get(TIMEOUT, TimeUnit.SECONDS));
    down.done().get(TIMEOUT, TimeUnit.SECONDS);
    fromServer.done().get(TIMEOUT, TimeUnit.SECONDS);
    assertEquals(50_000, down.count());
    assertEquals(50_000, fromServer.count());
  }

  @Test
  void streamsPastTheLimitAreRefusedWithMinus32003() throws Exception {
    // One more endless stream than the server's limit (120), none with demand. The calls go out
    // in order, but the server runs their handlers concurrently, so which stream is refused is not
    // fixed: exactly one is, with -32003, and the others stay open.
    List<RecordingSubscriber<Integer>> all = new ArrayList<>();
    for (int i = 0; i < 121; i++) {
      RecordingSubscriber<Integer> s = new RecordingSubscriber<>(0, 0, null);
      all.add(s);
      toServer.count(Integer.MAX_VALUE).subscribe(s);
    }
    CompletableFuture<Object> first =
        CompletableFuture.anyOf(all.stream().map(RecordingSubscriber::done).toArray(CompletableFuture[]::new));
    ExecutionException e =
        assertThrows(ExecutionException.class, () -> first.get(TIMEOUT, TimeUnit.SECONDS));
    assertEquals(ErrorCodes.LIMIT_EXCEEDED, assertInstanceOf(RpcException.class, e.getCause()).code());
    assertEquals("sync", toServer.echo("sync")); // every stream call answered by now
    assertEquals(1, all.stream().filter(s -> s.done().isDone()).count(), "exactly one refused");
    all.forEach(RecordingSubscriber::cancel);
  }

  @Test
  void itemOverTheSizeLimitEndsTheStreamWithMinus32003() throws Exception {
    RecordingSubscriber<String> s = RecordingSubscriber.all();
    toServer.text(5000).subscribe(s);
    ExecutionException e =
        assertThrows(ExecutionException.class, () -> s.done().get(TIMEOUT, TimeUnit.SECONDS));
    assertEquals(ErrorCodes.LIMIT_EXCEEDED, assertInstanceOf(RpcException.class, e.getCause()).code());
  }
}
