package dev.duplexrpc.spring.boot.autoconfigure;

import dev.duplexrpc.redis.RedisBackplane;
import dev.duplexrpc.server.cluster.Backplane;
import dev.duplexrpc.spring.boot.DuplexRpcProperties;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * The Redis backplane from {@code duplex.rpc.cluster.redis.*}, when {@code rpc-redis} is on the class
 * path and a URI is set: the server joins the cluster of every node with the same Redis and channel
 * prefix (docs/cluster.md).
 *
 * @since 0.1
 */
@AutoConfiguration
@ConditionalOnClass(RedisBackplane.class)
@ConditionalOnProperty(prefix = "duplex.rpc.cluster.redis", name = "uri")
@EnableConfigurationProperties(DuplexRpcProperties.class)
public class DuplexRpcRedisAutoConfiguration {

  /** Created by Spring. */
  public DuplexRpcRedisAutoConfiguration() {}

  /**
   * The backplane; the server owns and closes it, so Spring does not.
   *
   * @param properties the properties
   * @return the backplane
   */
  @Bean(destroyMethod = "")
  @ConditionalOnMissingBean
  public Backplane duplexRpcBackplane(DuplexRpcProperties properties) {
    DuplexRpcProperties.Redis p = properties.getCluster().getRedis();
    RedisBackplane.Builder b = RedisBackplane.builder().uri(p.getUri());
    if (p.getChannelPrefix() != null) {
      b.channelPrefix(p.getChannelPrefix());
    }
    if (p.getNodeId() != null) {
      b.nodeId(p.getNodeId());
    }
    return b.build();
  }
}
