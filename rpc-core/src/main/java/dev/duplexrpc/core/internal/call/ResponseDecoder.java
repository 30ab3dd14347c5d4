package dev.duplexrpc.core.internal.call;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.duplexrpc.core.ErrorCodes;
import dev.duplexrpc.core.RpcException;
import dev.duplexrpc.core.internal.codec.Message;

/**
 * Converts a response to its call's result, or to the {@link RpcException} its error carries.
 * Runs the caller's type adapters, so it runs on the executor or on the blocked caller's thread,
 * never on the transport's thread.
 */
final class ResponseDecoder {
  private ResponseDecoder() {}

  /** A response not yet converted: what a blocked caller's future completes with. */
  record Undecoded(PendingCall call, Message.Response message) {
    Object decode() {
      return call.decode(message);
    }
  }

  static Object decode(PendingCall call, Message.Response m) {
    if (m.isError()) {
      JsonElement error;
      try {
        error = m.error().tree();
      } catch (RuntimeException e) { // valid JSON that Gson cannot read (see JsonSlice#read)
        throw notConverted("Error", call, e);
      }
      throw remoteError(error);
    }
    try {
      return call.adapter == null || m.result() == null || m.result().isNull()
          ? null
          : m.result().read(call.adapter);
    } catch (RuntimeException e) {
      throw notConverted("Result", call, e);
    }
  }

  private static RpcException notConverted(String what, PendingCall call, RuntimeException e) {
    JsonObject data = new JsonObject();
    data.addProperty("reason", String.valueOf(e.getMessage()));
    return new RpcException(ErrorCodes.INVALID_RESPONSE,
        what + " of '" + call.method + "' did not convert", data, e);
  }

  private static RpcException remoteError(JsonElement error) {
    if (error != null && error.isJsonObject()) {
      JsonObject o = error.getAsJsonObject();
      JsonElement code = o.get("code");
      JsonElement message = o.get("message");
      Integer c = integerCode(code);
      if (c != null && (message == null || (message.isJsonPrimitive() && message.getAsJsonPrimitive().isString()))) {
        String msg = message == null ? ErrorCodes.message(c) : message.getAsString();
        return new RpcException(c, msg, o.get("data"));
      }
    }
    JsonObject data = new JsonObject();
    data.add("error", error);
    return new RpcException(ErrorCodes.INVALID_RESPONSE, "Malformed error object", data);
  }

  /** The code if it is a JSON number holding an integer in int range, else null. */
  private static Integer integerCode(JsonElement code) {
    if (code == null || !code.isJsonPrimitive() || !code.getAsJsonPrimitive().isNumber()) {
      return null;
    }
    try {
      return new java.math.BigDecimal(code.getAsString()).intValueExact();
    } catch (ArithmeticException | NumberFormatException e) {
      return null;
    }
  }
}
