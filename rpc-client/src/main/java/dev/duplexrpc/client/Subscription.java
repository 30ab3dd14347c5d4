package dev.duplexrpc.client;

/**
 * One handler's subscription to a server event, made by {@link ClientConnection#subscribe}. Close
 * it to stop receiving the event; when the last handler of an event closes, the client tells the
 * server with {@code rpc.off}.
 *
 * <pre>{@code
 * try (Subscription s = connection.subscribe("feedUpdated", Feed.class, feed -> show(feed))) {
 *   ...
 * }
 * }</pre>
 *
 * @since 0.1
 */
public interface Subscription extends AutoCloseable {
  /**
   * The event's name.
   *
   * @return the name
   */
  String event();

  /**
   * Whether the handler still receives the event.
   *
   * @return false once closed
   */
  boolean isActive();

  /**
   * Stops the handler from receiving the event; sends {@code rpc.off} (without waiting for the
   * answer) if no other handler of this connection listens to it. Idempotent.
   */
  @Override
  void close();
}
