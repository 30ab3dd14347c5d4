package dev.duplexrpc.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplexrpc.core.annotation.RpcMethod;
import dev.duplexrpc.core.transport.InMemoryTransport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code rpc.cancel} in both directions, and graceful shutdown. */
class CancellationAndShutdownTest {

  /** A service whose methods wait until the test lets them go, and report how they ended. */
  public interface Slow {
    @RpcMethod
    String waitFor(String key);

    @RpcMethod
    CompletableFuture<String> never(String key);

    @RpcMethod
    boolean interruptedFlag();
  }

  static final class SlowImpl implements Slow {
    final BlockingQueue<String> events = new LinkedBlockingQueue<>();
    final CountDownLatch release = new CountDownLatch(1);

    @Override
    public String waitFor(String key) {
      events.add("started " + key);
      try {
        release.await(30, TimeUnit.SECONDS);
        events.add("finished " + key);
        return key;
      } catch (InterruptedException e) {
        events.add("interrupted " + key);
        return "interrupted";
      }
    }

    @Override
    public CompletableFuture<String> never(String key) {
      CompletableFuture<String> f = new CompletableFuture<>();
      f.whenComplete((v, e) -> events.add((f.isCancelled() ? "cancelled " : "completed ") + key));
      events.add("started " + key);
      return f;
    }

    @Override
    public boolean interruptedFlag() {
      return Thread.currentThread().isInterrupted();
    }

    String next() throws InterruptedException {
      String e = events.poll(5, TimeUnit.SECONDS);
      assertNotNull(e, "no event within 5 s");
      return e;
    }
  }

  private final List<AutoCloseable> closeables = new ArrayList<>();
  private RawEnd raw;

  @AfterEach
  void closeAll() throws Exception {
    if (raw != null) {
      raw.assertExhausted();
      raw.close();
    }
    for (AutoCloseable c : closeables) {
      c.close();
    }
  }

  private Peer[] connect(Peer.Builder server, Peer.Builder client) {
    InMemoryTransport.Pair pair = InMemoryTransport.pair();
    Peer s = server.transport(pair.first()).build();
    Peer c = client.transport(pair.second()).build();
    closeables.add(s);
    closeables.add(c);
    return new Peer[] {s, c};
  }

  @Test
  void cancellingACallInterruptsTheRemoteHandler() throws Exception {
    SlowImpl impl = new SlowImpl();
    Peer[] p = connect(Peer.builder().service(impl), Peer.builder());
    CompletableFuture<String> call = p[1].call("waitFor", String.class, "a");
    assertEquals("started a", impl.next());
    assertTrue(call.cancel(true));
    assertEquals("interrupted a", impl.next());
  }

  @Test
  void cancellingACallCancelsTheFutureTheRemoteHandlerReturned() throws Exception {
    SlowImpl impl = new SlowImpl();
    Peer[] p = connect(Peer.builder().service(impl), Peer.builder());
    CompletableFuture<String> call = p[1].call("never", String.class, "b");
    assertEquals("started b", impl.next());
    call.cancel(false);
    assertEquals("cancelled b", impl.next());
  }

  @Test
  void aTimeoutCancelsTheRemoteHandlerToo() throws Exception {
    SlowImpl impl = new SlowImpl();
    Peer[] p = connect(Peer.builder().service(impl), Peer.builder());
    CompletableFuture<String> call = p[1].call(Duration.ofMillis(50), "waitFor", String.class, "t");
    ExecutionException e = assertThrows(ExecutionException.class, () -> call.get(5, TimeUnit.SECONDS));
    assertInstanceOf(RpcTimeoutException.class, e.getCause());
    assertEquals("started t", impl.next());
    assertEquals("interrupted t", impl.next());
  }

  @Test
  void theCancelledRequestIsAnsweredWithMinus32004() throws Exception {
    SlowImpl impl = new SlowImpl();
    raw = RawEnd.connect(Peer.builder().service(impl));
    raw.send("{\"jsonrpc\":\"2.0\",\"id\":\"abc\",\"method\":\"waitFor\",\"params\":[\"c\"]}");
    assertEquals("started c", impl.next());
    raw.send("{\"jsonrpc\":\"2.0\",\"method\":\"rpc.cancel\",\"params\":{\"id\":\"abc\"}}");
    assertEquals(
        "{\"jsonrpc\":\"2.0\",\"id\":\"abc\",\"error\":{\"code\":-32004,\"message\":\"Request cancelled\"}}",
        raw.nextFrame());
    assertEquals("interrupted c", impl.next());
  }

  @Test
  void lspCancelRequestAndPositionalIdsAreAcceptedToo() throws Exception {
    SlowImpl impl = new SlowImpl();
    raw = RawEnd.connect(Peer.builder().service(impl));
    raw.send("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"waitFor\",\"params\":[\"d\"]}");
    raw.send("{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"waitFor\",\"params\":[\"e\"]}");
    assertTrue(impl.next().startsWith("started"));
    assertTrue(impl.next().startsWith("started"));
    raw.send("{\"jsonrpc\":\"2.0\",\"method\":\"$/cancelRequest\",\"params\":{\"id\":7}}");
    assertEquals(
        "{\"jsonrpc\":\"2.0\",\"id\":7,\"error\":{\"code\":-32004,\"message\":\"Request cancelled\"}}",
        raw.nextFrame());
    raw.send("{\"jsonrpc\":\"2.0\",\"method\":\"rpc.cancel\",\"params\":[8]}");
    assertEquals(
        "{\"jsonrpc\":\"2.0\",\"id\":8,\"error\":{\"code\":-32004,\"message\":\"Request cancelled\"}}",
        raw.nextFrame());
    assertTrue(impl.next().startsWith("interrupted"));
    assertTrue(impl.next().startsWith("interrupted"));
  }

  @Test
  void cancelForAnUnknownIdIsIgnored() {
    raw = RawEnd.connect(Peer.builder().service(new SlowImpl()));
    raw.send("{\"jsonrpc\":\"2.0\",\"method\":\"rpc.cancel\",\"params\":{\"id\":99}}");
    raw.send("{\"jsonrpc\":\"2.0\",\"method\":\"rpc.cancel\",\"params\":{\"nope\":1}}");
    raw.send("{\"jsonrpc\":\"2.0\",\"method\":\"rpc.cancel\"}");
    raw.assertNothingSent();
  }

  @Test
  void aCancelledCallSendsRpcCancelWithItsId() throws Exception {
    raw = RawEnd.connect(Peer.builder());
    CompletableFuture<String> call = raw.peer().call("remote.slow", String.class);
    assertEquals("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"remote.slow\"}", raw.nextFrame());
    call.cancel(true);
    assertEquals("{\"jsonrpc\":\"2.0\",\"method\":\"rpc.cancel\",\"params\":{\"id\":1}}", raw.nextFrame());
    call.cancel(true); // once only
    raw.send("{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32004,\"message\":\"Request cancelled\"}}");
    raw.assertNothingSent();
  }

  @Test
  void withSendCancelOffACancelStaysLocal() throws Exception {
    raw = RawEnd.connect(Peer.builder().config(PeerConfig.builder().sendCancel(false).build()));
    CompletableFuture<String> call = raw.peer().call("remote.slow", String.class);
    assertEquals("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"remote.slow\"}", raw.nextFrame());
    call.cancel(true);
    assertEquals(0, raw.peer().pendingCalls());
    // The next frame is the next call, not an rpc.cancel.
    raw.peer().call("remote.next", String.class);
    assertEquals("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"remote.next\"}", raw.nextFrame());
  }

  @Test
  void theInterruptDoesNotLeakIntoTheNextRequestOnTheSameThread() throws Exception {
    ExecutorService one = Executors.newSingleThreadExecutor();
    closeables.add(one::shutdownNow);
    SlowImpl impl = new SlowImpl();
    Peer[] p = connect(Peer.builder().service(impl).config(PeerConfig.builder().executor(one).build()), Peer.builder());
    CompletableFuture<String> call = p[1].call("waitFor", String.class, "x");
    assertEquals("started x", impl.next());
    call.cancel(true);
    assertEquals("interrupted x", impl.next());
    assertFalse(p[1].remote(Slow.class).interruptedFlag());
  }

  @Test
  void shutdownRefusesNewRequestsLetsRunningOnesFinishThenCloses1001() throws Exception {
    SlowImpl impl = new SlowImpl();
    Peer[] p = connect(Peer.builder().service(impl), Peer.builder());
    CompletableFuture<String> running = p[1].call("waitFor", String.class, "r");
    assertEquals("started r", impl.next());
    CompletableFuture<Void> down = p[0].shutdown(Duration.ofSeconds(30));
    CompletableFuture<String> refused = p[1].call("waitFor", String.class, "late");
    ExecutionException e = assertThrows(ExecutionException.class, () -> refused.get(5, TimeUnit.SECONDS));
    assertEquals(ErrorCodes.SHUTTING_DOWN, assertInstanceOf(RpcException.class, e.getCause()).code());
    assertFalse(down.isDone());
    impl.release.countDown();
    assertEquals("r", running.get(5, TimeUnit.SECONDS));
    down.get(5, TimeUnit.SECONDS);
    assertEquals(1001, p[1].closeFuture().get(5, TimeUnit.SECONDS).closeCode());
  }

  @Test
  void shutdownClosesAfterTheGracePeriodIfHandlersDoNotFinish() throws Exception {
    SlowImpl impl = new SlowImpl();
    Peer[] p = connect(Peer.builder().service(impl), Peer.builder());
    CompletableFuture<String> running = p[1].call("waitFor", String.class, "g");
    assertEquals("started g", impl.next());
    p[0].shutdown(Duration.ofMillis(100)).get(5, TimeUnit.SECONDS);
    ExecutionException e = assertThrows(ExecutionException.class, () -> running.get(5, TimeUnit.SECONDS));
    assertEquals(1001, assertInstanceOf(ConnectionClosedException.class, e.getCause()).closeCode());
    impl.release.countDown();
  }

  @Test
  void shutdownOfAnIdlePeerClosesAtOnce() throws Exception {
    Peer[] p = connect(Peer.builder().service(new SlowImpl()), Peer.builder());
    p[0].shutdown(Duration.ofSeconds(30)).get(5, TimeUnit.SECONDS);
    assertFalse(p[0].isOpen());
    assertEquals(1001, p[1].closeFuture().get(5, TimeUnit.SECONDS).closeCode());
  }
}
