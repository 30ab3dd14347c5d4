/**
 * Servers as one cluster: the API, {@link dev.duplexrpc.server.cluster.Cluster} (this node, and
 * {@link dev.duplexrpc.server.cluster.ConnectionHandle}s for calling a client on any node), beside
 * the SPI a shared bus implements, {@link dev.duplexrpc.server.cluster.Backplane} (events to every
 * node, a directory of connections, messages to one node; {@code rpc-redis} implements it) and
 * its {@link dev.duplexrpc.server.cluster.BackplaneUnavailableException}. See docs/cluster.md.
 *
 * <p>Null policy: no method here accepts or returns {@code null}, and a backplane is never passed
 * {@code null}, unless the documentation says so.
 */
package dev.duplexrpc.server.cluster;
