package dev.duplexrpc.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Opens and closes the generator's WebSocket connections: a few JDK HTTP clients with a direct
 * executor (callbacks run on each client's selector thread, the cheapest in CPU), connections
 * spread over them round-robin and opened in bounded batches, and closed with a close frame then
 * aborted. Opening and closing are bounded in time; what a connection does once open is not its
 * business.
 */
final class Connections implements AutoCloseable {
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(20);
  private static final int CONNECT_BATCH = 200;

  private final List<HttpClient> clients = new ArrayList<>();

  /** What {@link #open} and {@link #close(List)} need of a connection. */
  abstract static class Socket implements WebSocket.Listener {
    volatile WebSocket ws;
    volatile Throwable failure;
  }

  /** Makes the listener of one new connection. */
  interface Factory<C extends Socket> {
    C create();
  }

  /** @param threads the number of HTTP clients, each with one selector thread */
  Connections(int threads) {
    for (int i = 0; i < Math.max(1, threads); i++) {
      clients.add(HttpClient.newBuilder().executor(Runnable::run).build());
    }
  }

  /** Opens {@code n} connections, each with a listener from {@code factory}; all or none. */
  <C extends Socket> List<C> open(URI uri, int n, Factory<C> factory) throws IOException {
    List<C> conns = new ArrayList<>(n);
    try {
      for (int start = 0; start < n; start += CONNECT_BATCH) {
        List<CompletableFuture<WebSocket>> batch = new ArrayList<>();
        for (int i = start; i < Math.min(n, start + CONNECT_BATCH); i++) {
          C c = factory.create();
          conns.add(c);
          batch.add(clients.get(i % clients.size()).newWebSocketBuilder()
              .connectTimeout(CONNECT_TIMEOUT)
              .buildAsync(uri, c)
              .thenApply(ws -> c.ws = ws));
        }
        CompletableFuture.allOf(batch.toArray(new CompletableFuture<?>[0]))
            .get(CONNECT_TIMEOUT.toMillis() + 5000, TimeUnit.MILLISECONDS);
      }
      return conns;
    } catch (ExecutionException | TimeoutException e) {
      close(conns);
      throw new IOException("could not open " + n + " connections to " + uri + " (" + conns.size()
          + " started): " + (e.getCause() != null ? e.getCause() : e), e);
    } catch (InterruptedException e) {
      close(conns);
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  /** Sends every open connection a close frame, waits a little for them, then aborts them all. */
  static void close(List<? extends Socket> conns) {
    List<CompletableFuture<?>> closing = new ArrayList<>();
    for (Socket c : conns) {
      WebSocket ws = c.ws;
      if (ws != null && !ws.isOutputClosed()) {
        closing.add(ws.sendClose(WebSocket.NORMAL_CLOSURE, "").exceptionally(e -> null));
      }
    }
    try {
      CompletableFuture.allOf(closing.toArray(new CompletableFuture<?>[0])).get(5, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      // aborted below
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (Socket c : conns) {
      WebSocket ws = c.ws;
      if (ws != null) {
        ws.abort();
      }
    }
  }

  @Override
  public void close() {
    clients.clear(); // HttpClient threads end once unreferenced (JDK 17 has no HttpClient.close)
  }
}
