package dev.duplexrpc.spring.boot.internal;

import dev.duplexrpc.server.RpcServer;
import dev.duplexrpc.spring.boot.DuplexRpcProperties;
import org.springframework.beans.factory.ListableBeanFactory;

/** The server's builder from its properties, the served beans and the interceptor beans. */
public final class ServerEndpoints {
  private ServerEndpoints() {}

  /**
   * A builder with the properties and beans applied.
   *
   * @param p the server's properties
   * @param beans the application's beans
   * @return the builder
   */
  public static RpcServer.Builder builder(DuplexRpcProperties.Server p, ListableBeanFactory beans) {
    RpcServer.Builder b = RpcServer.builder()
        .path(p.getPath())
        .socketSettings(EngineSettings.socket(p));
    EngineSettings.apply(p, b, beans);
    if (!p.getAllowedOrigins().isEmpty()) {
      b.allowedOrigins(p.getAllowedOrigins().toArray(new String[0]));
    }
    p.getEvents().forEach(b::event);
    ServedBeans.forServer(beans).forEach(b::service);
    return b;
  }
}
