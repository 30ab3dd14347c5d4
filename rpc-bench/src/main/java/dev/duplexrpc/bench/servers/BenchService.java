package dev.duplexrpc.bench.servers;

import dev.duplexrpc.core.annotation.RpcMethod;
import dev.duplexrpc.core.annotation.RpcNotification;
import dev.duplexrpc.server.ServerConnection;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * The service every RPC target serves: the JSON-RPC specification's {@code subtract}, an {@code
 * echo} of a string for payload sizes, and {@code bench.push}, which starts the server calling the
 * client back.
 */
public interface BenchService {
  /**
   * {@code minuend - subtrahend}.
   *
   * @param minuend the first operand
   * @param subtrahend the second operand
   * @return the difference
   */
  @RpcMethod("subtract")
  int subtract(int minuend, int subtrahend);

  /**
   * The text itself.
   *
   * @param text any text
   * @return {@code text}
   */
  @RpcMethod("echo")
  String echo(String text);

  /**
   * Starts {@code inFlight} loops of calls to the caller's {@code subtract}, each call made when
   * the previous one of its loop answered, until the connection closes.
   *
   * @param inFlight calls in flight
   */
  @RpcNotification("bench.push")
  void push(int inFlight);

  /**
   * The integers from 0 up to {@code count - 1}, as a stream, produced as fast as the caller's
   * credit allows.
   *
   * @param count how many items
   * @return the stream
   */
  @RpcMethod("bench.stream")
  Flow.Publisher<Integer> stream(int count);

  /** What the client serves, for server-to-client calls; also the client's async view of the server. */
  interface Client {
    /**
     * {@code minuend - subtrahend}.
     *
     * @param minuend the first operand
     * @param subtrahend the second operand
     * @return the difference
     */
    @RpcMethod("subtract")
    CompletableFuture<Integer> subtract(int minuend, int subtrahend);
  }

  /** The implementation every target uses. */
  final class Impl implements BenchService {
    @Override
    public int subtract(int minuend, int subtrahend) {
      return minuend - subtrahend;
    }

    @Override
    public String echo(String text) {
      return text;
    }

    @Override
    public Flow.Publisher<Integer> stream(int count) {
      return new Counter(count);
    }

    @Override
    public void push(int inFlight) {
      ServerConnection connection = ServerConnection.current();
      Client client = connection.remote(Client.class);
      for (int i = 0; i < Math.min(inFlight, 1024); i++) {
        loop(connection, client);
      }
    }

    private static void loop(ServerConnection connection, Client client) {
      client.subtract(42, 23).whenComplete((v, e) -> {
        if (e == null && connection.isOpen()) {
          loop(connection, client);
        }
      });
    }
  }
}
