/**
 * Duplex RPC's Redis backplane: several servers act as one through Redis (events to every node,
 * calls to clients connected to any node), with Lettuce as the Redis client.
 *
 * <p>Exports {@code dev.duplexrpc.redis}.
 */
module dev.duplexrpc.redis {
  requires transitive dev.duplexrpc.server;
  requires lettuce.core;

  exports dev.duplexrpc.redis;
}
