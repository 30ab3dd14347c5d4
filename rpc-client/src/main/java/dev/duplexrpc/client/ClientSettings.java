package dev.duplexrpc.client;

import dev.duplexrpc.core.PeerConfig;
import dev.duplexrpc.websocket.SocketSettings;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;

/**
 * What an {@link RpcClient} was built with, fixed: each connection reads its settings here. The
 * engine configuration is bound (its services parsed) once, for every connection's Peer.
 * Immutable; the builder's fields are documented on {@link RpcClient.Builder}.
 */
final class ClientSettings {
  final PeerConfig peerConfig;
  final URI uri;
  final List<URI> failoverUris;
  final Duration connectTimeout;
  final SocketSettings socket;
  final Map<String, List<String>> headers;
  final ClientConnection.Listener listener;
  final FrameListener frameListener;
  final ReconnectPolicy reconnectPolicy;
  final boolean retryFirstConnect;
  final ClientConnection.ReconnectHook reconnectHook;
  final int offlineQueueSize;
  final Duration offlineQueueWait;
  final boolean sharedTransport;
  final SSLContext sslContext;
  final boolean resumableSessions;
  final long resumeBufferBytes;
  final Duration resumeSendWait;

  /**
   * The builder's settings now; the builder stays free to change.
   *
   * @param b the builder
   * @param peerConfig its engine configuration, built
   */
  ClientSettings(RpcClient.Builder b, PeerConfig peerConfig) {
    this.peerConfig = peerConfig;
    this.uri = b.uri;
    this.failoverUris = b.failoverUris;
    this.connectTimeout = b.connectTimeout;
    this.socket = b.socket.build();
    Map<String, List<String>> h = new LinkedHashMap<>();
    for (Map.Entry<String, List<String>> e : b.headers.entrySet()) {
      h.put(e.getKey(), List.copyOf(e.getValue()));
    }
    this.headers = Collections.unmodifiableMap(h);
    this.listener = b.listener;
    this.frameListener = b.frameListener;
    this.reconnectPolicy = b.reconnectPolicy;
    this.retryFirstConnect = b.retryFirstConnect;
    this.reconnectHook = b.reconnectHook;
    this.offlineQueueSize = b.offlineQueueSize;
    this.offlineQueueWait = b.offlineQueueWait;
    this.sharedTransport = b.sharedTransport;
    this.sslContext = b.sslContext;
    this.resumableSessions = b.resumableSessions;
    this.resumeBufferBytes = b.resumeBufferBytes;
    this.resumeSendWait = b.resumeSendWait;
  }

  /** A builder with these settings, to derive a variant. */
  RpcClient.Builder newBuilder() {
    RpcClient.Builder b = new RpcClient.Builder(peerConfig.newBuilder());
    b.uri = uri;
    b.failoverUris = failoverUris;
    b.connectTimeout = connectTimeout;
    b.socket = socket.newBuilder();
    for (Map.Entry<String, List<String>> e : headers.entrySet()) {
      b.headers.put(e.getKey(), new ArrayList<>(e.getValue()));
    }
    b.listener = listener;
    b.frameListener = frameListener;
    b.reconnectPolicy = reconnectPolicy;
    b.retryFirstConnect = retryFirstConnect;
    b.reconnectHook = reconnectHook;
    b.offlineQueueSize = offlineQueueSize;
    b.offlineQueueWait = offlineQueueWait;
    b.sharedTransport = sharedTransport;
    b.sslContext = sslContext;
    b.resumableSessions = resumableSessions;
    b.resumeBufferBytes = resumeBufferBytes;
    b.resumeSendWait = resumeSendWait;
    return b;
  }

  /** The URI, then the failover URIs not equal to it, in order: where reconnects go in turn. */
  List<URI> uris() {
    List<URI> all = new ArrayList<>();
    all.add(uri);
    for (URI u : failoverUris) {
      if (!all.contains(u)) {
        all.add(u);
      }
    }
    return all;
  }
}
