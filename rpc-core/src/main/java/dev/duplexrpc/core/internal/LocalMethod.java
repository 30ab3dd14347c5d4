package dev.duplexrpc.core.internal;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.TypeAdapter;
import com.google.gson.reflect.TypeToken;
import dev.duplexrpc.core.ErrorCodes;
import dev.duplexrpc.core.RpcException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Array;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One served method: the model bound to a service instance and to the Peer's Gson. Resolved once
 * at registration; serving a call is parameter conversion plus one {@link MethodHandle} call.
 */
public final class LocalMethod {
  private final ServiceMethod model;
  private final MethodHandle invoker;
  private final TypeAdapter<?>[] adapters;
  private final Object[] missingValues;
  private final TypeAdapter<Object> resultAdapter;

  private LocalMethod(
      ServiceMethod model,
      MethodHandle invoker,
      TypeAdapter<?>[] adapters,
      Object[] missingValues,
      TypeAdapter<Object> resultAdapter) {
    this.model = model;
    this.invoker = invoker;
    this.adapters = adapters;
    this.missingValues = missingValues;
    this.resultAdapter = resultAdapter;
  }

  /**
   * Binds a method model to an instance and a Gson.
   *
   * @throws IllegalArgumentException if the method cannot be accessed
   */
  @SuppressWarnings("unchecked")
  public static LocalMethod bind(ServiceMethod model, Object instance, Gson gson) {
    Method m = model.method();
    MethodHandle mh;
    try {
      m.trySetAccessible();
      mh = MethodHandles.lookup().unreflect(m);
    } catch (IllegalAccessException e) {
      throw ServiceModel.error(
          m,
          "The method is not accessible to Duplex RPC: make it public, in a public type, and export"
              + " or open its package to module dev.duplexrpc.core. (" + e.getMessage() + ")");
    }
    int n = model.params().size();
    MethodHandle invoker =
        mh.bindTo(instance)
            .asSpreader(Object[].class, n)
            .asType(MethodType.methodType(Object.class, Object[].class));
    TypeAdapter<?>[] adapters = new TypeAdapter<?>[n];
    Object[] missing = new Object[n];
    for (int i = 0; i < n; i++) {
      ServiceMethod.Param p = model.params().get(i);
      if (p.context()) {
        continue;
      }
      adapters[i] = gson.getAdapter(TypeToken.get(p.valueType()));
      if (p.optionalWrapper()) {
        missing[i] = Optional.empty();
      } else if (p.rawType().isPrimitive()) {
        missing[i] = Array.get(Array.newInstance(p.rawType(), 1), 0);
      }
    }
    TypeAdapter<Object> result =
        model.resultType() == null
            ? null
            : (TypeAdapter<Object>) gson.getAdapter(TypeToken.get(model.resultType()));
    return new LocalMethod(model, invoker, adapters, missing, result);
  }

  /** The model. */
  public ServiceMethod model() {
    return model;
  }

  /**
   * Converts the {@code params} member into Java arguments.
   *
   * @param params the params tree, or null if absent
   * @param context the value for {@code CallContext} parameters
   * @throws RpcException with {@link ErrorCodes#INVALID_PARAMS} and data naming the parameter
   */
  public Object[] bindParams(JsonElement params, Object context) {
    List<ServiceMethod.Param> ps = model.params();
    int n = ps.size();
    Object[] args = new Object[n];
    if (params == null || params.isJsonNull()) {
      params = null;
    }
    if (params instanceof JsonObject obj) {
      Map<String, Integer> index = model.wireIndexByName();
      for (String key : obj.keySet()) {
        if (!index.containsKey(key)) {
          throw invalid(key, "unknown parameter; expected one of " + index.keySet());
        }
      }
      for (int i = 0; i < n; i++) {
        ServiceMethod.Param p = ps.get(i);
        args[i] = p.context() ? context : convert(i, p, obj.has(p.name()) ? obj.get(p.name()) : null, !obj.has(p.name()));
      }
    } else {
      JsonArray arr = params instanceof JsonArray a ? a : null;
      int given = arr == null ? 0 : arr.size();
      int expected = model.wireParams().size();
      if (given > expected) {
        throw invalidData(
            "too many params: " + model.wireName() + " takes " + expected + ", got " + given, null);
      }
      for (int i = 0; i < n; i++) {
        ServiceMethod.Param p = ps.get(i);
        if (p.context()) {
          args[i] = context;
        } else {
          int w = p.wireIndex();
          args[i] = convert(i, p, w < given ? arr.get(w) : null, w >= given);
        }
      }
    }
    return args;
  }

  private Object convert(int i, ServiceMethod.Param p, JsonElement value, boolean missing) {
    if (missing) {
      if (!p.optional()) {
        throw invalid(p.name(), "missing required parameter");
      }
      return missingValues[i];
    }
    Object v;
    if (value.isJsonNull()) {
      v = null;
    } else {
      try {
        v = Trees.read(adapters[i], value);
      } catch (RuntimeException e) {
        throw invalid(p.name(), reason(e));
      }
    }
    if (p.optionalWrapper()) {
      return Optional.ofNullable(v);
    }
    if (v == null && p.rawType().isPrimitive()) {
      if (p.optional()) {
        return missingValues[i];
      }
      throw invalid(p.name(), "must not be null");
    }
    return v;
  }

  private static String reason(RuntimeException e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String m = t.getMessage();
    return m == null ? t.getClass().getSimpleName() : m;
  }

  private static RpcException invalid(String parameter, String reason) {
    return invalidData(reason, parameter);
  }

  private static RpcException invalidData(String reason, String parameter) {
    JsonObject data = new JsonObject();
    if (parameter != null) {
      data.addProperty("parameter", parameter);
    }
    data.addProperty("reason", reason);
    return new RpcException(ErrorCodes.INVALID_PARAMS, "Invalid params", data);
  }

  /** Calls the handler; exceptions it throws propagate unchanged. */
  public Object invoke(Object[] args) throws Throwable {
    return (Object) invoker.invokeExact(args);
  }

  /** A body writing a handler's result, or null to write {@code "result": null}. */
  public MessageWriter.Body resultBody(Object value) {
    if (value == null || resultAdapter == null) {
      return null;
    }
    return w -> resultAdapter.write(w, value);
  }
}
