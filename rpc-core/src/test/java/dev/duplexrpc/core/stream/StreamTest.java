package dev.duplexrpc.core.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplexrpc.core.ErrorCodes;
import dev.duplexrpc.core.Peer;
import dev.duplexrpc.core.PeerConfig;
import dev.duplexrpc.core.Progress;
import dev.duplexrpc.core.RpcException;
import dev.duplexrpc.core.annotation.RpcMethod;
import dev.duplexrpc.core.transport.InMemoryTransport;
import dev.duplexrpc.testing.CountingPublisher;
import dev.duplexrpc.testing.IntegerSum;
import dev.duplexrpc.testing.RecordingSubscriber;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Streams between two Peers over the in-memory pair (the socket tests are in rpc-server). */
class StreamTest {
  static final long TIMEOUT = 10;

  /** Stream results and arguments. */
  public interface Numbers {
    @RpcMethod
    Flow.Publisher<Integer> count(int n);

    @RpcMethod
    Flow.Publisher<Integer> failAfter(int n);

    @RpcMethod
    CompletableFuture<Long> sum(Flow.Publisher<Integer> numbers);

    @RpcMethod
    int work(int steps, Progress workDoneToken);
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
    public int work(int steps, Progress progress) {
      progress.begin("Working", null, 0);
      for (int i = 1; i <= steps; i++) {
        progress.report("step " + i, i * 100 / steps);
      }
      progress.end("done");
      return steps;
    }

    @Override
    public CompletableFuture<Long> sum(Flow.Publisher<Integer> numbers) {
      return IntegerSum.of(numbers);
    }
  }

  private final NumbersImpl impl = new NumbersImpl();
  private Peer server;
  private Peer client;

  @BeforeEach
  void connect() {
    InMemoryTransport.Pair pair = InMemoryTransport.pair();
    server = Peer.builder().transport(pair.first())
        .config(PeerConfig.builder().service(impl).build()).build();
    client = Peer.builder().transport(pair.second()).build();
  }

  @AfterEach
  void close() {
    client.close();
    server.close();
  }

  @Test
  void streamedResultArrivesInOrderAndCompletes() throws Exception {
    RecordingSubscriber<Integer> s = RecordingSubscriber.all();
    client.remote(Numbers.class).count(1000).subscribe(s);
    s.done().get(TIMEOUT, TimeUnit.SECONDS);
    assertEquals(IntStream.range(0, 1000).boxed().toList(), s.items());
    assertEquals(0, client.openStreams());
  }

  @Test
  void discoveryMarksStreamsAndProgress() throws Exception {
    com.google.gson.JsonObject doc = client.discover().get(TIMEOUT, TimeUnit.SECONDS);
    com.google.gson.JsonObject count = null;
    com.google.gson.JsonObject work = null;
    for (com.google.gson.JsonElement m : doc.getAsJsonArray("methods")) {
      String name = m.getAsJsonObject().get("name").getAsString();
      if (name.equals("count")) {
        count = m.getAsJsonObject();
      } else if (name.equals("work")) {
        work = m.getAsJsonObject();
      }
    }
    assertTrue(count.getAsJsonObject("result").get("x-stream").getAsBoolean());
    assertEquals("integer", count.getAsJsonObject("result").getAsJsonObject("schema").get("type").getAsString());
    com.google.gson.JsonObject token = work.getAsJsonArray("params").get(1).getAsJsonObject();
    assertEquals("workDoneToken", token.get("name").getAsString());
    assertTrue(token.get("x-progress").getAsBoolean());
    assertEquals(false, token.get("required").getAsBoolean());
  }

  @Test
  void dynamicStreamCallsByName() throws Exception {
    RecordingSubscriber<Integer> s = RecordingSubscriber.all();
    client.stream("count", Integer.class, 5).subscribe(s);
    s.done().get(TIMEOUT, TimeUnit.SECONDS);
    assertEquals(List.of(0, 1, 2, 3, 4), s.items());
  }

  @Test
  void dynamicCallWithAPublisherParamFailsClearly() {
    ExecutionException e = assertThrows(ExecutionException.class, () -> client
        .call("sum", Long.class, CountingPublisher.of(3)).get(TIMEOUT, TimeUnit.SECONDS));
    IllegalArgumentException iae = assertInstanceOf(IllegalArgumentException.class, e.getCause());
    assertTrue(iae.getMessage().contains("only through a typed proxy"), iae.getMessage());
  }

  @Test
  void streamCallToAMethodThatDoesNotStreamFailsWithMinus32006() throws Exception {
    RecordingSubscriber<Integer> s = RecordingSubscriber.all();
    client.stream("work", Integer.class, 1).subscribe(s);
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> s.done().get(TIMEOUT, TimeUnit.SECONDS));
    assertEquals(ErrorCodes.INVALID_RESPONSE, assertInstanceOf(RpcException.class, e.getCause()).code());
  }

  @Test
  void errorMidStreamReachesTheSubscriberAsTheHandlersException() throws Exception {
    RecordingSubscriber<Integer> s = RecordingSubscriber.all();
    client.remote(Numbers.class).failAfter(5).subscribe(s);
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> s.done().get(TIMEOUT, TimeUnit.SECONDS));
    RpcException rpc = assertInstanceOf(RpcException.class, e.getCause());
    assertEquals(-32050, rpc.code());
    assertEquals("Ran dry", rpc.errorMessage());
    assertEquals(List.of(0, 1, 2, 3, 4), s.items());
  }

  @Test
  void streamArgumentIsConsumedByTheHandler() throws Exception {
    long total = client.remote(Numbers.class).sum(CountingPublisher.of(10_000)).get(TIMEOUT, TimeUnit.SECONDS);
    assertEquals(10_000L * 9_999 / 2, total);
  }

  @Test
  void progressReachesTheCallersListenerInOrder() throws Exception {
    List<Progress.Update> updates = new java.util.concurrent.CopyOnWriteArrayList<>();
    CountDownLatch ended = new CountDownLatch(1);
    Progress progress = Progress.of(u -> {
      updates.add(u);
      if (u.kind().equals("end")) {
        ended.countDown();
      }
    });
    assertEquals(4, client.remote(Numbers.class).work(4, progress));
    assertTrue(ended.await(TIMEOUT, TimeUnit.SECONDS));
    assertEquals(List.of(new Progress.Update("begin", "Working", null, 0),
        new Progress.Update("report", null, "step 1", 25),
        new Progress.Update("report", null, "step 2", 50),
        new Progress.Update("report", null, "step 3", 75),
        new Progress.Update("report", null, "step 4", 100),
        new Progress.Update("end", null, "done", null)), updates);
  }

  @Test
  void noProgressWhenTheCallerPassesNone() {
    assertEquals(3, client.remote(Numbers.class).work(3, null));
  }

  @Test
  void cancelStopsTheHandlersPublisher() throws Exception {
    CountDownLatch three = new CountDownLatch(3);
    RecordingSubscriber<Integer> s = new RecordingSubscriber<>(0, 10, i -> three.countDown());
    client.remote(Numbers.class).count(Integer.MAX_VALUE).subscribe(s);
    s.request(3);
    assertTrue(three.await(TIMEOUT, TimeUnit.SECONDS));
    s.cancel();
    impl.last.get().cancelled().get(TIMEOUT, TimeUnit.SECONDS);
    assertEquals(List.of(0, 1, 2), s.items());
  }

  @Test
  void closeEndsTheStreamWithTheClosedConnectionError() throws Exception {
    RecordingSubscriber<Integer> s = new RecordingSubscriber<>(0, 10, null);
    client.remote(Numbers.class).count(Integer.MAX_VALUE).subscribe(s);
    s.request(1);
    server.close(4000, "bye");
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> s.done().get(TIMEOUT, TimeUnit.SECONDS));
    assertEquals(ErrorCodes.CONNECTION_CLOSED, assertInstanceOf(RpcException.class, e.getCause()).code());
  }
}
