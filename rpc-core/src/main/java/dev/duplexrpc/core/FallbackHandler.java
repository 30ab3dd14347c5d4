package dev.duplexrpc.core;

/**
 * Serves the requests and notifications for which no registered service has a method: the hook
 * for names known only at run time, such as event subscriptions or protocol extensions. Set it
 * with {@link PeerConfig.Builder#fallback(FallbackHandler)} (or, for one Peer, {@link
 * Peer.Builder#fallback(FallbackHandler)}).
 *
 * <pre>{@code
 * PeerConfig config = PeerConfig.builder()
 *     .fallback((call, params) -> {
 *       if (call.isNotification()) {
 *         log.info(call.method() + " " + params);     // any notification nobody else handles
 *         return null;
 *       }
 *       throw new RpcException(ErrorCodes.METHOD_NOT_FOUND, "Method not found");
 *     })
 *     .build();
 * }</pre>
 *
 * <p>It runs exactly where a service method would: requests concurrently on the Peer's executor
 * (counted against {@code maxInFlight}, cancellable), notifications one at a time in arrival
 * order with the others of the connection. {@link CallContext#current()} works inside it. It is
 * not called for {@code rpc.cancel} / {@code $/cancelRequest} notifications, which the Peer
 * handles itself, nor for names a service registered.
 *
 * <p>The {@code rpc.discover} document does not list what it serves; describe those methods with
 * {@link PeerConfig.Builder#discoveryMethods}.
 *
 * @since 0.1
 */
@FunctionalInterface
public interface FallbackHandler {
  /**
   * Serves one request or notification.
   *
   * @param call the call: its {@link CallContext#method() method} name, whether it {@link
   *     CallContext#isNotification() is a notification}, and the {@link CallContext#peer() peer}
   * @param params the {@code params} member as JSON text (an array or an object, already checked
   *     to be strict JSON), or null when the message had none
   * @return for a request, the result: serialized by its runtime class with the Peer's Gson
   *     ({@code null} answers {@code "result": null}), or a {@code CompletionStage} of it, which is
   *     awaited; ignored for a notification
   * @throws RpcException to answer with exactly that error; throw {@link
   *     ErrorCodes#METHOD_NOT_FOUND} for a name this handler does not serve
   * @throws Exception anything else answers {@link ErrorCodes#INTERNAL_ERROR}, as a service
   *     method's exception would
   */
  Object handle(CallContext call, String params) throws Exception;
}
