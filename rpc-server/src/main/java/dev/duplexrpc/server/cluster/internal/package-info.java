/**
 * The cluster's machinery, not API: {@link dev.duplexrpc.server.cluster.internal.ClusterNode}
 * relays between the endpoint and the backplane and speaks the protocol between nodes, {@code
 * RemoteConnection} is the transport of calls to another node's client, {@code ForwardedCalls}
 * makes other nodes' calls on this node's clients, and {@link
 * dev.duplexrpc.server.cluster.internal.ClusterAccess} is the one bridge from the public {@link
 * dev.duplexrpc.server.cluster.Cluster}. Not exported; may change in any release.
 *
 * <p>Null policy: no method here accepts or returns {@code null} unless its documentation says so.
 */
package dev.duplexrpc.server.cluster.internal;
