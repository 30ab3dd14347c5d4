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
  /** How long the stop waits for clients to answer the close frames, when it closed any. */
  static final long CLOSE_LINGER_MILLIS = 1_000;

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
    boolean hadConnections = !endpoint.connections().isEmpty();
    endpoint.shutdown(grace)
        .orTimeout(grace.toMillis() + 5_000, TimeUnit.MILLISECONDS)
        .exceptionally(e -> null)
        .join();
    endpoint.close();
    running = false;
    if (hadConnections) {
      lingerForCloseReplies();
    }
  }

  /**
   * The close frames are written, but the web server stops right after this phase and drops its
   * sockets: without a moment for the clients to answer, a client may see its socket lost (1006,
   * and a reconnect) instead of 1001 (seen on Tomcat in about one stop in three). The container
   * tells no one when a client has answered, so this is a fixed linger, as {@code RpcServer.close}
   * has one for its own sockets.
   */
  private static void lingerForCloseReplies() {
    try {
      Thread.sleep(CLOSE_LINGER_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
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
