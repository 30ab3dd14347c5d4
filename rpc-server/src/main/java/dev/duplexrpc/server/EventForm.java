package dev.duplexrpc.server;

/**
 * The shape of the event messages a server sends to one connection. Chosen per connection with
 * {@link ConnectionSetup#eventForm(EventForm)} (for example from a query parameter of the
 * handshake), or later with {@link ServerConnection#eventForm(EventForm)}. Both carry the payload
 * as the single element of a {@code params} array.
 *
 * @since 0.1
 */
public enum EventForm {
  /**
   * A standard JSON-RPC 2.0 notification named after the event, the default:
   * {@code {"jsonrpc":"2.0","method":"feedUpdated","params":[<payload>]}}. Any JSON-RPC peer can
   * receive it (a Duplex RPC client's {@code subscribe}, or a one-parameter
   * {@code @RpcNotification}).
   */
  JSON_RPC,

  /**
   * The form the Node library {@code rpc-websockets} sends and its {@code Client} expects:
   * {@code {"notification":"feedUpdated","params":[<payload>]}}, always with {@code params}. Its
   * client spreads the array, so a listener {@code client.on("feedUpdated", p => ...)} gets the
   * payload as its one argument. Not JSON-RPC; a Duplex RPC client accepts it too.
   */
  RPC_WEBSOCKETS
}
