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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Redis stopped and started again on the same port under two nodes: local calls keep working
 * throughout, cross-node operations fail with -32007 while it is down, and work again after.
 */
class RedisOutageTest {
  private static final Duration WAIT = Duration.ofSeconds(15);

  @Test
  void redisOutageFailsCrossNodeOperationsClearlyAndTheNodesRecover() throws Exception {
    List<NodeProcess> nodes = new ArrayList<>();
    List<Member> members = new ArrayList<>();
    RedisProcess redis = RedisProcess.start();
    try {
      NodeProcess.Starting s1 = NodeProcess.start(redis.uri(), "outage", "n1", Duration.ofSeconds(1));
      NodeProcess.Starting s2 = NodeProcess.start(redis.uri(), "outage", "n2", Duration.ofSeconds(1));
      try {
        nodes.add(s1.await(Duration.ofSeconds(30)));
        nodes.add(s2.await(Duration.ofSeconds(30)));
      } finally {
        if (nodes.size() < 2) {
          s1.kill();
          s2.kill();
        }
      }
      Member a = add(members, Members.connect(nodes.get(0).uri(), List.of()));
      Member a2 = add(members, Members.connect(nodes.get(0).uri(), List.of()));
      Member b = add(members, Members.connect(nodes.get(1).uri(), List.of()));
      assertEquals(2, a.hub().relay(b.id, 1));
      assertEquals(2, a.hub().publish(1, 1), "two local subscribers on node 1");
      for (Member m : members) {
        assertEquals(1, m.nextTick(WAIT));
      }

      redis.stop();

      // Cross-node: fails at once with -32007, as soon as the node has seen Redis go.
      Members.retryUntil(WAIT, "node 1 noticing the outage", () -> {
        try {
          a.hub().relay(b.id, 2);
          return false;
        } catch (RpcException e) {
          assertEquals(ErrorCodes.UNREACHABLE, e.code(), e.toString());
          assertTrue(e.data().toString().contains("backplane is unavailable"), e.toString());
          return true;
        }
      });
      long start = System.nanoTime();
      RpcException down = assertThrows(RpcException.class, () -> a.hub().relay(b.id, 3));
      assertEquals(ErrorCodes.UNREACHABLE, down.code());
      assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(2), "at once, not after a timeout");
      // Publishing reaches the local subscribers, then says the other nodes were not told.
      a.ticks.clear();
      a2.ticks.clear();
      RpcException partial = assertThrows(RpcException.class, () -> a.hub().publish(50, 1));
      assertEquals(ErrorCodes.UNREACHABLE, partial.code());
      assertEquals(2, partial.data().getAsJsonObject().get("delivered").getAsInt(), partial.toString());
      assertEquals(50, a.nextTick(WAIT));
      assertEquals(50, a2.nextTick(WAIT));
      // Local calls keep working, through handles too.
      assertEquals(10, a.hub().relay(a2.id, 5));
      assertTrue(b.hub().whoAmI().startsWith("n2 "));
      assertEquals(4, b.hub().relay(b.id, 2));

      redis.startAgain(); // same port, empty: the nodes write their keys again

      // Each node recovers on its own once Lettuce has reconnected it: wait for both.
      Members.retryUntil(WAIT, "a cross-node call from node 1 after Redis came back", () -> a.hub().relay(b.id, 6) == 12);
      Members.retryUntil(WAIT, "a cross-node call from node 2 after Redis came back", () -> b.hub().relay(a.id, 7) == 14);
      Members.retryUntil(WAIT, "node 2's directory entries written again", () -> a.hub().locate(b.id).equals("n2"));
      Members.retryUntil(WAIT, "node 1's directory entries written again", () -> b.hub().locate(a2.id).equals("n1"));
      b.ticks.clear();
      int[] value = {100};
      Members.retryUntil(WAIT, "an event across nodes after Redis came back", () -> {
        a.hub().publish(value[0]++, 1);
        return b.ticks.poll(200, TimeUnit.MILLISECONDS) != null;
      });
      // Local calls worked all along.
      assertEquals(16, a.hub().relay(a2.id, 8));
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
}
