package dev.duplexrpc.core.internal;

import com.google.gson.Gson;
import com.google.gson.TypeAdapter;
import com.google.gson.reflect.TypeToken;
import dev.duplexrpc.core.Progress;
import dev.duplexrpc.core.internal.codec.MessageWriter;
import dev.duplexrpc.core.internal.codec.SimpleValues;
import dev.duplexrpc.core.internal.stream.ResultStream;
import dev.duplexrpc.core.internal.stream.StreamWire;
import dev.duplexrpc.core.internal.stream.Streams;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Flow;

/** One method of a remote interface, bound to the Peer's Gson: writes the params of a proxy call. */
public final class RemoteMethod {
  private final ServiceMethod model;
  private final int[] javaIndex;
  private final TypeAdapter<?>[] adapters;
  private final TypeAdapter<?> resultAdapter;
  /** Per wire parameter, the item adapter of a stream parameter; null for the others. */
  private final TypeAdapter<?>[] itemAdapters;
  /** Whether the result or a parameter is a stream: the call then goes through internal.stream. */
  private final boolean streaming;
  /** Whether every param is an int, long or boolean written by Gson's own adapter. */
  private final boolean plainParams;

  /** Resolves the adapters of a method model. */
  public RemoteMethod(ServiceMethod model, Gson gson) {
    this.model = model;
    int n = model.wireParams().size();
    this.javaIndex = new int[n];
    this.adapters = new TypeAdapter<?>[n];
    this.itemAdapters = new TypeAdapter<?>[n];
    boolean streams = model.resultKind() == ServiceMethod.ResultKind.STREAM;
    int w = 0;
    for (int i = 0; i < model.params().size(); i++) {
      ServiceMethod.Param p = model.params().get(i);
      if (p.progress()) {
        javaIndex[w] = i;
        adapters[w] = gson.getAdapter(String.class); // the argument is replaced by its token
        streams = true;
        w++;
      } else if (p.stream()) {
        javaIndex[w] = i;
        adapters[w] = StreamWire.TOKEN; // the argument is replaced by the offered stream's id
        itemAdapters[w] = gson.getAdapter(TypeToken.get(p.valueType()));
        streams = true;
        w++;
      } else if (!p.context()) {
        javaIndex[w] = i;
        adapters[w] = p.raw() ? gson.getAdapter(com.google.gson.JsonElement.class)
            : p.varargs() ? gson.getAdapter(p.componentType())
            : gson.getAdapter(TypeToken.get(p.valueType()));
        w++;
      }
    }
    this.resultAdapter =
        model.resultType() == null ? null : gson.getAdapter(TypeToken.get(model.resultType()));
    this.streaming = streams;
    boolean plain = n > 0 && !streams; // stream params are replaced by tokens
    for (int k = 0; k < n && plain; k++) {
      ServiceMethod.Param p = model.wireParams().get(k);
      plain = !p.raw() && !p.varargs() && !p.optionalWrapper()
          && SimpleValues.appendsPlain(SimpleValues.kind(adapters[k]));
    }
    this.plainParams = plain;
  }

  /** Whether the result or a parameter is a stream. */
  public boolean streaming() {
    return streaming;
  }

  /**
   * The params of a call on one connection: each stream argument is offered there and sent as
   * its token object.
   *
   * @throws dev.duplexrpc.core.RpcException if the connection has no room for another stream
   */
  public ResultStream.Prepared prepare(Object[] args, Streams streams) {
    Object[] a = args.clone();
    List<String> offered = new ArrayList<>();
    List<String> listening = new ArrayList<>();
    Runnable done = () -> {
      offered.forEach(streams::releaseUnclaimed);
      listening.forEach(streams.progress()::unregister);
    };
    try {
      for (int w = 0; w < javaIndex.length; w++) {
        Object v = a[javaIndex[w]];
        if (v instanceof Progress p && model.wireParams().get(w).progress()) {
          String token = streams.progress().register(p);
          listening.add(token);
          a[javaIndex[w]] = token;
        } else if (itemAdapters[w] != null && v != null) {
          String id = streams.produce((Flow.Publisher<?>) v, itemAdapters[w]);
          offered.add(id);
          a[javaIndex[w]] = id;
        }
      }
      return new ResultStream.Prepared(params(a), done);
    } catch (RuntimeException e) {
      done.run();
      throw e;
    }
  }

  /** The model. */
  public ServiceMethod model() {
    return model;
  }

  /** The adapter of the result, or null for none (void). */
  public TypeAdapter<?> resultAdapter() {
    return resultAdapter;
  }

  /** The params as a positional array, or null when the method takes none. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public MessageWriter.Body params(Object[] args) {
    if (javaIndex.length == 0) {
      return null;
    }
    if (model.wireParams().get(0).raw()) { // @RawParams: the argument is the params member
      Object raw = args[javaIndex[0]];
      if (raw == null || ((com.google.gson.JsonElement) raw).isJsonNull()) {
        return null;
      }
      com.google.gson.JsonElement tree = (com.google.gson.JsonElement) raw;
      if (!tree.isJsonArray() && !tree.isJsonObject()) {
        throw new IllegalArgumentException("@RawParams of " + model.wireName()
            + " must be a JSON array or object, not " + tree);
      }
      return out -> ((TypeAdapter<com.google.gson.JsonElement>) adapters[0]).write(out, tree);
    }
    if (plainParams) {
      // The proxy's own argument array when it holds only the params (no CallContext).
      Object[] values = javaIndex.length == args.length ? args : new Object[javaIndex.length];
      boolean noNull = true;
      for (int w = 0; w < javaIndex.length && noNull; w++) {
        values[w] = args[javaIndex[w]];
        noNull = values[w] != null;
      }
      if (noNull) {
        return MessageWriter.plainArray(adapters, values); // written without a JsonWriter
      }
    }
    return out -> {
      out.beginArray();
      for (int w = 0; w < javaIndex.length; w++) {
        Object v = args[javaIndex[w]];
        if (model.wireParams().get(w).varargs()) { // spread: each element is a positional param
          for (int k = 0, n = v == null ? 0 : java.lang.reflect.Array.getLength(v); k < n; k++) {
            Object e = java.lang.reflect.Array.get(v, k);
            if (e == null) {
              out.nullValue();
            } else {
              ((TypeAdapter) adapters[w]).write(out, e);
            }
          }
          continue;
        }
        if (v instanceof Optional<?> o && model.wireParams().get(w).optionalWrapper()) {
          v = o.orElse(null);
        }
        if (v == null) {
          out.nullValue();
        } else {
          ((TypeAdapter) adapters[w]).write(out, v);
        }
      }
      out.endArray();
    };
  }
}
