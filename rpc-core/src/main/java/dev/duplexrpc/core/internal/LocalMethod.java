package dev.duplexrpc.core.internal;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import com.google.gson.TypeAdapter;
import com.google.gson.reflect.TypeToken;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import dev.duplexrpc.core.CallContext;
import dev.duplexrpc.core.ErrorCodes;
import dev.duplexrpc.core.FallbackHandler;
import dev.duplexrpc.core.RpcException;
import dev.duplexrpc.core.internal.codec.JsonSlice;
import dev.duplexrpc.core.internal.codec.MessageWriter;
import dev.duplexrpc.core.internal.codec.SimpleValues;
import dev.duplexrpc.core.internal.proxy.PeerTargets;
import dev.duplexrpc.core.Peer;
import dev.duplexrpc.core.Progress;
import dev.duplexrpc.core.internal.stream.ProgressTable;
import dev.duplexrpc.core.internal.stream.StreamWire;
import dev.duplexrpc.core.internal.stream.Streams;
import java.io.IOException;
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
  private final int[] javaIndex;
  private final TypeAdapter<Object> resultAdapter;
  /** The element adapter of a varargs method's last parameter; null for other methods. */
  private final TypeAdapter<?> varargsAdapter;
  /** The Java index of the {@code @RawParams} parameter, or -1. */
  private final int rawIndex;
  /** Per wire parameter, how {@link #readSimple} reads it; null when that path is off for the method. */
  private final byte[] simpleKinds;
  /** Whether results are ints, longs or booleans written by Gson's own adapters. */
  private final boolean plainResult;
  /** Non-null for the Peer's fallback: params pass through as text, results by runtime class. */
  private final FallbackHandler fallback;
  private final Gson gson;

  private LocalMethod(
      ServiceMethod model,
      MethodHandle invoker,
      TypeAdapter<?>[] adapters,
      Object[] missingValues,
      TypeAdapter<Object> resultAdapter,
      TypeAdapter<?> varargsAdapter) {
    this.model = model;
    this.varargsAdapter = varargsAdapter;
    this.invoker = invoker;
    this.adapters = adapters;
    this.missingValues = missingValues;
    this.resultAdapter = resultAdapter;
    this.fallback = null;
    this.gson = null;
    this.javaIndex = new int[model.wireParams().size()];
    int raw = -1;
    for (int i = 0; i < model.params().size(); i++) {
      ServiceMethod.Param p = model.params().get(i);
      if (!p.context()) {
        javaIndex[p.wireIndex()] = i;
      }
      if (p.raw()) {
        raw = i;
      }
    }
    this.rawIndex = raw;
    byte[] kinds = new byte[javaIndex.length];
    for (int w = 0; kinds != null && w < kinds.length; w++) {
      int i = javaIndex[w];
      ServiceMethod.Param p = model.params().get(i);
      kinds[w] = p.optionalWrapper() || p.varargs() || p.raw() || p.stream() || p.progress() ? 0 : SimpleValues.kind(adapters[i]);
      if (kinds[w] == 0) {
        kinds = null;
      }
    }
    this.simpleKinds = kinds;
    this.plainResult =
        resultAdapter != null && SimpleValues.appendsPlain(SimpleValues.kind(resultAdapter));
  }

  private LocalMethod(ServiceMethod model, FallbackHandler fallback, Gson gson) {
    this.model = model;
    this.invoker = null;
    this.adapters = new TypeAdapter<?>[0];
    this.missingValues = new Object[0];
    this.resultAdapter = null;
    this.varargsAdapter = null;
    this.rawIndex = -1;
    this.javaIndex = new int[0];
    this.fallback = fallback;
    this.gson = gson;
    this.simpleKinds = null;
    this.plainResult = false;
  }

  /**
   * The method that serves every name no service registered, through a {@link FallbackHandler}.
   * Its model's wire name is a placeholder for logs; the served name is the message's.
   */
  public static LocalMethod fallback(FallbackHandler handler, Gson gson) {
    return handler("(fallback handler)", handler, gson);
  }

  /**
   * A method served by a handler that takes the params as text, as a {@link FallbackHandler}
   * does: the fallback, or a binding's built-in {@code rpc.} method.
   */
  public static LocalMethod handler(String wireName, FallbackHandler handler, Gson gson) {
    Method m;
    try {
      m = FallbackHandler.class.getMethod("handle", CallContext.class, String.class);
    } catch (NoSuchMethodException e) {
      throw new IllegalStateException(e);
    }
    ServiceMethod model = new ServiceMethod(wireName, ServiceMethod.Kind.REQUEST, m,
        ServiceMethod.ResultKind.FUTURE, Object.class, List.of(), List.of(), Map.of(), 0, false);
    return new LocalMethod(model, handler, gson);
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
    TypeAdapter<?> varargs = null;
    for (int i = 0; i < n; i++) {
      ServiceMethod.Param p = model.params().get(i);
      if (p.context() || p.raw()) {
        continue;
      }
      if (p.progress()) { // the token, verbatim: a string, or a number from a foreign caller
        adapters[i] = gson.getAdapter(com.google.gson.JsonElement.class);
        missing[i] = Progress.none();
        continue;
      }
      adapters[i] = gson.getAdapter(TypeToken.get(p.valueType()));
      if (p.varargs()) {
        varargs = gson.getAdapter(p.componentType());
        missing[i] = Array.newInstance(p.componentType(), 0);
      } else if (p.optionalWrapper()) {
        missing[i] = Optional.empty();
      } else if (p.rawType().isPrimitive()) {
        missing[i] = Array.get(Array.newInstance(p.rawType(), 1), 0);
      }
    }
    TypeAdapter<Object> result =
        model.resultType() == null
            ? null
            : (TypeAdapter<Object>) gson.getAdapter(TypeToken.get(model.resultType()));
    return new LocalMethod(model, invoker, adapters, missing, result, varargs);
  }

  /** The adapter of a stream result's items (of the result, for other methods). */
  public TypeAdapter<Object> itemAdapter() {
    return resultAdapter;
  }

  /** The model. */
  public ServiceMethod model() {
    return model;
  }

  /**
   * Converts the {@code params} member into Java arguments, reading it once, straight into each
   * parameter's type.
   *
   * @param params the params value, or null if absent
   * @param context the value for {@code CallContext} parameters
   * @throws RpcException with {@link ErrorCodes#INVALID_PARAMS} and data naming the parameter
   */
  public Object[] bindParams(JsonSlice params, Object context) {
    if (fallback != null) {
      return new Object[] {context, params == null ? null : params.toString()};
    }
    List<ServiceMethod.Param> ps = model.params();
    int n = ps.size();
    Object[] args = new Object[n];
    boolean[] given = new boolean[n];
    for (int i = 0; i < n; i++) {
      if (ps.get(i).context()) {
        args[i] = context;
        given[i] = true;
      }
    }
    if (rawIndex >= 0) {
      args[rawIndex] = raw(params);
      given[rawIndex] = true;
    } else if (params != null && !params.isNull()
        && !(simpleKinds != null && params.first() == '[' && readSimple(params, args, given))) {
      try {
        JsonReader in = params.reader();
        if (params.first() == '{') {
          readNamed(in, args, given);
        } else {
          readPositional(in, args, given);
        }
      } catch (IOException e) {
        // Cannot happen for text the parser accepted; kept as a clear error all the same.
        throw invalidData("malformed params: " + e.getMessage(), null);
      }
    }
    if (model.hasStreamParams()) {
      streamArguments(args, context);
    }
    for (int i = 0; i < n; i++) {
      if (!given[i]) {
        ServiceMethod.Param p = ps.get(i);
        if (!p.optional()) {
          throw invalid(p.name(), "missing required parameter");
        }
        args[i] = missingValues[i];
      }
    }
    return args;
  }

  /**
   * Reads positional params without a {@link JsonReader} (whose 2 KB buffer was most of the
   * allocation per call) when every parameter is an int, long, boolean or String bound by Gson's own
   * adapter and every value is in its plainest form: an integer literal of at most 9 (int) or 18
   * (long) digits, {@code true}/{@code false}, a string without escapes. Those read exactly as Gson
   * reads them. Anything else (null, fractions, exponents, escapes, big numbers, a wrong count, a
   * wrong type) returns false having set nothing, and the params are read by Gson, which also
   * words the errors.
   */
  private boolean readSimple(JsonSlice params, Object[] args, boolean[] given) {
    String t = params.text();
    int end = params.end() - 1; // the closing ']'
    int pos = skipWhitespace(t, params.start() + 1, end);
    int expected = simpleKinds.length;
    Object[] values = expected == 0 ? null : new Object[expected];
    int w = 0;
    while (pos < end) {
      if (w == expected) {
        return false;
      }
      int tokenEnd = SimpleValues.scanEnd(simpleKinds[w], t, pos, end);
      if (tokenEnd < 0) {
        return false;
      }
      Object v = SimpleValues.value(simpleKinds[w], t, pos, tokenEnd);
      pos = tokenEnd;
      pos = skipWhitespace(t, pos, end);
      if (pos < end) {
        if (t.charAt(pos) != ',') {
          return false; // for example the '.' or 'e' of a number: Gson decides
        }
        pos = skipWhitespace(t, pos + 1, end);
      }
      values[w++] = v;
    }
    for (int i = 0; i < w; i++) {
      args[javaIndex[i]] = values[i];
      given[javaIndex[i]] = true;
    }
    return true;
  }

  private static int skipWhitespace(String t, int pos, int end) {
    while (pos < end) {
      char c = t.charAt(pos);
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        break;
      }
      pos++;
    }
    return pos;
  }

  private void readNamed(JsonReader in, Object[] args, boolean[] given) throws IOException {
    Map<String, Integer> index = model.wireIndexByName();
    in.beginObject();
    while (in.hasNext()) {
      String name = in.nextName();
      Integer w = index.get(name);
      if (w == null) {
        throw invalid(name, "unknown parameter; expected one of " + index.keySet());
      }
      int i = javaIndex[w];
      args[i] = read(i, in);
      given[i] = true;
    }
    in.endObject();
  }

  /** The whole params for a {@code @RawParams} parameter, checked against its declared type. */
  private Object raw(JsonSlice params) {
    ServiceMethod.Param p = model.params().get(rawIndex);
    if (params == null || params.isNull()) {
      return null;
    }
    com.google.gson.JsonElement tree;
    try {
      tree = params.tree();
    } catch (RuntimeException e) { // valid JSON that Gson cannot read (see JsonSlice#read)
      throw invalid(p.name(), reason(e));
    }
    if (p.rawType() == com.google.gson.JsonArray.class && !tree.isJsonArray()) {
      throw invalidData("params must be an array (positional)", p.name());
    }
    if (p.rawType() == JsonObject.class && !tree.isJsonObject()) {
      throw invalidData("params must be an object (named)", p.name());
    }
    return tree;
  }

  private void readPositional(JsonReader in, Object[] args, boolean[] given) throws IOException {
    int expected = javaIndex.length;
    in.beginArray();
    int w = 0;
    while (in.hasNext()) {
      if (varargsAdapter != null && w == expected - 1) {
        int i = javaIndex[w];
        args[i] = readVarargs(i, in);
        given[i] = true;
        break;
      }
      if (w == expected) {
        int total = w;
        while (in.hasNext()) {
          in.skipValue();
          total++;
        }
        throw invalidData(
            "too many params: " + model.wireName() + " takes " + expected + ", got " + total, null);
      }
      int i = javaIndex[w++];
      args[i] = read(i, in);
      given[i] = true;
    }
    in.endArray();
  }

  /** The rest of the positional params, as the varargs array. */
  private Object readVarargs(int i, JsonReader in) throws IOException {
    ServiceMethod.Param p = model.params().get(i);
    java.util.List<Object> values = new java.util.ArrayList<>();
    while (in.hasNext()) {
      Object v;
      try {
        v = in.peek() == JsonToken.NULL ? nextNull(in) : varargsAdapter.read(in);
      } catch (IOException | RuntimeException e) {
        throw invalid(p.name(), "element " + values.size() + ": " + reason(e));
      }
      if (v == null && p.componentType().isPrimitive()) {
        throw invalid(p.name(), "element " + values.size() + " must not be null");
      }
      values.add(v);
    }
    Object array = Array.newInstance(p.componentType(), values.size());
    for (int k = 0; k < values.size(); k++) {
      Array.set(array, k, values.get(k));
    }
    return array;
  }

  private static Object nextNull(JsonReader in) throws IOException {
    in.nextNull();
    return null;
  }

  /**
   * Each stream parameter's id, read as its token object, becomes the stream's publisher; each
   * progress token, the progress that sends {@code $/progress} to the caller.
   */
  @SuppressWarnings("unchecked")
  private void streamArguments(Object[] args, Object context) {
    Peer peer = ((CallContext) context).peer();
    Streams streams = PeerTargets.of(peer).connection().streams();
    for (int i = 0; i < args.length; i++) {
      ServiceMethod.Param p = model.params().get(i);
      if (p.stream() && args[i] instanceof String id) {
        args[i] = streams.argument(id, (TypeAdapter<Object>) adapters[i]);
      } else if (p.progress()) {
        args[i] = ProgressTable.sender(peer, (com.google.gson.JsonElement) args[i]);
      }
    }
  }

  private Object read(int i, JsonReader in) throws IOException {
    ServiceMethod.Param p = model.params().get(i);
    if (p.stream() && in.peek() != JsonToken.NULL) {
      try {
        return StreamWire.TOKEN.read(in);
      } catch (IOException | RuntimeException e) {
        throw invalid(p.name(), "expected a stream: {\"stream\": \"<id>\"}");
      }
    }
    Object v;
    if (in.peek() == JsonToken.NULL) {
      in.nextNull();
      v = null;
    } else {
      try {
        v = adapters[i].read(in);
      } catch (IOException | RuntimeException e) {
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

  private static String reason(Exception e) {
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
    if (fallback != null) {
      return fallback.handle((CallContext) args[0], (String) args[1]);
    }
    return (Object) invoker.invokeExact(args);
  }

  /** A body writing a handler's result, or null to write {@code "result": null}. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public MessageWriter.Body resultBody(Object value) {
    if (fallback != null) {
      if (value == null) {
        return null;
      }
      TypeAdapter adapter = gson.getAdapter(value.getClass());
      return w -> adapter.write(w, value);
    }
    if (model.resultKind() == ServiceMethod.ResultKind.STREAM) {
      return w -> StreamWire.TOKEN.write(w, (String) value); // the id the handler's stream got
    }
    if (value == null || resultAdapter == null) {
      return null;
    }
    if (plainResult) {
      return MessageWriter.plain(resultAdapter, value); // written without a JsonWriter
    }
    return w -> resultAdapter.write(w, value);
  }
}
