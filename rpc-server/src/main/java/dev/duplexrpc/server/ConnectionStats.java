package dev.duplexrpc.server;

/**
 * A snapshot of the embedded server's socket counters, for metrics: what is open now, and what
 * {@link ConnectionLimits} refused or closed since the start. Counts only grow, except the first
 * two.
 *
 * @param connections sockets open now, pending handshakes included
 * @param pendingHandshakes sockets open now that have not delivered their whole upgrade request
 * @param refusedBusy sockets answered 503: past {@code maxConnections} or {@code maxPendingHandshakes}
 * @param refusedPerAddress sockets answered 429: past a per-address limit
 * @param handshakeTimeouts sockets closed for missing the handshake deadline
 * @param slowHandshakes sockets closed for sending their upgrade request below the minimum rate
 * @param acceptFailures times accepting a socket failed (usually: no file descriptor left), each
 *     followed by a short pause in accepting while open connections are served on
 * @since 0.1
 */
public record ConnectionStats(int connections, int pendingHandshakes, long refusedBusy, long refusedPerAddress,
    long handshakeTimeouts, long slowHandshakes, long acceptFailures) {}
