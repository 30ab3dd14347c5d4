package dev.duplexrpc.spring.boot.internal;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

/**
 * The bean of a {@code @DuplexClient} interface: a proxy that exists from the context's creation and
 * sends each call through the {@linkplain dev.duplexrpc.client.ClientConnection#remote(Class)
 * connection's own proxy} once the client has connected. The connection's proxy is looked up per
 * call (a map lookup in the connection), so the bean keeps working across reconnects and restarts
 * of the context's lifecycle.
 */
public final class ClientProxies {
  private ClientProxies() {}

  /**
   * A proxy of {@code type} over the named client.
   *
   * @param type the RPC interface
   * @param client the client whose connection carries the calls
   * @param <T> the interface
   * @return the proxy
   */
  public static <T> T proxy(Class<T> type, ManagedClient client) {
    InvocationHandler handler = new Handler(type, client);
    return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler));
  }

  private static final class Handler implements InvocationHandler {
    private final Class<?> type;
    private final ManagedClient client;

    Handler(Class<?> type, ManagedClient client) {
      this.type = type;
      this.client = client;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      if (method.getDeclaringClass() == Object.class) {
        switch (method.getName()) {
          case "equals":
            return proxy == args[0];
          case "hashCode":
            return System.identityHashCode(proxy);
          default:
            return "DuplexClient[" + type.getName() + " via '" + client.name() + "']";
        }
      }
      Object remote = client.connection().remote(type);
      try {
        return method.invoke(remote, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    }
  }
}
