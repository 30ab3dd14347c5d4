/**
 * The cluster backplane SPI: what a server node needs from a shared bus (events to every node, a
 * directory of connections, calls to another node's clients). Implemented by {@code rpc-redis}.
 * Arguments are never null unless documented otherwise.
 */
package dev.duplexrpc.server.cluster;
