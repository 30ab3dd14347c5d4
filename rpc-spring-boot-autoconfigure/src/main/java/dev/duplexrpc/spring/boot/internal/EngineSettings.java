package dev.duplexrpc.spring.boot.internal;

import dev.duplexrpc.core.PeerOptions;
import dev.duplexrpc.core.RpcInterceptor;
import dev.duplexrpc.spring.boot.DuplexRpcProperties;
import dev.duplexrpc.websocket.SocketSettings;
import org.springframework.beans.factory.ListableBeanFactory;

/** Applies the engine and socket properties both sides share, and the interceptor beans. */
final class EngineSettings {
  private EngineSettings() {}

  /** The engine properties onto a server's or a client's builder; the interceptor beans in order. */
  static void apply(DuplexRpcProperties.Engine p, PeerOptions<?> b, ListableBeanFactory beans) {
    b.maxMessageSize(p.getMaxMessageSize())
        .maxInFlight(p.getMaxInFlight())
        .callTimeout(p.getCallTimeout())
        .discovery(p.isDiscovery())
        .exposeErrorDetails(p.isExposeErrorDetails());
    beans.getBeanProvider(RpcInterceptor.class).orderedStream().forEach(b::interceptor);
  }

  /** The socket properties. */
  static SocketSettings socket(DuplexRpcProperties.Engine p) {
    return SocketSettings.builder()
        .pingInterval(p.getPingInterval())
        .idleTimeout(p.getIdleTimeout())
        .maxQueuedBytes(p.getMaxQueuedBytes())
        .build();
  }
}
