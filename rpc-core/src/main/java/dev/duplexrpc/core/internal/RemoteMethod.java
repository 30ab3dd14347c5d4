package dev.duplexrpc.core.internal;

import com.google.gson.Gson;
import com.google.gson.TypeAdapter;
import com.google.gson.reflect.TypeToken;
import dev.duplexrpc.core.internal.codec.MessageWriter;
import dev.duplexrpc.core.internal.codec.SimpleValues;
import java.util.Optional;

/** One method of a remote interface, bound to the Peer's Gson: writes the params of a proxy call. */
public final class RemoteMethod {
  private final ServiceMethod model;
  private final int[] javaIndex;
  private final TypeAdapter<?>[] adapters;
  private final TypeAdapter<?> resultAdapter;
  /** Whether every param is an int, long or boolean written by Gson's own adapter. */
  private final boolean plainParams;

  /** Resolves the adapters of a method model. */
  public RemoteMethod(ServiceMethod model, Gson gson) {
    this.model = model;
    int n = model.wireParams().size();
    this.javaIndex = new int[n];
    this.adapters = new TypeAdapter<?>[n];
    int w = 0;
    for (int i = 0; i < model.params().size(); i++) {
      ServiceMethod.Param p = model.params().get(i);
      if (!p.context()) {
        javaIndex[w] = i;
        adapters[w] = p.raw() ? gson.getAdapter(com.google.gson.JsonElement.class)
            : p.varargs() ? gson.getAdapter(p.componentType())
            : gson.getAdapter(TypeToken.get(p.valueType()));
        w++;
      }
    }
    this.resultAdapter =
        model.resultType() == null ? null : gson.getAdapter(TypeToken.get(model.resultType()));
    boolean plain = n > 0;
    for (int k = 0; k < n && plain; k++) {
      ServiceMethod.Param p = model.wireParams().get(k);
      plain = !p.raw() && !p.varargs() && !p.optionalWrapper()
          && SimpleValues.appendsPlain(SimpleValues.kind(adapters[k]));
    }
    this.plainParams = plain;
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
