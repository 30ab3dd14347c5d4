package dev.duplexrpc.core;

import java.util.Arrays;
import java.util.Objects;

/**
 * Values that travel with a call inside this process, such as a trace span or the caller's
 * identity: immutable, keyed by {@link Key}s. {@link RpcInterceptor}s put them on a call; the
 * handler reads them, and the calls it makes start with them. They are never sent on the wire,
 * except a {@link TraceContext} under {@link TraceContext#PROPAGATE}.
 *
 * <pre>{@code
 * static final RpcContext.Key<String> TRACE_ID = RpcContext.Key.named("traceId");
 *
 * RpcInterceptor tracing = call -> {
 *   String parent = call.context().get(TRACE_ID);          // set when a handler makes this call
 *   call.put(TRACE_ID, parent != null ? parent : newTraceId());
 *   return null;
 * };
 *
 * // in a handler:
 * String traceId = RpcContext.current().get(TRACE_ID);
 * // on another thread, for calls made there:
 * RpcContext context = RpcContext.current();
 * executor.execute(() -> {
 *   try (RpcContext.Scope s = context.attach()) {
 *     peer.call("audit", Void.class, traceId);              // its interceptors see the context
 *   }
 * });
 * }</pre>
 *
 * <p>Immutable and thread-safe; {@link #with} returns a new context.
 *
 * @since 0.1
 */
public final class RpcContext {
  /** The context with no values. */
  public static final RpcContext EMPTY = new RpcContext(new Object[0]);

  private static final ThreadLocal<RpcContext> ATTACHED = new ThreadLocal<>();

  /** Keys and values, alternating; few entries, so a linear scan beats a map. */
  private final Object[] entries;

  private RpcContext(Object[] entries) {
    this.entries = entries;
  }

  /**
   * The context of the current thread: the one made current with {@link #attach()} if its scope
   * is open, else that of the handler running on this thread, else {@link #EMPTY}.
   *
   * @return the context, never null
   */
  public static RpcContext current() {
    RpcContext attached = ATTACHED.get();
    if (attached != null) {
      return attached;
    }
    CallContext call = CallContext.currentOrNull();
    return call != null ? call.rpcContext() : EMPTY;
  }

  /**
   * The value of a key.
   *
   * @param key the key
   * @param <T> the value type
   * @return the value, or null if the key has none
   */
  public <T> T get(Key<T> key) {
    Objects.requireNonNull(key, "key == null");
    for (int i = 0; i < entries.length; i += 2) {
      if (entries[i] == key) {
        return key.type.cast(entries[i + 1]);
      }
    }
    return null;
  }

  /**
   * A context with one value set, replacing the key's value here if it had one.
   *
   * @param key the key
   * @param value the value, or null to remove the key
   * @param <T> the value type
   * @return the new context
   */
  public <T> RpcContext with(Key<T> key, T value) {
    Objects.requireNonNull(key, "key == null");
    int found = -1;
    for (int i = 0; i < entries.length; i += 2) {
      if (entries[i] == key) {
        found = i;
      }
    }
    if (value == null) {
      if (found < 0) {
        return this;
      }
      Object[] e = new Object[entries.length - 2];
      System.arraycopy(entries, 0, e, 0, found);
      System.arraycopy(entries, found + 2, e, found, entries.length - found - 2);
      return new RpcContext(e);
    }
    key.type.cast(value);
    Object[] e;
    if (found >= 0) {
      e = entries.clone();
      e[found + 1] = value;
    } else {
      e = Arrays.copyOf(entries, entries.length + 2);
      e[entries.length] = key;
      e[entries.length + 1] = value;
    }
    return new RpcContext(e);
  }

  /**
   * Makes this context the current thread's until the scope is closed, for calls made outside a
   * handler or on another thread than the handler's. Scopes nest; close them in reverse order.
   *
   * @return the scope, to close (try-with-resources)
   */
  public Scope attach() {
    RpcContext previous = ATTACHED.get();
    ATTACHED.set(this);
    return () -> ATTACHED.set(previous);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("RpcContext{");
    for (int i = 0; i < entries.length; i += 2) {
      sb.append(i == 0 ? "" : ", ").append(entries[i]).append('=').append(entries[i + 1]);
    }
    return sb.append('}').toString();
  }

  /**
   * The scope of an {@link #attach()}: closing it restores the context that was current before.
   *
   * @since 0.1
   */
  @FunctionalInterface
  public interface Scope extends AutoCloseable {
    /** Restores the previous context. */
    @Override
    void close();
  }

  /**
   * A key of a context value. Keys compare by identity: keep one in a constant.
   *
   * <pre>{@code
   * static final RpcContext.Key<Span> SPAN = RpcContext.Key.named("span", Span.class);
   * }</pre>
   *
   * @param <T> the value type
   * @since 0.1
   */
  public static final class Key<T> {
    private final String name;
    private final Class<T> type;

    private Key(String name, Class<T> type) {
      this.name = Objects.requireNonNull(name, "name == null");
      this.type = Objects.requireNonNull(type, "type == null");
    }

    /**
     * A new key whose values are of a type, checked when they are put.
     *
     * @param name the name, for {@code toString} only
     * @param type the value type
     * @param <T> the value type
     * @return the key, distinct from every other
     */
    public static <T> Key<T> named(String name, Class<T> type) {
      return new Key<>(name, type);
    }

    /**
     * A new key whose values are strings.
     *
     * @param name the name, for {@code toString} only
     * @return the key, distinct from every other
     */
    public static Key<String> named(String name) {
      return new Key<>(name, String.class);
    }

    @Override
    public String toString() {
      return name;
    }
  }
}
