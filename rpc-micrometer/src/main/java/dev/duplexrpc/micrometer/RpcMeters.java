package dev.duplexrpc.micrometer;

import dev.duplexrpc.core.Peer;
import dev.duplexrpc.core.RpcCounters;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Collection;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/**
 * Connection-level meters: {@link #events()} binds the process-wide counters of limits hit,
 * heartbeat drops and reconnects ({@link RpcCounters}); {@link #connections} binds the gauges of a
 * set of connections (open connections, pending calls, handlers running, bytes queued to send).
 * Both are {@link MeterBinder}s, so a Spring Boot application binds them by declaring them as beans.
 *
 * <pre>{@code
 * RpcMeters.events().bindTo(registry);
 * RpcMeters.connections("server",
 *     () -> server.connections().stream().map(ServerConnection::peer).toList()).bindTo(registry);
 * RpcMeters.connections("client",
 *     () -> connection.isOpen() ? List.of(connection.peer()) : List.of()).bindTo(registry);
 * }</pre>
 *
 * <p>The meters are listed in docs/observability.md. Gauges are computed when read (a scrape):
 * one pass over the connections each, nothing on the call path.
 *
 * @since 0.2
 */
public final class RpcMeters {
  /** Gauge: connections open now, tagged {@code source}. */
  public static final String CONNECTIONS_OPEN = "duplexrpc.connections.open";
  /** Gauge: calls made that wait for a response, tagged {@code source}. */
  public static final String CALLS_PENDING = "duplexrpc.calls.pending";
  /** Gauge: requests being handled plus notifications queued or running, tagged {@code source}. */
  public static final String HANDLERS_RUNNING = "duplexrpc.handlers.running";
  /** Gauge: bytes handed to the sockets and not yet written, tagged {@code source}. */
  public static final String QUEUED_BYTES = "duplexrpc.send.queued";
  /** Counter: reconnects of the reconnecting client. */
  public static final String RECONNECTS = "duplexrpc.client.reconnects";
  /** Counter: connections dropped by the heartbeat. */
  public static final String HEARTBEAT_DROPS = "duplexrpc.heartbeat.drops";
  /** Counter: limits hit, tagged {@code limit}: {@code overloaded}, {@code too_large}, {@code slow_reader}. */
  public static final String LIMITS_HIT = "duplexrpc.limits.hit";

  private RpcMeters() {}

  /**
   * The process-wide counters: limits hit, heartbeat drops, reconnects. Binding them to a registry
   * twice is harmless (the registry keeps the first).
   *
   * @return the binder
   */
  public static MeterBinder events() {
    return registry -> {
      counter(registry, LIMITS_HIT, "Requests refused as overloaded (or notification backlogs)", "limit",
          "overloaded", c -> RpcCounters.overloaded());
      counter(registry, LIMITS_HIT, "Connections closed for a message over the size limit", "limit",
          "too_large", c -> RpcCounters.tooLarge());
      counter(registry, LIMITS_HIT, "Connections dropped because the other end did not read", "limit",
          "slow_reader", c -> RpcCounters.slowReadersDropped());
      counter(registry, HEARTBEAT_DROPS, "Connections dropped: nothing received for the idle timeout",
          null, null, c -> RpcCounters.heartbeatDrops());
      counter(registry, RECONNECTS, "Reconnects that brought a client connection back", null, null,
          c -> RpcCounters.reconnects());
    };
  }

  /**
   * The gauges of a set of connections.
   *
   * @param source the value of the {@code source} tag, e.g. {@code "server"} or {@code "client"}
   * @param peers the connections' Peers now; called at every read, from any thread
   * @return the binder
   */
  public static MeterBinder connections(String source, Supplier<? extends Collection<? extends Peer>> peers) {
    Objects.requireNonNull(source, "source == null");
    Objects.requireNonNull(peers, "peers == null");
    return registry -> {
      gauge(registry, CONNECTIONS_OPEN, "Connections open now", source, peers,
          p -> p.stream().filter(Peer::isOpen).count(), null);
      gauge(registry, CALLS_PENDING, "Calls made that wait for a response", source, peers,
          p -> p.stream().mapToLong(peer -> peer.stats().pendingCalls()).sum(), null);
      gauge(registry, HANDLERS_RUNNING, "Requests being handled plus notifications queued or running",
          source, peers, p -> p.stream().mapToLong(peer -> peer.stats().handlersRunning()).sum(), null);
      gauge(registry, QUEUED_BYTES, "Bytes handed to the sockets and not yet written", source, peers,
          p -> p.stream().mapToLong(peer -> peer.stats().queuedBytes()).sum(), "bytes");
    };
  }

  private static void counter(MeterRegistry registry, String name, String description, String tag,
      String value, ToDoubleFunction<Object> f) {
    FunctionCounter.Builder<Object> b = FunctionCounter.builder(name, RpcMeters.class, f).description(description);
    if (tag != null) {
      b.tag(tag, value);
    }
    b.register(registry);
  }

  private static void gauge(MeterRegistry registry, String name, String description, String source,
      Supplier<? extends Collection<? extends Peer>> peers,
      ToLongFunction<Collection<? extends Peer>> f, String unit) {
    Gauge.builder(name, () -> f.applyAsLong(peers.get()))
        .description(description).tag("source", source).baseUnit(unit).strongReference(true)
        .register(registry);
  }
}
