package dev.duplexrpc.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.duplexrpc.client.ConnectionState;
import dev.duplexrpc.redis.Members.Member;
import dev.duplexrpc.testing.RedisProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A node killed (SIGKILL) during a stream of cross-node calls to one of its clients: the calls
 * fail fast with -32007 on the calling node, the other nodes keep serving, and the killed node's
 * clients reconnect to another node and receive events again.
 */
class NodeFailureTest {
  private static final Duration NODE_TTL = Duration.ofSeconds(1);
  private static final Duration WAIT = Duration.ofSeconds(15);

  @Test
  void killedNodeFailsCallsToItsClientsFastWhileTheOthersKeepServing() throws Exception {
    List<NodeProcess> nodes = new ArrayList<>();
    List<Member> members = new ArrayList<>();
    RedisProcess redis = RedisProcess.start();
    try {
      List<NodeProcess.Starting> starting = new ArrayList<>();
      try {
        for (int i = 1; i <= 3; i++) {
          starting.add(NodeProcess.start(redis.uri(), "kill", "n" + i, NODE_TTL));
        }
        for (NodeProcess.Starting s : starting) {
          nodes.add(s.await(Duration.ofSeconds(30)));
        }
      } finally {
        if (nodes.size() < starting.size()) {
          starting.forEach(NodeProcess.Starting::kill);
        }
      }
      NodeProcess n1 = nodes.get(0);
      NodeProcess n2 = nodes.get(1);
      NodeProcess n3 = nodes.get(2);
      Member caller = add(members, Members.connect(n1.uri(), List.of()));
      Member onTwo = add(members, Members.connect(n2.uri(), List.of()));
      Member movingA = add(members, Members.connect(n3.uri(), List.of(n1.uri(), n2.uri())));
      Member movingB = add(members, Members.connect(n3.uri(), List.of(n2.uri(), n1.uri())));
      String target = movingA.id;
      assertEquals(2, caller.hub().relay(target, 1));

      // Calls the client never answers: certainly in flight when the node dies.
      List<CompletableFuture<String>> hanging = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        hanging.add(caller.connection.peer().call("relayHang", String.class, target));
      }
      assertEquals(4, caller.hub().relay(target, 2)); // sent after the hanging ones, answered

      // A stream of calls, at most 50 in flight, until the kill has been seen.
      AtomicBoolean stop = new AtomicBoolean();
      AtomicReference<Throwable> wrong = new AtomicReference<>();
      List<CompletableFuture<Integer>> stream = java.util.Collections.synchronizedList(new ArrayList<>());
      List<Integer> sent = java.util.Collections.synchronizedList(new ArrayList<>());
      Semaphore window = new Semaphore(50);
      Thread streamer = new Thread(() -> {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (int i = 0; i < 1_000_000 && !stop.get() && System.nanoTime() < deadline; i++) {
          try {
            if (!window.tryAcquire(1, TimeUnit.SECONDS)) {
              continue;
            }
          } catch (InterruptedException e) {
            return;
          }
          CompletableFuture<Integer> f = caller.connection.peer().call("relayAsync", Integer.class, target, i);
          f.whenComplete((v, e) -> window.release());
          stream.add(f);
          sent.add(i);
        }
      }, "call-stream");
      streamer.start();
      awaitCompleted(stream, 20, Duration.ofSeconds(10)); // the stream is flowing

      long killed = System.nanoTime();
      n3.kill(Duration.ofSeconds(10));

      for (CompletableFuture<String> h : hanging) {
        ExecutionException e = assertFailsWithin(h, WAIT);
        assertTrue(Members.unreachable(e), "in flight when the node died: " + e.getCause());
      }
      long failedAfter = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
      assertTrue(failedAfter < 10_000, "calls in flight failed " + failedAfter + " ms after the kill, not at the 20 s timeout");
      stop.set(true);
      streamer.join(TimeUnit.SECONDS.toMillis(10));
      assertTrue(!streamer.isAlive(), "the stream stopped");

      int ok = 0;
      int unreachable = 0;
      List<CompletableFuture<Integer>> all;
      synchronized (stream) {
        all = new ArrayList<>(stream);
      }
      for (int k = 0; k < all.size(); k++) {
        CompletableFuture<Integer> f = all.get(k);
        try {
          assertEquals(2 * sent.get(k), f.get(WAIT.toMillis(), TimeUnit.MILLISECONDS), "stream call " + k);
          ok++;
        } catch (ExecutionException e) {
          if (!Members.unreachable(e)) {
            wrong.compareAndSet(null, e.getCause());
          }
          unreachable++;
        } catch (TimeoutException e) {
          fail("stream call " + k + " hangs");
        }
      }
      if (wrong.get() != null) {
        throw new AssertionError("a call failed otherwise than with -32007", wrong.get());
      }
      assertTrue(ok >= 20, "calls answered before the kill: " + ok);
      assertTrue(unreachable >= 1, "calls failed after the kill: " + unreachable);

      // The other nodes keep serving, across nodes too.
      assertEquals(6, caller.hub().relay(onTwo.id, 3));
      assertEquals(8, onTwo.hub().relay(caller.id, 4));
      // The dead node's connections are gone from the directory.
      assertEquals("", caller.hub().locate(target));

      // Its clients reconnect to another node, renew their subscriptions and get events again.
      for (Member m : List.of(movingA, movingB)) {
        String before = m.id;
        m.awaitState(ConnectionState.RECONNECTING, WAIT);
        m.awaitState(ConnectionState.OPEN, WAIT);
        m.identify();
        assertNotEquals("n3", m.node, m + " moved");
        assertNotEquals(before, m.id, "a new connection");
        assertNotEquals(n3.uri(), m.connection.uri());
        m.ticks.clear();
      }
      int[] value = {900};
      Members.retryUntil(WAIT, "events to the moved clients", () -> {
        caller.hub().publish(value[0]++, 1);
        Integer a = movingA.ticks.poll(200, TimeUnit.MILLISECONDS);
        Integer b = movingB.ticks.poll(200, TimeUnit.MILLISECONDS);
        return a != null && b != null;
      });
      // And calls to them from any node work again.
      assertEquals(10, onTwo.hub().relay(movingA.id, 5));
      assertEquals(12, caller.hub().relay(movingB.id, 6));
    } finally {
      members.forEach(Member::close);
      nodes.forEach(NodeProcess::close);
      redis.close();
    }
  }

  private static Member add(List<Member> members, Member m) {
    members.add(m);
    return m;
  }

  private static void awaitCompleted(List<CompletableFuture<Integer>> stream, int count, Duration wait)
      throws Exception {
    long deadline = System.nanoTime() + wait.toNanos();
    for (int k = 0; k < count; k++) {
      CompletableFuture<Integer> f = null;
      while (f == null) {
        synchronized (stream) {
          f = stream.size() > k ? stream.get(k) : null;
        }
        if (f == null) {
          if (System.nanoTime() > deadline) {
            fail("the stream did not start");
          }
          Thread.onSpinWait();
        }
      }
      f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    }
  }

  private static ExecutionException assertFailsWithin(CompletableFuture<?> f, Duration wait) throws Exception {
    try {
      Object v = f.get(wait.toMillis(), TimeUnit.MILLISECONDS);
      throw new AssertionError("expected a failure, got " + v);
    } catch (ExecutionException e) {
      return e;
    } catch (TimeoutException e) {
      throw new AssertionError("still pending after " + wait, e);
    }
  }
}
