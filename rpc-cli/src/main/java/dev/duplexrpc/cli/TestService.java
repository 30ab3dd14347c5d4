package dev.duplexrpc.cli;

import com.google.gson.JsonElement;
import dev.duplexrpc.core.CallContext;
import dev.duplexrpc.core.RpcException;
import dev.duplexrpc.core.annotation.RpcMethod;
import dev.duplexrpc.core.annotation.RpcNotification;
import dev.duplexrpc.core.annotation.RpcParam;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * What {@code duplex serve} serves: an echo, the JSON-RPC 2.0 specification's example methods,
 * an error on demand, a call back to the caller and a stream.
 */
public final class TestService {

  /**
   * Returns its argument.
   *
   * @param value any JSON value
   * @return the value
   */
  @RpcMethod
  public JsonElement echo(JsonElement value) {
    return value;
  }

  /**
   * The specification's {@code subtract}, positional or named.
   *
   * @param minuend the number subtracted from
   * @param subtrahend the number subtracted
   * @return the difference
   */
  @RpcMethod
  public long subtract(@RpcParam("minuend") long minuend, @RpcParam("subtrahend") long subtrahend) {
    return minuend - subtrahend;
  }

  /**
   * The specification's {@code sum} of three numbers.
   *
   * @param a a number
   * @param b a number
   * @param c a number
   * @return their sum
   */
  @RpcMethod
  public long sum(long a, long b, long c) {
    return a + b + c;
  }

  /**
   * The specification's {@code get_data}.
   *
   * @return {@code ["hello", 5]}
   */
  @RpcMethod("get_data")
  public List<Object> getData() {
    return List.of("hello", 5);
  }

  /**
   * The specification's {@code update} notification; logged on stderr.
   *
   * @param a a number
   * @param b a number
   * @param c a number
   * @param d a number
   * @param e a number
   */
  @RpcNotification
  public void update(long a, long b, long c, long d, long e) {
    Duplex.ERR.println("duplex serve: update " + List.of(a, b, c, d, e));
  }

  /**
   * The specification's {@code notify_hello} notification; logged on stderr.
   *
   * @param n a number
   */
  @RpcNotification("notify_hello")
  public void notifyHello(long n) {
    Duplex.ERR.println("duplex serve: notify_hello " + n);
  }

  /**
   * The specification's {@code notify_sum} notification; logged on stderr.
   *
   * @param a a number
   * @param b a number
   * @param c a number
   */
  @RpcNotification("notify_sum")
  public void notifySum(long a, long b, long c) {
    Duplex.ERR.println("duplex serve: notify_sum " + (a + b + c));
  }

  /**
   * The numbers {@code 0 .. n-1} as a stream (docs/streaming.md), as fast as the caller asks.
   *
   * @param n how many, 0 to 1,000,000,000
   * @return the stream
   */
  @RpcMethod
  public Flow.Publisher<Long> count(@RpcParam("n") long n) {
    if (n < 0 || n > 1_000_000_000L) {
      throw new RpcException(-32602, "Invalid params", Json.reason("n", "must be 0 to 1000000000"));
    }
    return new Range(n);
  }

  /**
   * Answers with the error asked for, to see how a client shows one.
   *
   * @param code the error code
   * @param message the error message
   * @param data the error data, or null
   * @return never
   */
  @RpcMethod
  public Object fail(@RpcParam("code") int code, @RpcParam("message") String message,
      @RpcParam(value = "data", optional = true) JsonElement data) {
    throw new RpcException(code, message, data);
  }

  /**
   * Answers {@code millis} after the call, to see a client's timeout.
   *
   * @param millis how long to wait, 0 to 600,000
   * @return {@code millis}
   */
  @RpcMethod
  public CompletableFuture<Long> sleep(long millis) {
    if (millis < 0 || millis > 600_000) {
      throw new RpcException(-32602, "Invalid params", Json.reason("millis", "must be 0 to 600000"));
    }
    CompletableFuture<Long> answer = new CompletableFuture<>();
    CompletableFuture.delayedExecutor(millis, java.util.concurrent.TimeUnit.MILLISECONDS)
        .execute(() -> answer.complete(millis));
    return answer;
  }

  /**
   * Calls {@code method} on the caller (with {@code params}, an array or object, or none) and
   * answers with the caller's answer: the server calling the client back while serving its call.
   *
   * @param method the method the caller serves ({@code duplex} clients serve {@code echo})
   * @param params the params to send, or null for none
   * @param context the call being served
   * @return the caller's answer
   */
  @RpcMethod
  public CompletableFuture<JsonElement> callback(@RpcParam("method") String method,
      @RpcParam(value = "params", optional = true) JsonElement params, CallContext context) {
    if (params == null || params.isJsonNull()) {
      return context.peer().call(method, JsonElement.class);
    }
    if (params.isJsonArray()) {
      return context.peer().call(method, JsonElement.class, Json.positional(params));
    }
    if (params.isJsonObject()) {
      return context.peer().callNamed(method, JsonElement.class, Json.named(params.getAsJsonObject()));
    }
    throw new RpcException(-32602, "Invalid params", Json.reason("params", "an array, an object or absent"));
  }
}
