package dev.duplexrpc.core.internal;

import com.google.gson.JsonObject;
import dev.duplexrpc.core.ErrorCodes;
import dev.duplexrpc.core.RpcException;

/**
 * Marks the threads running a handler in direct mode (on the thread that decoded its message), so
 * that a blocking call from it fails at once instead of waiting for a response only that thread
 * could read.
 */
public final class DirectMode {
  private static final ThreadLocal<Boolean> RUNNING = new ThreadLocal<>();

  private DirectMode() {}

  /** Marks this thread as running a direct handler; returns what {@link #exit} restores. */
  public static Boolean enter() {
    Boolean previous = RUNNING.get();
    RUNNING.set(Boolean.TRUE);
    return previous;
  }

  /** Restores the mark {@link #enter} replaced. */
  public static void exit(Boolean previous) {
    if (previous == null) {
      RUNNING.remove();
    } else {
      RUNNING.set(previous);
    }
  }

  /**
   * Throws if this thread runs a direct handler: called before a blocking wait for a response.
   *
   * @param method the called method's wire name, for the message
   * @throws RpcException -32008 in a direct handler
   */
  public static void checkMayBlock(String method) {
    if (RUNNING.get() != null) {
      JsonObject data = new JsonObject();
      data.addProperty("method", method);
      data.addProperty("reason", "a handler in direct mode cannot wait for a response: call"
          + " asynchronously (a method returning a future) or leave direct mode");
      throw new RpcException(ErrorCodes.BLOCKING_IN_DIRECT_MODE,
          ErrorCodes.message(ErrorCodes.BLOCKING_IN_DIRECT_MODE), data);
    }
  }
}
