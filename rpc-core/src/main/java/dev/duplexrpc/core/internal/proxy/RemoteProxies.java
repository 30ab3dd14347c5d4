package dev.duplexrpc.core.internal.proxy;

import com.google.gson.Gson;
import dev.duplexrpc.core.ErrorCodes;
import dev.duplexrpc.core.RpcException;
import dev.duplexrpc.core.internal.DirectMode;
import dev.duplexrpc.core.internal.RemoteMethod;
import dev.duplexrpc.core.internal.ServiceMethod;
import dev.duplexrpc.core.internal.ServiceModel;
import dev.duplexrpc.core.internal.call.CallFuture;
import dev.duplexrpc.core.internal.call.CallTable;
import dev.duplexrpc.core.internal.stream.ResultStream;
import dev.duplexrpc.core.internal.stream.StreamCalls;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Typed proxies of the other end's services, one per interface, sending through one {@link
 * CallTarget}. Each interface's methods are modelled and bound to Gson once, when its proxy is
 * made; a call is a map lookup, the params written by their adapters, and the target's send.
 */
public final class RemoteProxies {
  private static final Object[] NO_ARGS = {};
  private static final VarHandle PROXIES;

  static {
    try {
      PROXIES = MethodHandles.lookup()
          .findVarHandle(RemoteProxies.class, "proxies", ConcurrentHashMap.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final Gson gson;
  private final CallTarget target;
  private final Object owner; // names the proxies in toString
  // Made by the first get(), published once: most connections never ask for a proxy.
  private volatile ConcurrentHashMap<Class<?>, Object> proxies;

  /**
   * @param gson converts params and results
   * @param target where calls go
   * @param owner what the proxies' {@code toString} names as the other end
   */
  public RemoteProxies(Gson gson, CallTarget target, Object owner) {
    this.gson = gson;
    this.target = target;
    this.owner = owner;
  }

  /**
   * The proxy of an interface, made on first use.
   *
   * @throws IllegalArgumentException if {@code service} is not an interface or a method is not a
   *     valid RPC method (the message names the method)
   */
  public <T> T get(Class<T> service) {
    Objects.requireNonNull(service, "service == null");
    return service.cast(proxies().computeIfAbsent(service, this::newProxy));
  }

  @SuppressWarnings("unchecked")
  private ConcurrentHashMap<Class<?>, Object> proxies() {
    ConcurrentHashMap<Class<?>, Object> m = proxies;
    if (m == null) {
      ConcurrentHashMap<Class<?>, Object> made = new ConcurrentHashMap<>();
      m = (ConcurrentHashMap<Class<?>, Object>) PROXIES.compareAndExchange(this, null, made);
      if (m == null) {
        m = made;
      }
    }
    return m;
  }

  private Object newProxy(Class<?> service) {
    if (!service.isInterface()) {
      throw new IllegalArgumentException(
          "remote(" + service.getName() + "): only interfaces can be proxied");
    }
    checkExported(service);
    ServiceModel model = ServiceModel.of(service);
    Map<Method, RemoteMethod> table = new HashMap<>();
    for (ServiceMethod sm : model.methods()) {
      table.put(sm.method(), new RemoteMethod(sm, gson));
    }
    for (Method m : service.getMethods()) {
      if (Modifier.isAbstract(m.getModifiers()) && !table.containsKey(m)) {
        throw ServiceModel.error(m, "Method is not annotated with @RpcMethod or @RpcNotification.");
      }
    }
    return Proxy.newProxyInstance(service.getClassLoader(), new Class<?>[] {service},
        new Handler(service, table, defaultMethods(service)));
  }

  /**
   * Fails now, rather than at the first call, when a named module has not exported the
   * interface's package to this one, as the JPMS rules of docs/services.md require.
   */
  private static void checkExported(Class<?> service) {
    Module m = service.getModule();
    String pkg = service.getPackageName();
    Module core = RemoteProxies.class.getModule();
    if (m.isNamed() && !m.isExported(pkg, core)) {
      throw new IllegalArgumentException("remote(" + service.getName() + "): package " + pkg
          + " of module " + m.getName() + " is not exported to " + core.getName()
          + "; add `exports " + pkg + " to " + core.getName() + ";` to the module-info.java of "
          + m.getName());
    }
  }

  /**
   * Handles of the default methods that {@link InvocationHandler#invokeDefault} may not call from
   * here, those of an interface that is not public: found once through a private lookup, which a
   * package open to this module allows (every package on the class path is).
   *
   * @throws IllegalArgumentException if such a method cannot be reached
   */
  private static Map<Method, MethodHandle> defaultMethods(Class<?> service) {
    Map<Method, MethodHandle> handles = new HashMap<>();
    for (Method m : service.getMethods()) {
      Class<?> owner = m.getDeclaringClass();
      if (!m.isDefault() || Modifier.isPublic(owner.getModifiers())) {
        continue; // public: invokeDefault, as the package is exported to this module
      }
      try {
        RemoteProxies.class.getModule().addReads(owner.getModule());
        MethodHandle mh = MethodHandles.privateLookupIn(owner, MethodHandles.lookup())
            .unreflectSpecial(m, owner);
        handles.put(m, mh.asType(mh.type().generic())
            .asSpreader(1, Object[].class, m.getParameterCount()));
      } catch (IllegalAccessException e) {
        throw ServiceModel.error(m, "The default method of a non-public interface can run only if"
            + " its package is open to module " + RemoteProxies.class.getModule().getName()
            + ": make the interface public, or add `opens " + owner.getPackageName() + " to "
            + RemoteProxies.class.getModule().getName() + ";`. (" + e.getMessage() + ")");
      }
    }
    return handles;
  }

  private final class Handler implements InvocationHandler {
    private final Class<?> service;
    private final Map<Method, RemoteMethod> table;
    private final Map<Method, MethodHandle> defaults;

    Handler(Class<?> service, Map<Method, RemoteMethod> table, Map<Method, MethodHandle> defaults) {
      this.service = service;
      this.table = table;
      this.defaults = defaults;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      RemoteMethod rm = table.get(method);
      if (rm == null) {
        if (method.getDeclaringClass() == Object.class) {
          switch (method.getName()) {
            case "equals":
              return proxy == args[0];
            case "hashCode":
              return System.identityHashCode(proxy);
            default:
              return "Remote " + service.getSimpleName() + " of " + owner;
          }
        }
        if (method.isDefault()) {
          MethodHandle mh = defaults.get(method);
          return mh == null
              ? InvocationHandler.invokeDefault(proxy, method, args)
              : mh.invoke(proxy, args == null ? NO_ARGS : args);
        }
        throw new UnsupportedOperationException(method.toString());
      }
      ServiceMethod sm = rm.model();
      Object[] a = args == null ? NO_ARGS : args;
      if (sm.kind() == ServiceMethod.Kind.NOTIFICATION) {
        target.notification(sm.wireName(), rm.params(a));
        return null;
      }
      long t = sm.timeoutMillis();
      long timeout = t == 0 ? CallTable.DEFAULT_TIMEOUT : t < 0 ? 0 : t;
      boolean async = sm.resultKind() == ServiceMethod.ResultKind.FUTURE;
      if (!async && sm.resultKind() != ServiceMethod.ResultKind.STREAM) { // a stream returns at once
        DirectMode.checkMayBlock(sm.wireName()); // before sending: nothing goes out
      }
      CompletableFuture<Object> f;
      if (!rm.streaming()) {
        f = target.<Object>request(sm.wireName(), rm.params(a), rm.resultAdapter(), timeout, async);
      } else if (sm.resultKind() == ServiceMethod.ResultKind.STREAM) {
        return new ResultStream<>(target, sm.wireName(), s -> rm.prepare(a, s), rm.resultAdapter(),
            timeout);
      } else {
        f = StreamCalls.request(target, sm.wireName(), s -> rm.prepare(a, s), rm.resultAdapter(),
            timeout);
      }
      if (async) {
        return f;
      }
      Object v = CallFuture.await(sm.wireName(), f);
      if (v == null && method.getReturnType().isPrimitive() && method.getReturnType() != void.class) {
        throw new RpcException(ErrorCodes.INVALID_RESPONSE,
            "Result of '" + sm.wireName() + "' is null, but " + method.getReturnType() + " was expected");
      }
      return v;
    }
  }
}
