package dev.duplexrpc.core.internal.stream;

import com.google.gson.JsonObject;
import com.google.gson.TypeAdapter;
import dev.duplexrpc.core.ConnectionClosedException;
import dev.duplexrpc.core.ErrorCodes;
import dev.duplexrpc.core.PeerConfig;
import dev.duplexrpc.core.RpcException;
import dev.duplexrpc.core.StreamSettings;
import dev.duplexrpc.core.internal.ConnectionState;
import dev.duplexrpc.core.internal.Defaults;
import dev.duplexrpc.core.internal.LazyMap;
import dev.duplexrpc.core.internal.codec.JsonSlice;
import dev.duplexrpc.core.internal.codec.MessageWriter;
import dev.duplexrpc.core.transport.Transport;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.System.Logger.Level;
import java.lang.reflect.InvocationTargetException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;

/**
 * The streams of one connection: those this end produces (by its own ids) and those it consumes
 * (by the other end's ids), the limit on how many are open, the routing of incoming {@code
 * rpc.stream.*} messages, and the end of every stream when the connection closes. Thread-safe.
 */
public final class Streams {
  private static final System.Logger LOG = System.getLogger(Streams.class.getName());

  private static final VarHandle OPEN;
  private static final VarHandle NEXT_ID;
  private static final VarHandle PROGRESS;

  static {
    try {
      MethodHandles.Lookup l = MethodHandles.lookup();
      OPEN = l.findVarHandle(Streams.class, "open", int.class);
      NEXT_ID = l.findVarHandle(Streams.class, "nextId", long.class);
      PROGRESS = l.findVarHandle(Streams.class, "progress", ProgressTable.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final Transport transport;
  private final ConnectionState state;
  private final MessageWriter writer;
  private final Executor executor;
  private final StreamSettings settings;
  private final int maxItemSize;
  private final int maxMessageSize;
  private final boolean exposeErrorDetails;
  private final PeerConfig config;
  private final LazyMap<String, Producer> producers = new LazyMap<>();
  private final LazyMap<String, Consumer<?>> consumers = new LazyMap<>();
  private volatile int open; // through OPEN
  private volatile long nextId; // through NEXT_ID
  private volatile ProgressTable progress; // made by the first progress(), through PROGRESS
  private final long unclaimedMillis; // the call timeout; 0: stream results never expire unclaimed

  /** The streams of a connection over {@code transport}, with the configuration's limits. */
  public Streams(Transport transport, ConnectionState state, MessageWriter writer, Executor executor,
      PeerConfig config) {
    this.transport = transport;
    this.state = state;
    this.writer = writer;
    this.executor = executor;
    this.settings = config.streams();
    this.maxMessageSize = config.maxMessageSize();
    this.maxItemSize = Math.min(settings.maxItemSize(), maxMessageSize - 128);
    this.exposeErrorDetails = config.exposeErrorDetails();
    this.config = config;
    this.unclaimedMillis = config.callTimeout().toMillis();
  }

  /**
   * The progress listeners of this end's calls; made on first use (a call with a progress
   * parameter, or a progress notification), so a connection that never uses progress has none.
   */
  public ProgressTable progress() {
    ProgressTable p = progress;
    if (p == null) {
      ProgressTable made = new ProgressTable(executor);
      p = (ProgressTable) PROGRESS.compareAndExchange(this, null, made);
      if (p == null) {
        p = made;
      }
    }
    return p;
  }

  /** How many streams are open, both directions. */
  public int open() {
    return open;
  }

  /**
   * Routes an incoming {@code rpc.stream.*} notification, on the transport's thread: credit and
   * cancellation to the producer, items and the end to the consumer. Messages for a stream this
   * end does not know (already ended or cancelled) are dropped.
   */
  public void receive(String method, JsonSlice params) {
    String id = StreamWire.token(params);
    if (id == null) {
      LOG.log(Level.DEBUG, "Dropping {0}: no stream id", method);
      return;
    }
    switch (method) {
      case StreamWire.REQUEST -> {
        Producer p = producers.get(id);
        if (p != null) {
          p.credit(StreamWire.credit(params));
        }
      }
      case StreamWire.CANCEL -> {
        Producer p = producers.get(id);
        if (p != null) {
          release(p);
          p.cancel();
        }
      }
      case StreamWire.NEXT, StreamWire.END -> {
        Consumer<?> c = consumers.get(id);
        if (c != null) {
          c.wire(method.equals(StreamWire.END), params);
        }
      }
      default -> LOG.log(Level.DEBUG, "Dropping unknown stream message {0}", method);
    }
  }

  /**
   * Offers a publisher to the other end: a stream result or argument. It is subscribed when the
   * first credit comes.
   *
   * @return the stream id, for the token object
   * @throws RpcException -32003 when {@code maxStreams} are open; -32002 when the connection closed
   */
  @SuppressWarnings("unchecked")
  public String produce(Flow.Publisher<?> publisher, TypeAdapter<?> adapter) {
    if (publisher == null) {
      throw new IllegalStateException("a stream method returned or was given a null Flow.Publisher");
    }
    reserve();
    String id = Long.toString((long) NEXT_ID.getAndAdd(this, 1L) + 1);
    Producer p = new Producer(this, id, (Flow.Publisher<Object>) publisher,
        (TypeAdapter<Object>) adapter, settings.window());
    producers.put(id, p);
    return id;
  }

  /**
   * Offers a stream result: like {@link #produce}, and dropped (its publisher cancelled) if the
   * caller asks for no item within the call timeout, as a caller whose call timed out never will.
   */
  public String produceResult(Flow.Publisher<?> publisher, TypeAdapter<?> adapter) {
    String id = produce(publisher, adapter);
    if (unclaimedMillis > 0) {
      Defaults.timer().schedule(() -> releaseUnclaimed(id), unclaimedMillis, TimeUnit.MILLISECONDS);
    }
    return id;
  }

  /**
   * Drops a stream this end offered if the other end never asked for an item (its publisher is
   * cancelled): an argument when the call that carried it is over, a result after the timeout.
   */
  public void releaseUnclaimed(String id) {
    Producer p = producers.get(id);
    if (p != null && p.unclaimed()) {
      release(p);
      p.cancel();
    }
  }

  /** The publisher of a stream the other end offered as an argument (one subscriber). */
  public <T> Flow.Publisher<T> argument(String id, TypeAdapter<T> adapter) {
    return new ArgumentStream<>(this, id, adapter);
  }

  /** A consumer not yet bound to a stream id, for a subscriber. */
  <T> Consumer<T> consumer(TypeAdapter<T> adapter, Flow.Subscriber<? super T> subscriber) {
    return new Consumer<>(this, adapter, subscriber, settings.window());
  }

  /**
   * Binds a consumer to the stream the other end named, and grants the first credit; if it
   * cannot be opened (limit, closed, cancelled meanwhile) the producer is told to stop.
   */
  void attach(Consumer<?> c, String id) {
    if (c.isCancelled()) {
      send(StreamWire.CANCEL, out -> StreamWire.TOKEN.write(out, id));
      return;
    }
    try {
      reserve();
    } catch (RpcException e) {
      send(StreamWire.CANCEL, out -> StreamWire.TOKEN.write(out, id));
      c.abort(e);
      return;
    }
    if (consumers.putIfAbsent(id, c) != null) {
      OPEN.getAndAdd(this, -1);
      c.abort(StreamWire.violation("stream " + id + " is already being consumed"));
      return;
    }
    c.attached(id);
    ConnectionClosedException closed = state.closed();
    if (closed != null && consumers.remove(id, c)) { // closed while attaching: closed() missed it
      OPEN.getAndAdd(this, -1);
      c.abort(closed);
    }
  }

  private void reserve() {
    ConnectionClosedException closed = state.closed();
    if (closed != null) {
      throw closed;
    }
    if ((int) OPEN.getAndAdd(this, 1) + 1 > settings.maxStreams()) {
      OPEN.getAndAdd(this, -1);
      throw StreamWire.limit(settings.maxStreams() + " streams already open on this connection");
    }
  }

  /** Forgets a producer; true if it was open. */
  boolean release(Producer p) {
    if (producers.remove(p.id, p)) {
      OPEN.getAndAdd(this, -1);
      return true;
    }
    return false;
  }

  /** Forgets a consumer; true if it was open. */
  boolean release(Consumer<?> c, String id) {
    if (id != null && consumers.remove(id, c)) {
      OPEN.getAndAdd(this, -1);
      return true;
    }
    return false;
  }

  /**
   * Ends every stream at once: consumers fail with {@code closed}, producers are cancelled.
   */
  public void closed(ConnectionClosedException closed) {
    for (Producer p : producers.values()) {
      if (release(p)) {
        p.cancel();
      }
    }
    for (var e : consumers.entrySet()) {
      if (release(e.getValue(), e.getKey())) {
        e.getValue().abort(closed);
      }
    }
  }

  /** Sends a stream message, unless the connection is closed; a failed send is the close's. */
  void send(String method, MessageWriter.Body params) {
    transmit(text(method, params));
  }

  /** The text of a stream message. */
  String text(String method, MessageWriter.Body params) {
    return writer.notification(method, params);
  }

  /**
   * Hands a stream message's text to the transport, unless the connection is closed.
   *
   * @return completes (never exceptionally) when the transport has written it or failed to; null
   *     when nothing was sent
   */
  CompletableFuture<Void> transmit(String text) {
    if (state.closed() != null) {
      return null;
    }
    CompletableFuture<Void> written = new CompletableFuture<>();
    transport.send(text).whenComplete((v, e) -> {
      if (e != null) {
        LOG.log(Level.DEBUG, "Stream message not sent: {0}", e.toString());
      }
      written.complete(null);
    });
    return written;
  }

  /** How many characters of its items a producer may have handed to the transport unwritten. */
  int unwrittenBudget() {
    return maxMessageSize;
  }

  /** An item as JSON text. */
  String itemText(TypeAdapter<Object> adapter, Object item) {
    return writer.value(out -> adapter.write(out, item));
  }

  int maxItemSize() {
    return maxItemSize;
  }

  /** The room for items in one {@code rpc.stream.next} message of stream {@code id}. */
  int itemBudget(String id) {
    return maxMessageSize - 96 - id.length();
  }

  Executor executor() {
    return executor;
  }

  /** Writes the {@code error} object of a stream's end: as a handler's error would be answered. */
  MessageWriter.Body endWithError(String id, Throwable failure) {
    Throwable t = unwrap(failure);
    int code;
    String message;
    Object data = null;
    if (t instanceof RpcException e) {
      code = e.code();
      message = e.errorMessage();
      data = e.dataValue();
    } else if (t instanceof CancellationException) {
      code = ErrorCodes.CANCELLED;
      message = "Request cancelled";
    } else {
      LOG.log(Level.WARNING, "Stream " + id + " failed", t);
      code = ErrorCodes.INTERNAL_ERROR;
      message = "Internal error";
      if (exposeErrorDetails) {
        JsonObject d = new JsonObject();
        d.addProperty("exception", t.getClass().getName());
        if (t.getMessage() != null) {
          d.addProperty("message", t.getMessage());
        }
        data = d;
      }
    }
    String dataText = null;
    if (data != null) {
      try {
        dataText = MessageWriter.valueText(config.gson(), data);
      } catch (RuntimeException unwritable) {
        LOG.log(Level.WARNING, "Data of the error of stream " + id + " not sent", unwritable);
      }
    }
    String d = dataText;
    return out -> {
      out.beginObject().name("stream").value(id).name("error").beginObject()
          .name("code").value(code).name("message").value(message);
      if (d != null) {
        out.name("data").jsonValue(d);
      }
      out.endObject().endObject();
    };
  }

  static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException
            || t instanceof InvocationTargetException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
