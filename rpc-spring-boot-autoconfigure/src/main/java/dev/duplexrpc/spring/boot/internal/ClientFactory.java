package dev.duplexrpc.spring.boot.internal;

import dev.duplexrpc.client.ReconnectPolicy;
import dev.duplexrpc.client.RpcClient;
import dev.duplexrpc.spring.boot.DuplexRpcProperties;
import dev.duplexrpc.spring.boot.RpcClientCustomizer;
import java.util.List;
import org.springframework.beans.factory.ListableBeanFactory;

/** Builds a named client from its properties, its service beans, the interceptors and customizers. */
final class ClientFactory {
  private ClientFactory() {}

  /** The managed client of a name and its proxied interfaces; the client itself is built when it starts. */
  static ManagedClient managed(String name, ListableBeanFactory beans, List<Class<?>> interfaces) {
    DuplexRpcProperties.Client p = beans.getBean(DuplexRpcProperties.class).getClient().get(name);
    if (p == null || p.getUri() == null) {
      throw new IllegalStateException("Duplex RPC client '" + name + "' has no URI: set duplex.rpc.client."
          + name + ".uri");
    }
    return new ManagedClient(name, () -> build(name, p, beans), interfaces, p.getShutdownGrace());
  }

  private static RpcClient build(String name, DuplexRpcProperties.Client p, ListableBeanFactory beans) {
    RpcClient.Builder b = RpcClient.builder()
        .uri(p.getUri())
        .failoverUris(p.getFailoverUris())
        .connectTimeout(p.getConnectTimeout())
        .socketSettings(EngineSettings.socket(p))
        .retryFirstConnect(p.isRetryFirstConnect())
        .reconnectPolicy(reconnect(p.getReconnect()));
    EngineSettings.apply(p, b, beans);
    p.getHeaders().forEach(b::header);
    if (p.getOfflineQueueSize() > 0) {
      b.offlineQueue(p.getOfflineQueueSize(), p.getOfflineQueueWait());
    }
    for (Object service : ServedBeans.forClient(beans, name)) {
      b.service(service);
    }
    beans.getBeanProvider(RpcClientCustomizer.class).orderedStream().forEach(c -> c.customize(name, b));
    return b.build();
  }

  private static ReconnectPolicy reconnect(DuplexRpcProperties.Reconnect r) {
    if (!r.isEnabled()) {
      return ReconnectPolicy.none();
    }
    ReconnectPolicy policy = ReconnectPolicy.exponential(r.getInitialDelay(), r.getMaxDelay());
    return r.getMaxAttempts() > 0 ? policy.withMaxAttempts(r.getMaxAttempts()) : policy;
  }
}
