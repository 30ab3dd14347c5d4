/** Duplex RPC server side: binds a Peer to each WebSocket server session. */
module dev.duplexrpc.server {
  requires transitive dev.duplexrpc.core;
}
