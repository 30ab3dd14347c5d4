package dev.duplexrpc.micrometer;

import static io.micrometer.observation.tck.TestObservationRegistryAssert.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.duplexrpc.core.Peer;
import dev.duplexrpc.core.PeerConfig;
import dev.duplexrpc.core.RpcContext;
import dev.duplexrpc.core.RpcException;
import dev.duplexrpc.core.RpcOutcome;
import dev.duplexrpc.core.annotation.RpcMethod;
import dev.duplexrpc.core.annotation.RpcNotification;
import dev.duplexrpc.core.transport.InMemoryTransport;
import dev.duplexrpc.core.transport.Subprotocols;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.transport.ReceiverContext;
import io.micrometer.observation.transport.SenderContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** An Observation per call, between two Peers over the in-memory pair. */
class ObservationTest {
  static final String PARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

  /** What the serving Peer serves. */
  public interface Service {
    @RpcMethod("echo")
    String echo(String text);

    @RpcMethod("fail")
    String fail();

    @RpcMethod("outer")
    String outer();

    @RpcMethod("hold")
    CompletableFuture<String> hold();

    @RpcNotification("note")
    void note(String text);
  }

  /** What the calling Peer serves, for call-backs. */
  public interface Back {
    @RpcMethod("back")
    String back();
  }

  final TestObservationRegistry registry = TestObservationRegistry.create();
  final Semaphore stopped = new Semaphore(0);

  {
    registry.observationConfig().observationHandler(new ObservationHandler<>() {
      @Override
      public void onStop(Observation.Context context) {
        stopped.release();
      }

      @Override
      public boolean supportsContext(Observation.Context context) {
        return true;
      }
    });
  }
  final List<Peer> peers = new ArrayList<>();
  final BlockingQueue<Observation> served = new LinkedBlockingQueue<>();
  Peer server;
  Peer client;

  @AfterEach
  void tearDown() {
    peers.forEach(Peer::close);
  }

  private void connect(String subprotocol) {
    RpcObservations observations = RpcObservations.create(registry);
    InMemoryTransport.Pair pair = InMemoryTransport.pair(subprotocol);
    Service impl = new Service() {
      @Override
      public String echo(String text) {
        served.add(RpcObservations.observation(RpcContext.current()));
        return text;
      }

      @Override
      public String fail() {
        throw new RpcException(-32010, "no");
      }

      @Override
      public CompletableFuture<String> hold() {
        return new CompletableFuture<>(); // never completes: the caller times out
      }

      @Override
      public void note(String text) {
        served.add(RpcObservations.observation(RpcContext.current()));
      }

      @Override
      public String outer() {
        served.add(RpcObservations.observation(RpcContext.current()));
        return dev.duplexrpc.core.CallContext.current().peer().remote(Back.class).back();
      }
    };
    server = Peer.builder().transport(pair.first())
        .config(PeerConfig.builder().service(impl).interceptor(observations.interceptor()).build()).build();
    client = Peer.builder().transport(pair.second())
        .config(PeerConfig.builder().service((Back) () -> "back").interceptor(observations.interceptor())
            .build()).build();
    peers.add(server);
    peers.add(client);
  }

  @Test
  void resultIsAClientAndAServerObservationWithTheirKeyValues() throws Exception {
    connect(Subprotocols.DUPLEX);
    assertEquals("x", client.call("echo", String.class, "x").get(5, TimeUnit.SECONDS));
    assertNotNull(served.poll(5, TimeUnit.SECONDS), "the handler sees its observation");
    awaitStopped(2);
    assertThat(registry).hasNumberOfObservationsEqualTo(2)
        .hasHandledContextsThatSatisfy(contexts -> {
          for (Observation.Context c : contexts) {
            assertEquals("echo", c.getContextualName());
            assertEquals("jsonrpc", c.getLowCardinalityKeyValue("rpc.system.name").getValue());
            assertEquals("echo", c.getLowCardinalityKeyValue("rpc.method").getValue());
            assertEquals("OK", c.getLowCardinalityKeyValue("rpc.response.status_code").getValue());
            assertEquals("RESULT", c.getLowCardinalityKeyValue("outcome").getValue());
            assertEquals("1", c.getHighCardinalityKeyValue("jsonrpc.request.id").getValue());
            assertEquals(RpcOutcome.Kind.RESULT, ((RpcCallContext) c).outcome().kind());
          }
        });
    assertThat(registry).hasObservationWithNameEqualTo(RpcObservations.SERVER).that().hasBeenStarted().hasBeenStopped();
    assertThat(registry).hasObservationWithNameEqualTo(RpcObservations.CLIENT).that().hasBeenStarted().hasBeenStopped();
  }

  @Test
  void errorStopsWithTheErrorAndItsCode() throws Exception {
    connect(Subprotocols.DUPLEX);
    assertThrows(ExecutionException.class, () -> client.call("fail", String.class).get(5, TimeUnit.SECONDS));
    awaitStopped(2);
    assertThat(registry).hasHandledContextsThatSatisfy(contexts -> {
      for (Observation.Context c : contexts) {
        assertEquals("-32010", c.getLowCardinalityKeyValue("rpc.response.status_code").getValue());
        assertEquals("ERROR", c.getLowCardinalityKeyValue("outcome").getValue());
        assertEquals(-32010, ((RpcException) c.getError()).code());
      }
    });
  }

  @Test
  void callBackWhileServingIsAChildOfTheServedCall() throws Exception {
    connect(Subprotocols.DUPLEX);
    assertEquals("back", client.call("outer", String.class).get(5, TimeUnit.SECONDS));
    Observation outer = served.poll(5, TimeUnit.SECONDS);
    awaitStopped(4);
    assertThat(registry).hasHandledContextsThatSatisfy(contexts -> {
      Observation.Context back = contexts.stream()
          .filter(c -> c instanceof RpcCallContext.Client && "back".equals(c.getContextualName()))
          .findFirst().orElseThrow();
      assertSame(outer, back.getParentObservation());
    });
  }

  @Test
  void traceContextAHandlerPropagatesReachesTheServedCallsCarrier() throws Exception {
    BlockingQueue<String> received = new LinkedBlockingQueue<>();
    registry.observationConfig().observationHandler(new ObservationHandler<>() {
      @Override
      @SuppressWarnings("unchecked")
      public void onStart(Observation.Context context) {
        if (context instanceof SenderContext<?> s) {
          ((SenderContext<Map<String, String>>) s).getSetter()
              .set((Map<String, String>) s.getCarrier(), "traceparent", PARENT);
        } else if (context instanceof ReceiverContext<?> r) {
          String seen = ((ReceiverContext<Map<String, String>>) r).getGetter()
              .get((Map<String, String>) r.getCarrier(), "traceparent");
          received.add(seen == null ? "none" : seen);
        }
      }

      @Override
      public boolean supportsContext(Observation.Context context) {
        return context instanceof RpcCallContext;
      }
    });
    connect(Subprotocols.DUPLEX);
    client.call("echo", String.class, "x").get(5, TimeUnit.SECONDS);
    assertEquals(PARENT, received.poll(5, TimeUnit.SECONDS));
  }

  @Test
  void defaultMeterHandlerMakesATimerPerSideMethodAndStatus() throws Exception {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    registry.observationConfig().observationHandler(new DefaultMeterObservationHandler(meters));
    connect(Subprotocols.DUPLEX);
    client.call("echo", String.class, "x").get(5, TimeUnit.SECONDS);
    awaitStopped(2);
    Timer timer = meters.get(RpcObservations.CLIENT)
        .tags("rpc.method", "echo", "rpc.response.status_code", "OK", "outcome", "RESULT").timer();
    assertEquals(1, timer.count());
    assertEquals(1, meters.get(RpcObservations.SERVER).tag("rpc.method", "echo").timer().count());
  }

  @Test
  void timeoutAndNotificationHaveTheirOutcomes() throws Exception {
    connect(Subprotocols.DUPLEX);
    assertThrows(ExecutionException.class,
        () -> client.call(Duration.ofMillis(50), "hold", String.class).get(5, TimeUnit.SECONDS));
    awaitStopped(2); // the timeout sends rpc.cancel: the served call stops as cancelled
    client.notify("note", "n").get(5, TimeUnit.SECONDS);
    assertNotNull(served.poll(5, TimeUnit.SECONDS));
    awaitStopped(2);
    assertThat(registry).hasHandledContextsThatSatisfy(contexts -> {
      List<String> seen = contexts.stream().map(c -> (c instanceof RpcCallContext.Client ? "client " : "server ")
          + c.getContextualName() + " " + c.getLowCardinalityKeyValue("outcome").getValue() + " "
          + c.getLowCardinalityKeyValue("rpc.response.status_code").getValue()
          + (c.getHighCardinalityKeyValue("jsonrpc.request.id") == null ? " no-id" : "")).sorted().toList();
      assertEquals(List.of("client hold TIMEOUT -32001", "client note RESULT OK no-id",
          "server hold CANCELLED -32004", "server note RESULT OK no-id"), seen);
    });
  }

  @Test
  void noopRegistryInstallsNothing() {
    RpcObservations observations = RpcObservations.create(io.micrometer.observation.ObservationRegistry.NOOP);
    assertNull(observations.interceptor().intercept(null)); // returns before reading the call
  }

  /** Waits until {@code n} more observations are stopped. */
  private void awaitStopped(int n) throws InterruptedException {
    if (!stopped.tryAcquire(n, 5, TimeUnit.SECONDS)) {
      throw new AssertionError("fewer than " + n + " observations stopped");
    }
  }
}
