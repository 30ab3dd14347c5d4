package dev.duplexrpc.server.resume;

import static dev.duplexrpc.server.resume.ResumeFixture.WAIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplexrpc.client.ConnectionState;
import dev.duplexrpc.core.ConnectionClosedException;
import dev.duplexrpc.server.ServerConnection;
import dev.duplexrpc.testing.FaultProxy;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A resumable session over real sockets: a drop the application does not see, and its limits. */
class ResumeTest {
  private final ResumeFixture f = new ResumeFixture();

  @AfterEach
  void closeAll() {
    f.close();
  }

  @Test
  void aResetLinkIsResumedAndNoCallOrEventIsLost() throws Exception {
    f.start(s -> s, c -> c);
    BlockingQueue<Integer> ticks = new LinkedBlockingQueue<>();
    f.client.subscribe("tick", Integer.class, ticks::add);
    ServerConnection serverSide = f.serverSide();
    CompletableFuture<Integer> fromClient = f.client.peer().call("gate", Integer.class, 7);
    CompletableFuture<Integer> fromServer = serverSide.peer().call("gate", Integer.class, 8);
    assertTrue(f.serverWork.entered.await(WAIT, TimeUnit.SECONDS));
    assertTrue(f.clientWork.entered.await(WAIT, TimeUnit.SECONDS));

    f.proxy.refuseNewConnections(true);
    f.proxy.links().get(0).cut();
    f.expectStates(ConnectionState.RESUMING);
    // The gap: events published, calls made and handlers finished now all reach the other side.
    for (int i = 1; i <= 5; i++) {
      f.server.events().publish("tick", i);
    }
    CompletableFuture<Integer> duringGap = f.client.peer().call("echo", Integer.class, 3);
    f.serverWork.gate.countDown();
    f.clientWork.gate.countDown();
    f.proxy.refuseNewConnections(false);

    f.expectStates(ConnectionState.OPEN);
    assertEquals(7, fromClient.get(WAIT, TimeUnit.SECONDS));
    assertEquals(8, fromServer.get(WAIT, TimeUnit.SECONDS));
    assertEquals(3, duringGap.get(WAIT, TimeUnit.SECONDS));
    for (int i = 1; i <= 5; i++) {
      assertEquals(i, ticks.poll(WAIT, TimeUnit.SECONDS));
    }
    assertEquals(1, f.serverWork.runs(7));
    assertEquals(1, f.clientWork.runs(8));
    assertEquals(1, f.serverWork.runs(3));
    assertEquals(0, f.hookRuns.get());
    assertEquals("resume", f.serverEvents.poll(WAIT, TimeUnit.SECONDS));
    assertSame(serverSide, f.serverSide());
    assertEquals(1, f.server.connections().size());
    assertNull(ticks.poll());
  }

  @Test
  void aFrozenLinkIsDroppedByTheHeartbeatAndResumed() throws Exception {
    f.start(s -> s, c -> c);
    CompletableFuture<Integer> pending = f.client.peer().call("gate", Integer.class, 5);
    assertTrue(f.serverWork.entered.await(WAIT, TimeUnit.SECONDS));
    f.proxy.links().get(0).freeze();
    f.expectStates(ConnectionState.RESUMING, ConnectionState.OPEN);
    f.serverWork.gate.countDown();
    assertEquals(5, pending.get(WAIT, TimeUnit.SECONDS));
    assertEquals(1, f.serverWork.runs(5));
    assertEquals("resume", f.serverEvents.poll(WAIT, TimeUnit.SECONDS));
  }

  @Test
  void afterTheWindowTheClientStartsAFreshSession() throws Exception {
    f.start(s -> s.resumeWindow(Duration.ofMillis(200)), c -> c);
    CompletableFuture<Integer> pending = f.client.peer().call("gate", Integer.class, 5);
    assertTrue(f.serverWork.entered.await(WAIT, TimeUnit.SECONDS));
    f.proxy.refuseNewConnections(true);
    f.proxy.links().get(0).cut();
    f.expectStates(ConnectionState.RESUMING);
    assertEquals("close 1006", f.serverEvents.poll(WAIT, TimeUnit.SECONDS)); // the window passed
    f.proxy.refuseNewConnections(false);

    f.expectStates(ConnectionState.RECONNECTING, ConnectionState.OPEN);
    ExecutionException e = assertThrows(ExecutionException.class, () -> pending.get(WAIT, TimeUnit.SECONDS));
    assertInstanceOf(ConnectionClosedException.class, e.getCause());
    assertEquals(1, f.hookRuns.get());
    assertEquals("open", f.serverEvents.poll(WAIT, TimeUnit.SECONDS));
    assertEquals(4, f.client.remote(ResumeFixture.Work.class).echo(4));
    f.serverWork.gate.countDown();
  }

  @Test
  void withSessionsOffOnTheClientADropFailsPendingCallsAsBefore() throws Exception {
    f.start(s -> s, c -> c.resumableSessions(false));
    CompletableFuture<Integer> pending = f.client.peer().call("gate", Integer.class, 5);
    assertTrue(f.serverWork.entered.await(WAIT, TimeUnit.SECONDS));
    f.proxy.links().get(0).cut();
    ExecutionException e = assertThrows(ExecutionException.class, () -> pending.get(WAIT, TimeUnit.SECONDS));
    assertEquals(1006, assertInstanceOf(ConnectionClosedException.class, e.getCause()).closeCode());
    f.expectStates(ConnectionState.RECONNECTING, ConnectionState.OPEN);
    assertEquals("close 1006", f.serverEvents.poll(WAIT, TimeUnit.SECONDS));
    f.serverWork.gate.countDown();
  }

  @Test
  void withSessionsOffOnTheServerADropFailsPendingCallsAsBefore() throws Exception {
    f.start(s -> s.resumableSessions(false), c -> c);
    CompletableFuture<Integer> pending = f.client.peer().call("gate", Integer.class, 5);
    assertTrue(f.serverWork.entered.await(WAIT, TimeUnit.SECONDS));
    f.proxy.links().get(0).cut();
    ExecutionException e = assertThrows(ExecutionException.class, () -> pending.get(WAIT, TimeUnit.SECONDS));
    assertEquals(1006, assertInstanceOf(ConnectionClosedException.class, e.getCause()).closeCode());
    f.expectStates(ConnectionState.RECONNECTING, ConnectionState.OPEN);
    f.serverWork.gate.countDown();
  }
}
