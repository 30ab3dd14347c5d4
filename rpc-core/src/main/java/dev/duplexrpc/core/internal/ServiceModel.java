package dev.duplexrpc.core.internal;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.duplexrpc.core.annotation.DirectExecution;
import dev.duplexrpc.core.annotation.RawParams;
import dev.duplexrpc.core.CallContext;
import dev.duplexrpc.core.Progress;
import dev.duplexrpc.core.annotation.RpcError;
import dev.duplexrpc.core.annotation.RpcMethod;
import dev.duplexrpc.core.annotation.RpcNotification;
import dev.duplexrpc.core.annotation.RpcParam;
import dev.duplexrpc.core.annotation.RpcService;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import dev.duplexrpc.core.internal.stream.StreamWire;

/**
 * The annotated methods of one class, read once and cached per class ({@link ClassValue}). Every
 * registration error is raised here, with a message that names the method.
 */
public final class ServiceModel {
  /** The types a {@code @RawParams} parameter may have. */
  private static final java.util.Set<Class<?>> RAW_TYPES =
      java.util.Set.of(JsonElement.class, JsonArray.class, JsonObject.class);


  private static final ClassValue<Object> CACHE =
      new ClassValue<>() {
        @Override
        protected Object computeValue(Class<?> type) {
          try {
            return new ServiceModel(type);
          } catch (IllegalArgumentException e) {
            return e; // cache the failure too; it is rethrown on every lookup
          }
        }
      };

  private final Class<?> type;
  private final List<ServiceMethod> methods;
  private final Map<Method, ServiceMethod> byJavaMethod;

  /**
   * The model of a class or interface.
   *
   * @throws IllegalArgumentException if an annotated method is invalid
   */
  /**
   * Checks that an object has RPC methods, as a service must.
   *
   * @return the service
   * @throws IllegalArgumentException if a method is invalid or it has none
   */
  public static Object requireRpcMethods(Object service) {
    Objects.requireNonNull(service, "service == null");
    if (of(service.getClass()).methods().isEmpty()) {
      throw new IllegalArgumentException(service.getClass().getName()
          + " has no @RpcMethod or @RpcNotification methods (in itself, its superclasses or"
          + " its interfaces)");
    }
    return service;
  }

  public static ServiceModel of(Class<?> type) {
    Object v = CACHE.get(type);
    if (v instanceof IllegalArgumentException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    return (ServiceModel) v;
  }

  /**
   * The model of one of the library's own services, whose wire names may use the reserved
   * {@code rpc.} prefix. Not cached.
   */
  static ServiceModel builtin(Class<?> type) {
    return new ServiceModel(type, true);
  }

  private ServiceModel(Class<?> type) {
    this(type, false);
  }

  private ServiceModel(Class<?> type, boolean builtin) {
    this.type = type;
    List<ServiceMethod> list = new ArrayList<>();
    Map<Method, ServiceMethod> byMethod = new HashMap<>();
    Map<String, ServiceMethod> byName = new HashMap<>();
    Set<String> seenSignatures = new HashSet<>();
    for (Class<?> c : hierarchy(type)) {
      Method[] declared = c.getDeclaredMethods();
      Arrays.sort(declared, (a, b) -> a.toString().compareTo(b.toString()));
      for (Method m : declared) {
        if (m.isSynthetic() || m.isBridge() || Modifier.isStatic(m.getModifiers())) {
          continue;
        }
        boolean request = m.isAnnotationPresent(RpcMethod.class);
        boolean notification = m.isAnnotationPresent(RpcNotification.class);
        if (!request && !notification) {
          continue;
        }
        String signature = m.getName() + Arrays.toString(m.getParameterTypes());
        if (!seenSignatures.add(signature)) {
          continue; // overridden by a more specific annotated declaration already read
        }
        ServiceMethod sm = parse(m, request, notification, builtin);
        ServiceMethod clash = byName.putIfAbsent(sm.wireName(), sm);
        if (clash != null) {
          throw error(
              m,
              "Duplicate RPC method name '" + sm.wireName() + "', also used by " + clash.javaName()
                  + ". Overloads need distinct names: @RpcMethod(\"otherName\").");
        }
        list.add(sm);
        byMethod.put(m, sm);
      }
    }
    this.methods = Collections.unmodifiableList(list);
    this.byJavaMethod = Collections.unmodifiableMap(byMethod);
  }

  /** The class this model describes. */
  public Class<?> type() {
    return type;
  }

  /** The annotated methods, in a stable order. */
  public List<ServiceMethod> methods() {
    return methods;
  }

  /** The model of a Java method of this type, or null if it is not annotated here. */
  public ServiceMethod forMethod(Method m) {
    return byJavaMethod.get(m);
  }

  /** The class itself, its superclasses, then every interface, breadth first. */
  private static List<Class<?>> hierarchy(Class<?> type) {
    List<Class<?>> out = new ArrayList<>();
    Deque<Class<?>> queue = new ArrayDeque<>();
    Set<Class<?>> seen = new HashSet<>();
    for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
      out.add(c);
      seen.add(c);
    }
    for (Class<?> c : new ArrayList<>(out)) {
      queue.addAll(Arrays.asList(c.getInterfaces()));
    }
    while (!queue.isEmpty()) {
      Class<?> i = queue.removeFirst();
      if (seen.add(i)) {
        out.add(i);
        queue.addAll(Arrays.asList(i.getInterfaces()));
      }
    }
    return out;
  }

  private static ServiceMethod parse(
      Method m, boolean request, boolean notification, boolean builtin) {
    if (request && notification) {
      throw error(m, "A method cannot be both @RpcMethod and @RpcNotification.");
    }
    if (m.getTypeParameters().length > 0) {
      throw error(m, "RPC methods cannot declare type variables; use concrete types.");
    }
    RpcService service = m.getDeclaringClass().getAnnotation(RpcService.class);
    String prefix = service == null ? "" : service.prefix();
    String local =
        request ? m.getAnnotation(RpcMethod.class).value() : m.getAnnotation(RpcNotification.class).value();
    String wireName = prefix + (local.isEmpty() ? m.getName() : local);
    if (wireName.startsWith("rpc.") && !builtin) {
      throw error(
          m, "Method name '" + wireName + "' starts with 'rpc.', which JSON-RPC reserves for extensions.");
    }

    ServiceMethod.ResultKind resultKind;
    Type resultType;
    Class<?> raw = m.getReturnType();
    if (raw == void.class) {
      resultKind = ServiceMethod.ResultKind.VOID;
      resultType = null;
    } else if (raw == CompletableFuture.class || raw == CompletionStage.class) {
      resultKind = ServiceMethod.ResultKind.FUTURE;
      Type g = m.getGenericReturnType();
      resultType =
          g instanceof ParameterizedType p ? p.getActualTypeArguments()[0] : Object.class;
      if (resultType instanceof WildcardType w) {
        resultType = w.getUpperBounds()[0];
      }
      if (resultType == Void.class) {
        resultType = null;
      }
    } else if (raw == Flow.Publisher.class) {
      resultKind = ServiceMethod.ResultKind.STREAM;
      resultType = StreamWire.itemType(m.getGenericReturnType());
    } else {
      resultKind = ServiceMethod.ResultKind.VALUE;
      resultType = m.getGenericReturnType();
    }
    if (notification && resultKind != ServiceMethod.ResultKind.VOID) {
      throw error(
          m,
          "A notification never gets a response, so it must return void, not "
              + m.getGenericReturnType().getTypeName()
              + ". Use @RpcMethod for a call with a result.");
    }
    if (resultType != null) {
      checkConcrete(m, resultType, "return type");
    }

    Parameter[] ps = m.getParameters();
    Type[] generic = m.getGenericParameterTypes();
    if (generic.length != ps.length) {
      generic = m.getParameterTypes(); // inner-class constructors only; kept for safety
    }
    List<ServiceMethod.Param> params = new ArrayList<>();
    List<ServiceMethod.Param> wire = new ArrayList<>();
    Map<String, Integer> index = new LinkedHashMap<>();
    boolean sawOptional = false;
    for (int i = 0; i < ps.length; i++) {
      Parameter p = ps[i];
      if (p.getType() == CallContext.class) {
        params.add(new ServiceMethod.Param(null, CallContext.class, CallContext.class, CallContext.class,
            false, false, true, -1, false, false));
        continue;
      }
      if (p.isAnnotationPresent(RawParams.class)) {
        if (!RAW_TYPES.contains(p.getType())) {
          throw error(m, "@RawParams parameter " + i + " must be a JsonElement, JsonArray or JsonObject,"
              + " not " + p.getType().getSimpleName() + ".");
        }
        params.add(new ServiceMethod.Param(p.isNamePresent() ? p.getName() : "params", p.getType(),
            p.getType(), p.getType(), true, false, false, wire.size(), false, true));
        wire.add(params.get(params.size() - 1));
        continue;
      }
      RpcParam ann = p.getAnnotation(RpcParam.class);
      String name;
      if (ann != null && !ann.value().isEmpty()) {
        name = ann.value();
      } else if (p.isNamePresent()) {
        name = p.getName();
      } else {
        throw error(
            m,
            "Parameter " + i + " has no name: compile with -parameters or annotate it with"
                + " @RpcParam(\"name\").");
      }
      Type type = generic[i];
      boolean wrapper = p.getType() == Optional.class;
      Type valueType = type;
      if (p.getType() == Flow.Publisher.class) {
        if (notification) {
          throw error(m, "A notification cannot take a stream (parameter '" + name + "'): a stream"
              + " lives as long as its call. Use @RpcMethod.");
        }
        valueType = StreamWire.itemType(type);
      } else if (wrapper) {
        valueType = type instanceof ParameterizedType pt ? pt.getActualTypeArguments()[0] : Object.class;
        if (valueType instanceof WildcardType w) {
          valueType = w.getUpperBounds()[0];
        }
      }
      checkConcrete(m, valueType, "parameter '" + name + "'");
      boolean optional = wrapper || (ann != null && ann.optional()) || p.getType() == Progress.class;
      if (!optional && sawOptional) {
        throw error(
            m,
            "Required parameter '" + name + "' follows an optional one; optional parameters must"
                + " come last.");
      }
      sawOptional |= optional;
      if (index.putIfAbsent(name, wire.size()) != null) {
        throw error(m, "Two parameters are named '" + name + "'.");
      }
      boolean varargs = m.isVarArgs() && i == ps.length - 1;
      ServiceMethod.Param param = new ServiceMethod.Param(name, type, valueType, p.getType(),
          optional || varargs, wrapper, false, wire.size(), varargs, false);
      params.add(param);
      wire.add(param);
    }
    if (wire.stream().anyMatch(ServiceMethod.Param::raw) && wire.size() > 1) {
      throw error(m, "A @RawParams parameter takes the whole params: it must be the only one besides"
          + " CallContext.");
    }
    checkErrors(m, notification);
    long timeout = request ? m.getAnnotation(RpcMethod.class).timeoutMillis() : 0;
    if (timeout < -1) {
      throw error(m, "timeoutMillis must be -1 (none), 0 (Peer default) or positive, not " + timeout + ".");
    }
    return new ServiceMethod(
        wireName,
        request ? ServiceMethod.Kind.REQUEST : ServiceMethod.Kind.NOTIFICATION,
        m,
        resultKind,
        resultType,
        List.copyOf(params),
        List.copyOf(wire),
        Collections.unmodifiableMap(index),
        timeout,
        m.isAnnotationPresent(DirectExecution.class)
            || m.getDeclaringClass().isAnnotationPresent(DirectExecution.class));
  }

  /** Declared errors: none on a notification, unique codes (OpenRPC requires both). */
  private static void checkErrors(Method m, boolean notification) {
    RpcError[] errors = m.getAnnotationsByType(RpcError.class);
    if (errors.length > 0 && notification) {
      throw error(
          m, "A notification never gets a response, so it cannot declare @RpcError errors.");
    }
    Set<Integer> codes = new HashSet<>();
    for (RpcError e : errors) {
      if (!codes.add(e.code())) {
        throw error(
            m, "Two @RpcError annotations declare code " + e.code() + "; codes must be unique per"
                + " method.");
      }
    }
  }

  private static void checkConcrete(Method m, Type t, String what) {
    if (t instanceof TypeVariable<?>) {
      throw error(m, "The " + what + " uses type variable " + t + "; use a concrete type.");
    } else if (t instanceof ParameterizedType p) {
      for (Type a : p.getActualTypeArguments()) {
        checkConcrete(m, a, what);
      }
    } else if (t instanceof GenericArrayType g) {
      checkConcrete(m, g.getGenericComponentType(), what);
    } else if (t instanceof WildcardType w) {
      for (Type b : w.getUpperBounds()) {
        checkConcrete(m, b, what);
      }
    }
  }

  /** Retrofit's form: the problem, then the method (with its parameter types) on its own line. */
  public static IllegalArgumentException error(Method m, String message) {
    StringBuilder sig = new StringBuilder(m.getDeclaringClass().getSimpleName())
        .append('.').append(m.getName()).append('(');
    Class<?>[] types = m.getParameterTypes();
    for (int i = 0; i < types.length; i++) {
      sig.append(i == 0 ? "" : ", ").append(types[i].getSimpleName());
    }
    return new IllegalArgumentException(message + "\n    for method " + sig.append(')'));
  }
}
