package dev.duplexrpc.server.testing;

import dev.duplexrpc.client.ClientConnection;
import dev.duplexrpc.core.RpcException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Waits until the server has registered a client's connection. A client's {@code connect()}
 * returns when the handshake answer arrives, which the server sends before it opens the session;
 * the server reads a connection's first message only after registering it, so any answer proves
 * the registration. This sends a call to a method nobody serves and waits for its error.
 */
public final class Sync {
  private Sync() {}

  /**
   * Returns once the server side of {@code connection} is in the server's registry.
   *
   * @param connection a client connection
   */
  public static void registered(ClientConnection connection) throws Exception {
    try {
      connection.peer().call("test.sync", Object.class).get(10, TimeUnit.SECONDS);
      throw new AssertionError("test.sync is served by nobody, yet it answered");
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof RpcException) || ((RpcException) e.getCause()).code() != -32601) {
        throw e;
      }
    }
  }
}
