package dev.duplexrpc.server.resume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplexrpc.client.ConnectionState;
import dev.duplexrpc.client.ReconnectPolicy;
import dev.duplexrpc.core.annotation.RpcMethod;
import dev.duplexrpc.server.ServerConnection;
import dev.duplexrpc.testing.FaultProxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Calls both ways and events while the link is cut at random, half by a reset, half by a freeze
 * that the heartbeat ends; every gap is far shorter than the resume window. With sessions, every
 * call completes once with its result, every handler runs once, every event arrives once and in
 * order. The same load without sessions reports what is lost (printed, not asserted).
 *
 * <p>A smoke run by default; the profile {@code soak} ({@code -Psoak}, system property {@code
 * duplex.soak=full}) runs the full figures (10,000 calls each way, 1,000 events, 50 cuts) and the
 * run without sessions too.
 */
class ResumeSoakTest {
  static final boolean FULL = "full".equals(System.getProperty("duplex.soak"));
  static final int CALLS = FULL ? 10_000 : 600;
  static final int EVENTS = FULL ? 1_000 : 60;
  static final int CUTS = FULL ? 50 : 4;
  static final int IN_FLIGHT = 64;
  static final long DEADLINE_SECONDS = FULL ? 900 : 120;

  /** The asynchronous face of the service both ends serve. */
  public interface AsyncWork {
    @RpcMethod
    CompletableFuture<Integer> echo(int x);
  }

  /** What one run saw. */
  record Figures(int callsUpOk, int callsUpFailed, int callsDownOk, int callsDownFailed,
      int wrongResults, int serverRunsNotOnce, int clientRunsNotOnce, int eventsReceived,
      int eventsMissing, int eventsDuplicated, int eventsOutOfOrder, int resets, int freezes,
      long millis) {
    @Override
    public String toString() {
      return String.format("calls client->server %d ok / %d failed; server->client %d ok / %d failed;"
          + " wrong results %d; handlers not run exactly once: server %d, client %d;"
          + " events %d received, %d missing, %d duplicated, %d out of order;"
          + " cuts %d reset + %d frozen; %.1f s",
          callsUpOk, callsUpFailed, callsDownOk, callsDownFailed, wrongResults, serverRunsNotOnce,
          clientRunsNotOnce, eventsReceived, eventsMissing, eventsDuplicated, eventsOutOfOrder,
          resets, freezes, millis / 1000.0);
    }
  }

  private final ResumeFixture f = new ResumeFixture();

  @AfterEach
  void closeAll() {
    f.close();
  }

  @Test
  void withSessionsEveryCallAndEventArrivesExactlyOnce() throws Exception {
    Figures r = run(true);
    System.out.println("[resume soak] sessions on: " + r);
    assertEquals(CALLS, r.callsUpOk(), r.toString());
    assertEquals(CALLS, r.callsDownOk(), r.toString());
    assertEquals(0, r.wrongResults() + r.serverRunsNotOnce() + r.clientRunsNotOnce(), r.toString());
    assertEquals(EVENTS, r.eventsReceived(), r.toString());
    assertEquals(0, r.eventsMissing() + r.eventsDuplicated() + r.eventsOutOfOrder(), r.toString());
  }

  @Test
  void withoutSessionsTheSameRunReportsItsLosses() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(FULL, "run with -Psoak");
    Figures r = run(false);
    System.out.println("[resume soak] sessions off: " + r);
    assertTrue(r.callsUpOk() + r.callsUpFailed() == CALLS, r.toString());
  }

  private Figures run(boolean sessions) throws Exception {
    f.start(s -> s.callTimeout(Duration.ofMinutes(5)),
        // Calls made while reconnecting wait (as a careful application's would) instead of failing
        // at once, so that the losses without sessions are the calls and events of each drop.
        c -> c.resumableSessions(sessions).callTimeout(Duration.ofMinutes(5))
            .offlineQueue(2 * IN_FLIGHT, Duration.ofSeconds(60))
            .reconnectPolicy(ReconnectPolicy.exponential(Duration.ofMillis(20), Duration.ofMillis(100))));
    List<Integer> events = Collections.synchronizedList(new ArrayList<>());
    f.client.subscribe("tick", Integer.class, events::add);
    long start = System.nanoTime();
    long deadline = start + TimeUnit.SECONDS.toNanos(DEADLINE_SECONDS);
    Random random = new Random(16);
    int[] cutAt = new int[CUTS];
    for (int k = 0; k < CUTS; k++) {
      int spacing = CALLS / (CUTS + 1);
      cutAt[k] = (k + 1) * spacing + random.nextInt(spacing / 2 + 1) - spacing / 4;
    }
    AtomicInteger resets = new AtomicInteger();
    AtomicInteger freezes = new AtomicInteger();

    // Server to client, and the events, from another thread.
    List<CompletableFuture<Integer>> down = new ArrayList<>();
    AtomicInteger downFailedToSend = new AtomicInteger();
    Thread serverSide = new Thread(() -> {
      Semaphore window = new Semaphore(IN_FLIGHT);
      int perEvent = CALLS / EVENTS;
      int published = 0;
      for (int i = 0; i < CALLS && System.nanoTime() < deadline; i++) {
        try {
          if (!window.tryAcquire(60, TimeUnit.SECONDS)) {
            break;
          }
        } catch (InterruptedException e) {
          return;
        }
        Iterator<ServerConnection> open = f.server.connections().iterator();
        for (int wait = 0; !open.hasNext() && wait < 3; wait++) { // without sessions: between sockets
          try {
            f.serverEvents.poll(10, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            return;
          }
          open = f.server.connections().iterator();
        }
        CompletableFuture<Integer> call;
        if (open.hasNext()) {
          call = open.next().remote(AsyncWork.class).echo(100_000 + i);
        } else {
          call = CompletableFuture.failedFuture(new IllegalStateException("no connection"));
          downFailedToSend.incrementAndGet();
        }
        call.whenComplete((v, e) -> window.release());
        synchronized (down) {
          down.add(call);
        }
        if (i % perEvent == perEvent - 1 && published < EVENTS) {
          f.server.events().publish("tick", ++published);
        }
      }
    }, "soak-server-side");
    serverSide.start();

    // Client to server, with the cuts.
    List<CompletableFuture<Integer>> up = new ArrayList<>();
    Semaphore window = new Semaphore(IN_FLIGHT);
    AsyncWork work = f.client.remote(AsyncWork.class);
    int nextCut = 0;
    int opens = 0; // OPEN states seen after the first
    for (int i = 0; i < CALLS && System.nanoTime() < deadline; i++) {
      if (nextCut < CUTS && i == cutAt[nextCut]) {
        // One cut at a time: wait until the last one was recovered from.
        while (opens < nextCut && System.nanoTime() < deadline) {
          ConnectionState s = f.states.poll(30, TimeUnit.SECONDS);
          if (s == ConnectionState.OPEN) {
            opens++;
          }
        }
        List<FaultProxy.Link> links = f.proxy.links();
        FaultProxy.Link link = links.get(links.size() - 1);
        if (nextCut % 2 == 0) {
          link.cut();
          resets.incrementAndGet();
        } else {
          link.freeze(); // until both heartbeats drop it
          freezes.incrementAndGet();
        }
        nextCut++;
      }
      assertTrue(window.tryAcquire(60, TimeUnit.SECONDS), "calls stuck at " + i);
      CompletableFuture<Integer> call;
      try {
        call = work.echo(i);
      } catch (RuntimeException e) {
        call = CompletableFuture.failedFuture(e);
      }
      call.whenComplete((v, e) -> window.release());
      up.add(call);
    }
    serverSide.join(TimeUnit.SECONDS.toMillis(DEADLINE_SECONDS));

    int upOk = 0;
    int upFailed = 0;
    int wrong = 0;
    for (int i = 0; i < up.size(); i++) {
      try {
        if (up.get(i).get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS) == i) {
          upOk++;
        } else {
          wrong++;
        }
      } catch (Exception e) {
        upFailed++;
      }
    }
    int downOk = 0;
    int downFailed = 0;
    List<CompletableFuture<Integer>> downCalls;
    synchronized (down) {
      downCalls = new ArrayList<>(down);
    }
    for (int i = 0; i < downCalls.size(); i++) {
      try {
        if (downCalls.get(i).get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS) == 100_000 + i) {
          downOk++;
        } else {
          wrong++;
        }
      } catch (Exception e) {
        downFailed++;
      }
    }
    // The last events may still be on their way: wait for them, within the deadline.
    // A round trip after the last publish: the events before it have arrived (a few, bounded).
    for (int k = 0; k < 5 && events.size() < EVENTS; k++) {
      f.client.remote(ResumeFixture.Work.class).echo(-1);
    }
    int serverNotOnce = 0;
    int clientNotOnce = 0;
    for (int i = 0; i < CALLS; i++) {
      serverNotOnce += f.serverWork.runs(i) == 1 ? 0 : 1;
      clientNotOnce += f.clientWork.runs(100_000 + i) == 1 ? 0 : 1;
    }
    List<Integer> got;
    synchronized (events) {
      got = new ArrayList<>(events);
    }
    int duplicated = got.size() - (int) got.stream().distinct().count();
    int outOfOrder = 0;
    for (int k = 1; k < got.size(); k++) {
      outOfOrder += got.get(k) > got.get(k - 1) ? 0 : 1;
    }
    int missing = EVENTS - (int) got.stream().distinct().count();
    return new Figures(upOk, upFailed, downOk, downFailed, wrong, serverNotOnce, clientNotOnce,
        got.size(), missing, duplicated, outOfOrder, resets.get(), freezes.get(),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
  }
}
