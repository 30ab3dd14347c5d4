package dev.duplexrpc.redis;

/**
 * The names of the pub/sub channels and keys a backplane uses in Redis, all under one channel
 * prefix: the events channel every node listens on, each node's own channel and liveness key, and
 * the directory key of each connection. Its one job is naming; it talks to no one.
 *
 * @param prefix the channel prefix every name starts with
 */
record Keys(String prefix) {

  /** The channel events go out on, to every node. */
  String eventsChannel() {
    return prefix + ":events";
  }

  /** The channel of calls to one node's clients and of their answers. */
  String nodeChannel(String node) {
    return prefix + ":node:" + node;
  }

  /** The key that exists while the node is alive. */
  String nodeKey(String node) {
    return prefix + ":nodes:" + node;
  }

  /** The directory entry of one connection: its value is the id of the node it is on. */
  String connectionKey(String connectionId) {
    return prefix + ":conn:" + connectionId;
  }
}
