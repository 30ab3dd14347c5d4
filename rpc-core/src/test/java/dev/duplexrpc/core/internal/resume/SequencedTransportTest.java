package dev.duplexrpc.core.internal.resume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplexrpc.core.ConnectionClosedException;
import dev.duplexrpc.core.ErrorCodes;
import dev.duplexrpc.core.PeerConfig;
import dev.duplexrpc.core.RpcException;
import dev.duplexrpc.core.annotation.RpcMethod;
import dev.duplexrpc.core.annotation.RpcNotification;
import dev.duplexrpc.core.transport.InMemoryTransport;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The sequence layer over in-memory links: numbering, acknowledgements, the buffer, replay. */
class SequencedTransportTest {

  /** The server's service: counts how many times each value ran. */
  public static final class Work {
    final Map<Integer, AtomicInteger> runs = new ConcurrentHashMap<>();
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch gate = new CountDownLatch(1);

    @RpcMethod("echo")
    public int echo(int x) {
      runs.computeIfAbsent(x, k -> new AtomicInteger()).incrementAndGet();
      return x;
    }

    @RpcMethod("length")
    public int length(String s) {
      return s.length();
    }

    @RpcMethod("gate")
    public int gate(int x) throws InterruptedException {
      runs.computeIfAbsent(x, k -> new AtomicInteger()).incrementAndGet();
      entered.countDown();
      assertTrue(gate.await(10, TimeUnit.SECONDS));
      return x;
    }
  }

  /** The client's service: the events it receives, in order. */
  public static final class Inbox {
    final BlockingQueue<Integer> events = new LinkedBlockingQueue<>();

    @RpcNotification("event")
    public void event(int n) {
      events.add(n);
    }
  }

  private final Work work = new Work();
  private final Inbox inbox = new Inbox();
  private SessionPair pair;

  private SessionPair open(SessionSettings settings) {
    pair = new SessionPair(settings,
        PeerConfig.builder().service(work).build(), PeerConfig.builder().service(inbox).build());
    return pair;
  }

  private static SessionSettings settings(long bufferBytes, Duration sendWait, int ackEvery) {
    return new SessionSettings(bufferBytes, sendWait, ackEvery, Duration.ofMillis(50));
  }

  @AfterEach
  void closePair() {
    if (pair != null) {
      pair.close();
    }
  }

  @Test
  void eachSideCountsWhatItSendsAndReceives() throws Exception {
    open(settings(1 << 20, Duration.ofSeconds(5), 1));
    pair.connect();
    for (int i = 1; i <= 10; i++) {
      assertEquals(i, pair.clientPeer.call("echo", Integer.class, i).get(5, TimeUnit.SECONDS));
    }
    assertEquals(10, pair.client.sent());
    assertEquals(10, pair.client.received());
    assertEquals(10, pair.server.received());
    assertEquals(10, pair.server.sent());
    // The server acknowledged each request before answering it.
    assertEquals(0, pair.client.unacknowledgedBytes());
  }

  @Test
  void acknowledgementsAreCoalescedOnATimer() throws Exception {
    open(settings(1 << 20, Duration.ofSeconds(5), 1000));
    SessionPair.Link link = pair.connect();
    for (int i = 1; i <= 3; i++) {
      pair.clientPeer.notify("event", i).get(5, TimeUnit.SECONDS);
    }
    String ack = null;
    for (String s = link.server().sent.poll(5, TimeUnit.SECONDS); s != null;
        s = link.server().sent.poll(5, TimeUnit.SECONDS)) {
      if (s.contains("rpc.ack")) {
        ack = s;
        break;
      }
    }
    // One acknowledgement for the three, or two if the timer fired between them.
    assertTrue(ack != null && ack.startsWith("{\"jsonrpc\":\"2.0\",\"method\":\"rpc.ack\",\"params\":{\"received\":"), ack);
  }

  @Test
  void aDroppedLinkLosesNoCallAndNoEventInEitherDirection() throws Exception {
    open(settings(1 << 20, Duration.ofSeconds(5), 4));
    SessionPair.Link link = pair.connect();
    CompletableFuture<Integer> gated = pair.clientPeer.call("gate", Integer.class, 7);
    assertTrue(work.entered.await(5, TimeUnit.SECONDS));
    pair.drop(link);

    // During the gap: events from the server, a call from the client, the running handler ends.
    for (int i = 1; i <= 5; i++) {
      pair.serverPeer.notify("event", i).get(5, TimeUnit.SECONDS);
    }
    CompletableFuture<Integer> echoed = pair.clientPeer.call("echo", Integer.class, 3);
    work.gate.countDown();

    pair.connect();
    assertEquals(7, gated.get(5, TimeUnit.SECONDS));
    assertEquals(3, echoed.get(5, TimeUnit.SECONDS));
    for (int i = 1; i <= 5; i++) {
      assertEquals(i, inbox.events.poll(5, TimeUnit.SECONDS));
    }
    assertEquals(1, work.runs.get(7).get());
    assertEquals(1, work.runs.get(3).get());
    assertTrue(pair.clientPeer.isOpen() && pair.serverPeer.isOpen());
    assertNull(pair.events.poll());
  }

  @Test
  void messagesLostInTheDeadLinkAreReplayedAndRunOnce() throws Exception {
    open(settings(1 << 20, Duration.ofSeconds(5), 1000));
    SessionPair.Link link = pair.connect();
    assertEquals(1, pair.clientPeer.call("echo", Integer.class, 1).get(5, TimeUnit.SECONDS));
    link.freeze(); // from here both directions lose what they send
    CompletableFuture<Integer> lost = pair.clientPeer.call("echo", Integer.class, 2);
    pair.serverPeer.notify("event", 9).get(5, TimeUnit.SECONDS);
    pair.drop(link);

    pair.connect();
    assertEquals(2, lost.get(5, TimeUnit.SECONDS));
    assertEquals(9, inbox.events.poll(5, TimeUnit.SECONDS));
    assertEquals(1, work.runs.get(2).get());
    assertNull(inbox.events.poll());
  }

  @Test
  void aRequestThatRanBeforeTheDropIsNotRunAgain() throws Exception {
    open(settings(1 << 20, Duration.ofSeconds(5), 1000));
    SessionPair.Link link = pair.connect();
    link.server().freeze(); // the request arrives, the answer is lost
    CompletableFuture<Integer> answered = pair.clientPeer.call("echo", Integer.class, 5);
    assertEquals(1L, pollUntil(() -> (long) pair.server.sent()));
    pair.drop(link);

    pair.connect();
    assertEquals(5, answered.get(5, TimeUnit.SECONDS));
    assertEquals(1, work.runs.get(5).get());
    assertEquals(1, pair.server.received());
  }

  @Test
  void aSendWaitsForRoomThenFailsWithReplayBufferFull() throws Exception {
    open(settings(300, Duration.ofMillis(100), 1));
    pair.drop(pair.connect());
    String payload = "x".repeat(200);
    pair.clientPeer.notify("event", payload).get(5, TimeUnit.SECONDS); // an empty buffer takes it
    CompletableFuture<Integer> call = pair.clientPeer.call("echo", Integer.class, payload.length());
    ExecutionException e = assertThrows(ExecutionException.class, () -> call.get(5, TimeUnit.SECONDS));
    RpcException r = assertInstanceOf(RpcException.class, e.getCause());
    assertEquals(ErrorCodes.REPLAY_BUFFER_FULL, r.code());
    assertTrue(pair.client.unacknowledgedBytes() <= 300);
  }

  @Test
  void aWaitingSendGoesWhenTheOtherSideAcknowledges() throws Exception {
    open(settings(300, Duration.ofSeconds(10), 1));
    pair.drop(pair.connect());
    pair.clientPeer.notify("event", 1).get(5, TimeUnit.SECONDS);
    CompletableFuture<Integer> call = pair.clientPeer.call("length", Integer.class, "y".repeat(280));
    assertFalse(call.isDone());
    pair.connect();
    assertEquals(280, call.get(5, TimeUnit.SECONDS));
    assertEquals(2, pair.server.received());
  }

  @Test
  void aCountThatDoesNotFitWhatWasSentIsRefused() {
    open(settings(1 << 20, Duration.ofSeconds(5), 1));
    InMemoryTransport.Pair raw = InMemoryTransport.pair();
    Handover h = new Handover(raw.first());
    assertFalse(pair.client.attach(h, 99, null));
    assertFalse(pair.client.isAttached());
    raw.first().close(1000, "");
  }

  @Test
  void closingADetachedSessionFailsItsPendingCalls() throws Exception {
    open(settings(1 << 20, Duration.ofSeconds(5), 1));
    pair.drop(pair.connect());
    CompletableFuture<Integer> pending = pair.clientPeer.call("echo", Integer.class, 1);
    pair.client.close(1001, "resume window passed");
    ExecutionException e = assertThrows(ExecutionException.class, () -> pending.get(5, TimeUnit.SECONDS));
    assertInstanceOf(ConnectionClosedException.class, e.getCause());
    assertEquals("client ended", pair.events.poll(5, TimeUnit.SECONDS));
    assertFalse(pair.clientPeer.isOpen());
  }

  private static long pollUntil(java.util.function.LongSupplier value) throws InterruptedException {
    CountDownLatch never = new CountDownLatch(1);
    for (int i = 0; i < 500 && value.getAsLong() == 0; i++) {
      never.await(10, TimeUnit.MILLISECONDS); // bounded poll of a counter, no event to wait on
    }
    return value.getAsLong();
  }
}
