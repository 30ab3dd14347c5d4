package dev.duplexrpc.spring.boot.internal;

import dev.duplexrpc.server.RpcEndpoint;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.springframework.context.SmartLifecycle;

/**
 * Shuts the endpoint down gracefully when the application context stops, before the web server
 * does: new calls are answered with -32005, running calls may finish within the grace, then every
 * connection closes with 1001 and new upgrades are refused. {@link #isAccepting()} is what the
 * health indicator reports.
 */
public final class EndpointLifecycle implements SmartLifecycle {
  /** The longest the stop waits for clients to answer the close frames. */
  static final Duration CLOSE_REPLY_WAIT = Duration.ofSeconds(1);

  private final RpcEndpoint endpoint;
  private final Duration grace;
  private volatile boolean running;
  private volatile boolean accepting = true;

  /**
   * The lifecycle of one endpoint.
   *
   * @param endpoint the endpoint
   * @param grace how long running calls may finish
   */
  public EndpointLifecycle(RpcEndpoint endpoint, Duration grace) {
    this.endpoint = endpoint;
    this.grace = grace;
  }

  /**
   * Whether the endpoint accepts connections: from the context's start until it stops.
   *
   * @return true while accepting
   */
  public boolean isAccepting() {
    return running && accepting;
  }

  @Override
  public void start() {
    running = true;
  }

  @Override
  public void stop() {
    accepting = false;
    endpoint.shutdown(grace)
        .orTimeout(grace.toMillis() + 5_000, TimeUnit.MILLISECONDS)
        .exceptionally(e -> null)
        .join();
    endpoint.close();
    // The close frames are written, but the web server stops right after this phase and drops
    // its sockets: a client whose close reply had not arrived would see its socket lost (1006, and
    // a reconnect) instead of 1001. Wait for the replies (RpcEndpoint.awaitSessionsClosed), not
    // longer than the bound: a client that does not answer is dropped by the web server's stop.
    endpoint.awaitSessionsClosed(CLOSE_REPLY_WAIT);
    running = false;
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  @Override
  public int getPhase() {
    return ManagedClient.PHASE;
  }
}
