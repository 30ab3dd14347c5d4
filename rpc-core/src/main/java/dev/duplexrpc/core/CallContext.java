package dev.duplexrpc.core;

/**
 * What a handler knows about the call it is serving. Declare a parameter of this type on a
 * handler method and the library passes it in; it is not a wire parameter and a proxy of the
 * same interface does not send it.
 *
 * <pre>{@code
 * @RpcMethod public String greet(String name, CallContext call) {
 *   Client client = call.peer().remote(Client.class);   // call back the caller
 *   return "Hello, " + client.displayName(name);
 * }
 * }</pre>
 *
 * @since 0.1
 */
public final class CallContext {
  private final Peer peer;
  private final String method;
  private final boolean notification;

  CallContext(Peer peer, String method, boolean notification) {
    this.peer = peer;
    this.method = method;
    this.notification = notification;
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
}
