package dev.duplexrpc.core;

/**
 * A snapshot of one connection's load, for metrics and diagnostics ({@link Peer#stats()}).
 *
 * @param pendingCalls calls this Peer made that wait for a response
 * @param handlersRunning requests being handled, plus notifications queued or running
 * @param queuedBytes bytes handed to the transport and not yet written to the network (0 for a
 *     transport that does not queue)
 * @since 0.2
 */
public record PeerStats(int pendingCalls, int handlersRunning, long queuedBytes) {}
