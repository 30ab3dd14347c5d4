package dev.duplexrpc.core.internal;

import com.google.gson.JsonObject;
import dev.duplexrpc.core.ErrorCodes;
import dev.duplexrpc.core.RpcException;
import java.time.Duration;

/** The errors and conversions the engine's limits share: message size and whole milliseconds. */
public final class Limits {
  private Limits() {}

  /** The {@link ErrorCodes#LIMIT_EXCEEDED} error for a message over the size limit. */
  public static RpcException tooLarge(String what, int length, int maxMessageSize) {
    JsonObject data = new JsonObject();
    data.addProperty(
        "reason", what + " is " + length + " characters, over the limit of " + maxMessageSize);
    return new RpcException(ErrorCodes.LIMIT_EXCEEDED, "Limit exceeded", data);
  }

  /** Whole milliseconds, rounded up so that a positive duration never becomes "none". */
  public static long millisRoundedUp(Duration d) {
    if (d.isZero()) {
      return 0;
    }
    long ms = d.toMillis();
    return d.minusMillis(ms).isZero() ? ms : ms + 1;
  }
}
