package dev.duplexrpc.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplexrpc.core.ErrorCodes;
import dev.duplexrpc.core.RpcException;
import dev.duplexrpc.redis.Members.Member;
import dev.duplexrpc.testing.RedisProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Three server nodes in their own JVMs on one real redis-server, with clients spread over them:
 * events reach every node's subscribers, and handlers call clients of other nodes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  private RedisProcess redis;
  private final List<NodeProcess> nodes = new ArrayList<>();
  private final List<Member> members = new ArrayList<>(); // 3 per node, in node order

  @BeforeAll
  void startCluster() throws Exception {
    redis = RedisProcess.start();
    List<NodeProcess.Starting> starting = new ArrayList<>();
    try {
      for (int i = 1; i <= 3; i++) {
        starting.add(NodeProcess.start(redis.uri(), "test", "n" + i, Duration.ofSeconds(2)));
      }
      for (NodeProcess.Starting s : starting) {
        nodes.add(s.await(Duration.ofSeconds(30)));
      }
    } finally {
      if (nodes.size() < starting.size()) {
        starting.forEach(NodeProcess.Starting::kill);
      }
    }
    for (NodeProcess n : nodes) {
      for (int i = 0; i < 3; i++) {
        members.add(Members.connect(n.uri(), List.of()));
      }
    }
  }

  @AfterAll
  void stopCluster() {
    members.forEach(Member::close);
    nodes.forEach(NodeProcess::close);
    if (redis != null) {
      redis.close();
    }
  }

  private Member on(int node, int index) {
    return members.get((node - 1) * 3 + index);
  }

  @Test
  void clientsLandOnTheNodesTheyConnectedTo() {
    for (int node = 1; node <= 3; node++) {
      for (int i = 0; i < 3; i++) {
        assertEquals("n" + node, on(node, i).node);
      }
    }
  }

  @Test
  void eventPublishedOnOneNodeReachesEverySubscriberOnEveryNodeOnceInOrder() throws Exception {
    int count = 500;
    int base = 1_000_000;
    members.forEach(m -> m.ticks.clear());
    int local = on(1, 0).hub().publish(base, count);
    assertEquals(3 * count, local, "the publishing node's own 3 subscribers");
    on(1, 0).hub().publish(-1, 1); // an end marker: nothing may arrive between the events and it
    for (Member m : members) {
      for (int i = 0; i < count; i++) {
        assertEquals(base + i, m.nextTick(WAIT), "event " + i + " at " + m);
      }
      assertEquals(-1, m.nextTick(WAIT), "after the last event at " + m);
    }
  }

  @Test
  void eventsPublishedOnEachNodeReachEveryNode() throws Exception {
    members.forEach(m -> m.ticks.clear());
    for (int node = 1; node <= 3; node++) {
      on(node, 1).hub().publish(node * 10, 1);
      for (Member m : members) {
        assertEquals(node * 10, m.nextTick(WAIT), "from node " + node + " at " + m);
      }
    }
  }

  @Test
  void handlerOnOneNodeCallsClientOnAnotherThroughTypedProxy() {
    Member target = on(3, 0);
    assertEquals(42, on(1, 0).hub().relay(target.id, 21));
    assertEquals(14, on(2, 0).hub().relay(on(1, 2).id, 7));
  }

  @Test
  void handleOfLocalConnectionCallsItDirectly() {
    assertEquals(10, on(2, 0).hub().relay(on(2, 1).id, 5));
  }

  @Test
  void thousandConcurrentCrossNodeCallsEachGetTheirOwnResult() throws Exception {
    Member caller = on(1, 1);
    Member target = on(3, 1);
    List<CompletableFuture<Integer>> calls = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      calls.add(caller.connection.peer().call("relayAsync", Integer.class, target.id, i));
    }
    for (int i = 0; i < 1000; i++) {
      assertEquals(2 * i, calls.get(i).get(WAIT.toSeconds(), TimeUnit.SECONDS), "call " + i);
    }
  }

  @Test
  void clientErrorComesBackWithItsOwnCode() {
    RpcException e = assertThrows(RpcException.class, () -> on(1, 0).hub().relayFail(on(2, 2).id, -32042));
    assertEquals(-32042, e.code());
    assertEquals("failed on purpose", e.errorMessage());
  }

  @Test
  void callToConnectionNoNodeHoldsFailsFastWithUnreachable() {
    long start = System.nanoTime();
    RpcException e = assertThrows(RpcException.class, () -> on(1, 0).hub().relay("no-such-connection", 1));
    assertEquals(ErrorCodes.UNREACHABLE, e.code(), e.toString());
    assertTrue(e.data().toString().contains("no node of the cluster holds connection no-such-connection"), e.toString());
    assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5), "failed fast, not after the call timeout");
  }

  @Test
  void directoryTellsWhichNodeHoldsEachConnection() {
    for (Member m : members) {
      assertEquals(m.node, on(1, 0).hub().locate(m.id), "location of " + m);
    }
    assertEquals("", on(1, 0).hub().locate("no-such-connection"));
  }

  @Test
  void callToConnectionThatClosedFailsWithoutWaitingForTheTimeout() throws Exception {
    Member leaving = Members.connect(nodes.get(2).uri(), List.of());
    String id = leaving.id;
    assertEquals(4, on(1, 0).hub().relay(id, 2));
    leaving.close();
    // The close reaches node 3, and the directory, a moment after close() returns: until then the
    // call may still succeed. Then it fails, at once, as the closed connection or as one no node holds.
    RpcException[] failure = new RpcException[1];
    Members.retryUntil(WAIT, "a call to the closed connection failing", () -> {
      try {
        assertEquals(4, on(1, 0).hub().relay(id, 2));
        return false;
      } catch (RpcException e) {
        failure[0] = e;
        return true;
      }
    });
    RpcException e = failure[0];
    assertTrue(e.code() == ErrorCodes.UNREACHABLE || e.code() == ErrorCodes.CONNECTION_CLOSED, e.toString());
    // Node 3 answers "closed" until its directory entry is removed, then no node holds the id:
    // every call fails at once, and soon they all fail as unreachable.
    Members.retryUntil(WAIT, "a call to the closed connection failing as unreachable", () -> {
      long callStart = System.nanoTime();
      RpcException again = assertThrows(RpcException.class, () -> on(1, 0).hub().relay(id, 2));
      assertTrue(again.code() == ErrorCodes.UNREACHABLE || again.code() == ErrorCodes.CONNECTION_CLOSED,
          again.toString());
      assertTrue(System.nanoTime() - callStart < TimeUnit.SECONDS.toNanos(5), "at once, not after the call timeout");
      return again.code() == ErrorCodes.UNREACHABLE;
    });
  }
}
