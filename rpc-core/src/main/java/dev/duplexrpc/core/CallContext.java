package dev.duplexrpc.core;

/**
 * What a handler knows about the call it is serving. There are two ways to get it:
 *
 * <ul>
 *   <li>declare a parameter of this type on the handler method: the library passes it in; it is
 *       not a wire parameter, and a proxy of the same interface does not send it (pass {@code
 *       null} there);
 *   <li>call {@link #current()} from the handler's thread, which keeps shared interfaces free of
 *       server-side types.
 * </ul>
 *
 * <pre>{@code
 * @RpcMethod public String greet(String name) {
 *   Client client = CallContext.current().peer().remote(Client.class);   // call back the caller
 *   return "Hello, " + client.displayName(name);
 * }
 * }</pre>
 *
 * @since 0.1
 */
public final class CallContext {
  private static final ThreadLocal<CallContext> CURRENT = new ThreadLocal<>();

  private final Peer peer;
  private final String method;
  private final boolean notification;
  private final RpcContext rpcContext;

  CallContext(Peer peer, String method, boolean notification, RpcContext rpcContext) {
    this.peer = peer;
    this.method = method;
    this.notification = notification;
    this.rpcContext = rpcContext;
  }

  /**
   * The context of the call the current thread is serving. Set while a handler method runs (its
   * synchronous part: work it hands to other threads must capture the context first).
   *
   * @return the context
   * @throws IllegalStateException if the current thread is not running a handler
   */
  public static CallContext current() {
    CallContext c = CURRENT.get();
    if (c == null) {
      throw new IllegalStateException(
          "CallContext.current() called outside a handler; declare a CallContext parameter or"
              + " capture the context before handing work to another thread");
    }
    return c;
  }

  /** The context of the call the current thread is serving, or null. */
  static CallContext currentOrNull() {
    return CURRENT.get();
  }

  /** Sets the current context and returns the previous one (handlers may nest on one thread). */
  static CallContext enter(CallContext context) {
    CallContext previous = CURRENT.get();
    CURRENT.set(context);
    return previous;
  }

  /**
   * Restores the context {@link #enter} returned. Sets null rather than removing the entry: a
   * removed entry makes the next handler on the thread miss in the thread-local map, search it
   * and allocate a new entry (3-6% of a server's CPU samples under load); a null value holds
   * nothing.
   */
  static void exit(CallContext previous) {
    CURRENT.set(previous);
  }

  /**
   * The Peer that received the call: the connection to the caller. Use it to call the caller
   * back, from inside the handler or later.
   *
   * @return the peer
   */
  public Peer peer() {
    return peer;
  }

  /**
   * The wire name of the method being served.
   *
   * @return the method name
   */
  public String method() {
    return method;
  }

  /**
   * Whether the call is a notification (no response will be sent).
   *
   * @return true for a notification
   */
  public boolean isNotification() {
    return notification;
  }

  /**
   * The values the {@link RpcInterceptor interceptors} put on this call (a trace span, the
   * caller's identity); calls this handler makes from its thread start with them.
   *
   * @return the context, {@link RpcContext#EMPTY} when no interceptor put anything
   */
  public RpcContext rpcContext() {
    return rpcContext;
  }
}
