/** Duplex RPC client side: connects to a WebSocket server and runs a Peer on the connection. */
module dev.duplexrpc.client {
  requires transitive dev.duplexrpc.core;
}
