package dev.duplexrpc.core.internal;

import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.util.List;
import java.util.Map;

/**
 * The immutable model of one annotated method, read once per class by {@link ServiceModel}: its
 * wire name, kind, parameters and result type. Independent of any Gson instance or Peer.
 */
public final class ServiceMethod {

  /** Request (gets a response) or notification (never does). */
  public enum Kind {
    REQUEST,
    NOTIFICATION
  }

  /** How the Java return type maps to the JSON-RPC result. */
  public enum ResultKind {
    /** {@code void}: the result is {@code null}. */
    VOID,
    /** A plain value, returned synchronously. */
    VALUE,
    /** {@code CompletableFuture<T>} or {@code CompletionStage<T>}. */
    FUTURE,
    /**
     * {@code Flow.Publisher<T>}: the result is a stream of {@code T} (see docs/streaming.md); the
     * result type is {@code T}.
     */
    STREAM
  }

  /**
   * One Java parameter.
   *
   * @param name the wire name (null for a context parameter)
   * @param type the declared generic type
   * @param valueType the type Gson converts: the declared type, or {@code T} of {@code Optional<T>}
   * @param rawType the declared erased type
   * @param optional whether the caller may leave it out
   * @param optionalWrapper whether the declared type is {@code java.util.Optional}
   * @param context whether it is an injected {@code CallContext}, not a wire parameter
   * @param wireIndex the position among wire parameters, or -1 for a context parameter
   * @param varargs whether it is the array of a Java varargs method: positional params from its
   *     position on are its elements; a named one is the array
   * @param raw whether it is a {@code @RawParams} parameter: the whole {@code params} member
   */
  public record Param(
      String name,
      Type type,
      Type valueType,
      Class<?> rawType,
      boolean optional,
      boolean optionalWrapper,
      boolean context,
      int wireIndex,
      boolean varargs,
      boolean raw) {
    /** Whether it is a {@code Progress}: the caller's progress token on the wire. */
    public boolean progress() {
      return rawType == dev.duplexrpc.core.Progress.class;
    }

    /** Whether it is a {@code Flow.Publisher<T>}: a stream of {@code T = valueType} from the caller. */
    public boolean stream() {
      return rawType == java.util.concurrent.Flow.Publisher.class;
    }

    /** The element type of a varargs parameter. */
    public Class<?> componentType() {
      return rawType.getComponentType();
    }
  }

  private final String wireName;
  private final Kind kind;
  private final Method method;
  private final ResultKind resultKind;
  private final Type resultType;
  private final List<Param> params;
  private final List<Param> wireParams;
  private final Map<String, Integer> wireIndexByName;
  private final long timeoutMillis;
  private final boolean hasStreamParams;
  private final boolean direct;

  ServiceMethod(
      String wireName,
      Kind kind,
      Method method,
      ResultKind resultKind,
      Type resultType,
      List<Param> params,
      List<Param> wireParams,
      Map<String, Integer> wireIndexByName,
      long timeoutMillis,
      boolean direct) {
    this.wireName = wireName;
    this.kind = kind;
    this.method = method;
    this.resultKind = resultKind;
    this.resultType = resultType;
    this.params = params;
    this.wireParams = wireParams;
    this.wireIndexByName = wireIndexByName;
    this.timeoutMillis = timeoutMillis;
    this.hasStreamParams = params.stream().anyMatch(p -> p.stream() || p.progress());
    this.direct = direct;
  }

  /** The full wire name, prefix included. */
  public String wireName() {
    return wireName;
  }

  /** Request or notification. */
  public Kind kind() {
    return kind;
  }

  /** The annotated Java method. */
  public Method method() {
    return method;
  }

  /** How the return type maps to the result. */
  public ResultKind resultKind() {
    return resultKind;
  }

  /** The type of the JSON result ({@code T} of a future), or null for {@code void}. */
  public Type resultType() {
    return resultType;
  }

  /** Whether a parameter is a stream or a progress, bound to the connection. */
  public boolean hasStreamParams() {
    return hasStreamParams;
  }

  /** Every Java parameter, in declaration order. */
  public List<Param> params() {
    return params;
  }

  /** The wire parameters only, in positional order. */
  public List<Param> wireParams() {
    return wireParams;
  }

  /** Wire parameter index by wire name. */
  public Map<String, Integer> wireIndexByName() {
    return wireIndexByName;
  }

  /** The annotated timeout: 0 for the Peer default, -1 for none. */
  public long timeoutMillis() {
    return timeoutMillis;
  }

  /** Whether it runs on the decoding thread ({@code @DirectExecution} on it or its type). */
  public boolean direct() {
    return direct;
  }

  /** {@code Declaring.method(ParamType, ...)}, for messages. */
  public String javaName() {
    StringBuilder sb = new StringBuilder(method.getDeclaringClass().getSimpleName())
        .append('.').append(method.getName()).append('(');
    Class<?>[] types = method.getParameterTypes();
    for (int i = 0; i < types.length; i++) {
      sb.append(i == 0 ? "" : ", ").append(types[i].getSimpleName());
    }
    return sb.append(')').toString();
  }

  @Override
  public String toString() {
    return kind + " " + wireName + " (" + javaName() + ")";
  }
}
