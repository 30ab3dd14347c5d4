package dev.duplexrpc.core.internal.stream;

import com.google.gson.TypeAdapter;
import dev.duplexrpc.core.ConnectionClosedException;
import dev.duplexrpc.core.internal.call.CallTable;
import dev.duplexrpc.core.internal.codec.MessageWriter;
import dev.duplexrpc.core.internal.proxy.CallTarget;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.function.Function;

/**
 * A stream result as the caller sees it: a cold publisher that makes the call on each
 * subscription, on the connection the call target has at that moment, and consumes the stream the
 * response names. Cancelling before the response cancels the call ({@code rpc.cancel}).
 */
public final class ResultStream<T> implements Flow.Publisher<T> {
  private final CallTarget target;
  private final String method;
  private final Function<Streams, Prepared> params;
  private final TypeAdapter<T> adapter;
  private final long timeoutMillis;

  /**
   * The params of one call, written for one connection.
   *
   * @param body the params, or null for none
   * @param done run when the call is over: drops the stream arguments never claimed, stops
   *     listening for progress
   */
  public record Prepared(MessageWriter.Body body, Runnable done) {}

  /**
   * @param params writes the params for the connection the call goes to (offering its stream
   *     arguments there)
   * @param adapter reads each item
   * @param timeoutMillis the timeout of the call until its response (not of the stream)
   */
  public ResultStream(CallTarget target, String method, Function<Streams, Prepared> params,
      TypeAdapter<T> adapter, long timeoutMillis) {
    this.target = target;
    this.method = method;
    this.params = params;
    this.adapter = adapter;
    this.timeoutMillis = timeoutMillis;
  }

  @Override
  public void subscribe(Flow.Subscriber<? super T> subscriber) {
    Objects.requireNonNull(subscriber, "subscriber == null");
    CallTable connection = target.connection();
    if (connection == null) {
      subscriber.onSubscribe(Closed.INSTANCE);
      subscriber.onError(new ConnectionClosedException(1006, "not connected"));
      return;
    }
    Streams streams = connection.streams();
    Consumer<T> c = streams.consumer(adapter, subscriber);
    subscriber.onSubscribe(c);
    Prepared p;
    try {
      p = params.apply(streams);
    } catch (RuntimeException e) {
      c.abort(e);
      return;
    }
    CompletableFuture<String> call =
        connection.request(method, p.body(), StreamWire.TOKEN, timeoutMillis, true);
    c.beforeAttach(() -> call.cancel(true));
    call.whenComplete((id, e) -> {
      p.done().run();
      if (e != null) {
        c.abort(Streams.unwrap(e));
      } else {
        streams.attach(c, id);
      }
    });
  }

  @Override
  public String toString() {
    return "stream of " + method;
  }

  /** The subscription of a stream that failed before it started. */
  private enum Closed implements Flow.Subscription {
    INSTANCE;

    @Override
    public void request(long n) {}

    @Override
    public void cancel() {}
  }
}
