package dev.duplexrpc.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The Lettuce client of one backplane, with its thread resources and its two connections to
 * Redis: one for commands, one for pub/sub. It sets the client up to reconnect by itself with
 * exponential backoff and to reject commands while disconnected, opens both connections, and
 * shuts it all down. Its one job is owning these resources; what is sent over them is not its
 * concern.
 */
final class Connections {
  private static final System.Logger LOG = System.getLogger(RedisBackplane.class.getName());

  private final String nodeId;
  private final ClientResources resources;
  private final RedisClient client;
  private volatile StatefulRedisConnection<String, String> commands;
  private volatile StatefulRedisPubSubConnection<String, String> pubsub;

  /** Sets up the client; nothing connects until {@link #connect()}. */
  Connections(RedisURI uri, String nodeId, Duration commandTimeout, Duration maxReconnectDelay) {
    this.nodeId = nodeId;
    resources = ClientResources.builder()
        .ioThreadPoolSize(2)
        .computationThreadPoolSize(2)
        .reconnectDelay(Delay.exponential(Duration.ofMillis(10), maxReconnectDelay, 2, TimeUnit.MILLISECONDS))
        .build();
    client = RedisClient.create(resources, uri);
    client.setOptions(ClientOptions.builder()
        .autoReconnect(true)
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
        .timeoutOptions(TimeoutOptions.enabled(commandTimeout))
        .socketOptions(SocketOptions.builder().connectTimeout(commandTimeout).keepAlive(true).build())
        .build());
  }

  /** Opens the command connection, then the pub/sub connection. */
  void connect() {
    commands = client.connect(StringCodec.UTF8);
    pubsub = client.connectPubSub(StringCodec.UTF8);
  }

  RedisClient client() {
    return client;
  }

  /** The command connection; null until {@link #connect()} opened it. */
  StatefulRedisConnection<String, String> commands() {
    return commands;
  }

  /** The pub/sub connection; null until {@link #connect()} opened it. */
  StatefulRedisPubSubConnection<String, String> pubsub() {
    return pubsub;
  }

  /** Shuts the client (and so its connections) and its resources down, logging any failure. */
  void shutdownQuietly() {
    try {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
      resources.shutdown(0, 2, TimeUnit.SECONDS);
    } catch (RuntimeException e) {
      LOG.log(Level.DEBUG, "Shutdown of the Redis client of node {0} failed: {1}", nodeId, e);
    }
  }
}
