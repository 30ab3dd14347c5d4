package dev.duplexrpc.spring.boot.internal;

import dev.duplexrpc.client.ClientConnection;
import dev.duplexrpc.client.RpcClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.springframework.context.SmartLifecycle;

/**
 * One named client's connection, opened when the application context starts (after the web
 * server, so a client may call its own application) and closed when it stops (before the web
 * server). Its proxies ({@link ClientProxies}) ask it for the open connection.
 */
public final class ManagedClient implements SmartLifecycle {
  /** Started after the web server (which starts at {@code DEFAULT_PHASE - 2048}), stopped before it. */
  static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 512;

  private final String name;
  private final Supplier<RpcClient> client;
  private final List<Class<?>> interfaces;
  private final Duration shutdownGrace;
  private volatile ClientConnection connection;

  /**
   * A client, built when it starts.
   *
   * @param name its name
   * @param client builds the configured client (its services are beans, resolved at start)
   * @param interfaces the RPC interfaces of its proxy beans, checked when it connects
   * @param shutdownGrace how long its running calls may finish when the context stops
   */
  public ManagedClient(String name, Supplier<RpcClient> client, List<Class<?>> interfaces, Duration shutdownGrace) {
    this.name = name;
    this.client = client;
    this.interfaces = List.copyOf(interfaces);
    this.shutdownGrace = shutdownGrace;
  }

  /**
   * The client's name.
   *
   * @return the name
   */
  public String name() {
    return name;
  }

  /**
   * The open connection.
   *
   * @return the connection, reconnecting or closed too; never null
   * @throws IllegalStateException before the context started or after it stopped
   */
  public ClientConnection connection() {
    ClientConnection c = connection;
    if (c == null) {
      throw new IllegalStateException("Duplex RPC client '" + name + "' is not connected: the application "
          + "context has not started yet, or has stopped");
    }
    return c;
  }

  /**
   * The connection, or null when not started.
   *
   * @return the connection or null
   */
  public ClientConnection connectionOrNull() {
    return connection;
  }

  @Override
  public synchronized void start() {
    if (connection != null) {
      return;
    }
    ClientConnection c;
    try {
      c = client.get().connect();
    } catch (IOException e) {
      throw new UncheckedIOException("Duplex RPC client '" + name + "' could not connect: " + e.getMessage(), e);
    }
    try {
      interfaces.forEach(c::remote); // a bad RPC interface fails the start, not its first call
    } catch (RuntimeException e) {
      c.close();
      throw e;
    }
    connection = c;
  }

  @Override
  public synchronized void stop() {
    ClientConnection c = connection;
    connection = null;
    if (c != null) {
      c.shutdown(shutdownGrace).orTimeout(shutdownGrace.toMillis() + 5_000, java.util.concurrent.TimeUnit.MILLISECONDS)
          .exceptionally(e -> null).join();
      c.close();
    }
  }

  @Override
  public boolean isRunning() {
    return connection != null;
  }

  @Override
  public int getPhase() {
    return PHASE;
  }

  @Override
  public String toString() {
    return "ManagedClient[" + name + ", " + connection + "]";
  }
}
