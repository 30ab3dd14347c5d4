package dev.duplexrpc.redis;

import dev.duplexrpc.server.cluster.Backplane;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The cluster backplane on Redis: servers that share one Redis (and one {@link
 * Builder#channelPrefix channel prefix}) act as one cluster. Events published on any node reach
 * the subscribers of every node, and a call to a client connected to another node travels to that
 * node and back. Built on Lettuce, which reconnects by itself after an outage.
 *
 * <pre>{@code
 * RpcServer server = RpcServer.builder()
 *     .service(new ShopImpl())
 *     .event("priceChanged")
 *     .backplane(RedisBackplane.builder()
 *         .uri("redis://redis.internal:6379")
 *         .channelPrefix("shop")                 // apps sharing one Redis use different prefixes
 *         .build())
 *     .build()
 *     .start();                                  // fails here if Redis is unreachable
 * }</pre>
 *
 * <h2>What it keeps in Redis</h2>
 *
 * <ul>
 *   <li>Pub/sub channel {@code <prefix>:events}: events, to every node.
 *   <li>Pub/sub channel {@code <prefix>:node:<node id>}: calls to one node's clients and their
 *       answers.
 *   <li>Key {@code <prefix>:nodes:<node id>}: the node is alive; written every third of {@link
 *       Builder#nodeTtl node TTL} with that TTL, so a killed node disappears within it.
 *   <li>Key {@code <prefix>:conn:<connection id>} = node id: the connection directory; each entry
 *       is written when the connection opens, rewritten every third of {@link
 *       Builder#connectionTtl connection TTL} with that TTL, and deleted when it closes.
 * </ul>
 *
 * <h2>Outages</h2>
 *
 * While Redis is unreachable, cross-node operations fail at once (commands are rejected, not
 * queued) and the server reports them as {@link dev.duplexrpc.core.ErrorCodes#UNREACHABLE}; calls
 * between a node and its own clients are not affected. Lettuce reconnects (with exponential
 * backoff up to {@link Builder#maxReconnectDelay}) and subscribes again; this backplane then
 * writes its node key and the directory entries of its live connections again and reports the
 * bus available. No node is declared dead until Redis has been reachable for a whole node TTL
 * (plus the reconnect delay) after an outage, so nodes that reconnect late are not mistaken for
 * dead ones.
 *
 * <p>Instances are made by the builder, immutable in their settings, and used by one server.
 * This class is thread-safe.
 *
 * @since 0.1
 */
public final class RedisBackplane implements Backplane {
  private static final System.Logger LOG = System.getLogger(RedisBackplane.class.getName());
  private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final Pattern PREFIX = Pattern.compile("[^\\s]{1,64}");

  /** Default {@link Builder#channelPrefix(String)}: {@code duplex}. */
  public static final String DEFAULT_CHANNEL_PREFIX = "duplex";
  /** Default {@link Builder#nodeTtl(Duration)}: 5 seconds. */
  public static final Duration DEFAULT_NODE_TTL = Duration.ofSeconds(5);
  /** Default {@link Builder#connectionTtl(Duration)}: 30 seconds. */
  public static final Duration DEFAULT_CONNECTION_TTL = Duration.ofSeconds(30);
  /** Default {@link Builder#commandTimeout(Duration)}: 5 seconds. */
  public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(5);
  /** Default {@link Builder#maxReconnectDelay(Duration)}: 5 seconds. */
  public static final Duration DEFAULT_MAX_RECONNECT_DELAY = Duration.ofSeconds(5);

  private final String uriText;
  private final RedisURI uri;
  private final String prefix;
  private final String nodeId;
  private final Duration nodeTtl;
  private final Duration connectionTtl;
  private final Duration commandTimeout;
  private final Duration maxReconnectDelay;

  private final Keys keys;
  private final String eventsChannel;
  private final String nodeChannel;
  private final RedisErrors errors;
  private final Set<String> registered = ConcurrentHashMap.newKeySet();
  private final Liveness liveness;
  private final Object lifecycle = new Object();
  private Connections redis; // guarded by lifecycle
  private volatile StatefulRedisConnection<String, String> commands;
  private volatile Receiver receiver;
  private volatile boolean started;
  private volatile boolean closed;

  private RedisBackplane(Builder b) {
    this.uriText = b.uriText;
    this.uri = b.uri;
    this.prefix = b.prefix;
    this.nodeId = b.nodeId != null ? b.nodeId : "node-" + UUID.randomUUID().toString().substring(0, 8);
    this.nodeTtl = b.nodeTtl;
    this.connectionTtl = b.connectionTtl;
    this.commandTimeout = b.commandTimeout;
    this.maxReconnectDelay = b.maxReconnectDelay;
    this.keys = new Keys(prefix);
    this.eventsChannel = keys.eventsChannel();
    this.nodeChannel = keys.nodeChannel(nodeId);
    this.errors = new RedisErrors(uriText, nodeId);
    this.liveness = new Liveness(nodeId, uriText, keys, nodeTtl, connectionTtl, maxReconnectDelay, registered,
        errors);
  }

  /**
   * A new builder with every default set; {@link Builder#uri(String)} is required.
   *
   * @return the builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The Redis URI, with any password replaced by {@code ***}.
   *
   * @return the URI as given, redacted
   */
  public String uri() {
    return uriText;
  }

  /**
   * The prefix of every channel and key this backplane uses.
   *
   * @return the prefix
   */
  public String channelPrefix() {
    return prefix;
  }

  @Override
  public String nodeId() {
    return nodeId;
  }

  /**
   * How long a node stays listed as alive after its last heartbeat.
   *
   * @return the node TTL
   */
  public Duration nodeTtl() {
    return nodeTtl;
  }

  /**
   * How long a directory entry stays after its node last refreshed it.
   *
   * @return the connection TTL
   */
  public Duration connectionTtl() {
    return connectionTtl;
  }

  /**
   * How long a Redis command may take before it fails.
   *
   * @return the command timeout
   */
  public Duration commandTimeout() {
    return commandTimeout;
  }

  /**
   * The longest pause between two reconnect attempts after an outage.
   *
   * @return the delay
   */
  public Duration maxReconnectDelay() {
    return maxReconnectDelay;
  }

  // ---------------------------------------------------------------------------------------------
  // Backplane

  @Override
  public void start(Receiver receiver) throws IOException {
    Objects.requireNonNull(receiver, "receiver == null");
    synchronized (lifecycle) {
      if (started || closed) {
        throw new IllegalStateException("a RedisBackplane is started once, by one server");
      }
      started = true;
      this.receiver = receiver;
      redis = new Connections(uri, nodeId, commandTimeout, maxReconnectDelay);
      try {
        redis.connect();
        commands = redis.commands();
        StatefulRedisPubSubConnection<String, String> pubsub = redis.pubsub();
        String claimed = commands.sync().set(keys.nodeKey(nodeId), Liveness.nodeInfo(),
            SetArgs.Builder.nx().px(nodeTtl.toMillis()));
        if (claimed == null) {
          throw new IOException("Node id '" + nodeId + "' is in use: the key " + keys.nodeKey(nodeId)
              + " exists in Redis at " + uriText + ", so a live node has that id (or one that died less than "
              + nodeTtl.toMillis() + " ms ago). Give every node its own id, or leave nodeId unset for a random one");
        }
        pubsub.addListener(new RedisPubSubAdapter<String, String>() {
          @Override
          public void message(String channel, String message) {
            onRedisMessage(channel, message);
          }
        });
        pubsub.sync().subscribe(eventsChannel, nodeChannel);
      } catch (IOException e) {
        redis.shutdownQuietly();
        throw e;
      } catch (RuntimeException e) {
        redis.shutdownQuietly();
        throw new IOException("Could not connect to Redis at " + uriText + ": " + RedisErrors.rootMessage(e), e);
      }
      liveness.start(receiver, redis);
    }
    LOG.log(Level.INFO, "Node {0} joined the cluster on Redis {1} (prefix {2})", nodeId, uriText, prefix);
  }

  @Override
  public CompletionStage<Void> broadcast(String message) {
    return publish(eventsChannel, message).thenApply(n -> null);
  }

  @Override
  public CompletionStage<Void> send(String node, String message) {
    return publish(keys.nodeChannel(node), message).thenApply(n -> {
      if (n == 0) { // nobody subscribed: the node is gone, or cut off from Redis
        throw new IllegalStateException("node " + node + " is not listening on Redis");
      }
      return null;
    });
  }

  @Override
  public void register(String connectionId) {
    registered.add(connectionId);
    if (liveness.available()) {
      errors.quietly(commands.async().set(keys.connectionKey(connectionId), nodeId,
          SetArgs.Builder.px(connectionTtl.toMillis())), "register " + connectionId);
    }
  }

  @Override
  public void unregister(String connectionId) {
    registered.remove(connectionId);
    if (liveness.available()) {
      errors.quietly(commands.async().del(keys.connectionKey(connectionId)), "unregister " + connectionId);
    }
  }

  @Override
  public CompletionStage<Optional<String>> locate(String connectionId) {
    if (!liveness.available()) {
      return CompletableFuture.failedFuture(errors.unavailable());
    }
    RedisAsyncCommands<String, String> a = commands.async();
    return errors.outages(a.get(keys.connectionKey(connectionId)).thenCompose(node -> {
      if (node == null) {
        return CompletableFuture.completedFuture(Optional.<String>empty());
      }
      if (node.equals(nodeId)) {
        return CompletableFuture.completedFuture(Optional.of(node));
      }
      return a.exists(keys.nodeKey(node)).thenApply(n -> n > 0 ? Optional.of(node) : Optional.<String>empty());
    }));
  }

  @Override
  public void watch(String node) {
    liveness.watch(node);
  }

  @Override
  public boolean isAvailable() {
    return liveness.available() && !closed;
  }

  @Override
  public void close() {
    synchronized (lifecycle) {
      if (closed) {
        return;
      }
      closed = true;
      liveness.stop();
      if (!started) {
        return;
      }
      liveness.leave(commandTimeout);
      if (redis != null) { // null if the client could not even be set up
        redis.shutdownQuietly();
      }
    }
    LOG.log(Level.INFO, "Node {0} left the cluster", nodeId);
  }

  @Override
  public String toString() {
    return "RedisBackplane[" + nodeId + " on " + uriText + ", prefix " + prefix
        + (closed ? ", closed" : liveness.available() ? "" : ", unavailable") + "]";
  }

  // ---------------------------------------------------------------------------------------------

  private CompletableFuture<Long> publish(String channel, String message) {
    if (!isAvailable()) {
      return CompletableFuture.failedFuture(errors.unavailable());
    }
    try {
      return errors.outages(commands.async().publish(channel, message));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(errors.outage(e));
    }
  }

  private void onRedisMessage(String channel, String message) {
    Receiver r = receiver;
    if (r == null || closed) {
      return;
    }
    if (channel.equals(nodeChannel)) {
      r.onMessage(message);
    } else if (channel.equals(eventsChannel)) {
      r.onBroadcast(message);
    }
  }

  /**
   * Builds a {@link RedisBackplane}. Setters validate their argument at once; {@link #build()}
   * checks that a URI was given. Not thread-safe.
   *
   * @since 0.1
   */
  public static final class Builder {
    private String uriText;
    private RedisURI uri;
    private String prefix = DEFAULT_CHANNEL_PREFIX;
    private String nodeId;
    private Duration nodeTtl = DEFAULT_NODE_TTL;
    private Duration connectionTtl = DEFAULT_CONNECTION_TTL;
    private Duration commandTimeout = DEFAULT_COMMAND_TIMEOUT;
    private Duration maxReconnectDelay = DEFAULT_MAX_RECONNECT_DELAY;

    Builder() {}

    /**
     * The Redis server: {@code redis://[user:password@]host[:port][/database]}, {@code
     * rediss://...} for TLS, {@code redis-socket:///path/to/socket}, or {@code
     * redis-sentinel://host1:26379,host2:26379/0#mymaster} for a Sentinel-managed master (Lettuce's
     * URI syntax). Redis Cluster is not supported. Required.
     *
     * @param uri the URI
     * @return this builder
     * @throws IllegalArgumentException if it is not a Redis URI
     */
    public Builder uri(String uri) {
      Objects.requireNonNull(uri, "uri == null");
      try {
        this.uri = RedisURI.create(uri);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("Not a Redis URI: '" + redact(uri) + "' (" + RedisErrors.rootMessage(e)
            + "); expected redis://host:port, rediss://..., redis-socket://... or redis-sentinel://...", e);
      }
      this.uriText = redact(uri);
      return this;
    }

    /**
     * The prefix of every channel and key, so that several applications (or several clusters)
     * can share one Redis: nodes with the same prefix form one cluster. Default {@code duplex}.
     *
     * @param prefix 1 to 64 characters, no white space
     * @return this builder
     */
    public Builder channelPrefix(String prefix) {
      Objects.requireNonNull(prefix, "prefix == null");
      if (!PREFIX.matcher(prefix).matches()) {
        throw new IllegalArgumentException("channel prefix must be 1 to 64 characters without white space: '"
            + prefix + "'");
      }
      this.prefix = prefix;
      return this;
    }

    /**
     * This node's id, unique in the cluster; starting a node whose id a live node has fails.
     * Default: {@code node-} and 8 random hex digits, new for every backplane.
     *
     * @param nodeId 1 to 64 letters, digits, {@code .}, {@code _} or {@code -}
     * @return this builder
     */
    public Builder nodeId(String nodeId) {
      Objects.requireNonNull(nodeId, "nodeId == null");
      if (!NODE_ID.matcher(nodeId).matches()) {
        throw new IllegalArgumentException("node id must be 1 to 64 letters, digits, '.', '_' or '-': '"
            + nodeId + "'");
      }
      this.nodeId = nodeId;
      return this;
    }

    /**
     * How long a node is taken as alive after its last heartbeat (the heartbeat runs every third
     * of the shorter TTL). A killed node is noticed within about this time, and the calls in
     * flight to its clients then fail. Default 5 seconds; at least 100 ms.
     *
     * @param ttl the TTL
     * @return this builder
     */
    public Builder nodeTtl(Duration ttl) {
      this.nodeTtl = atLeast(ttl, Duration.ofMillis(100), "nodeTtl");
      return this;
    }

    /**
     * How long a directory entry lives after its node last wrote it. A node writes its entries
     * again every third of this, and deletes each when its connection closes; the TTL only
     * matters for the entries of a node that died. Default 30 seconds; at least 100 ms.
     *
     * @param ttl the TTL
     * @return this builder
     */
    public Builder connectionTtl(Duration ttl) {
      this.connectionTtl = atLeast(ttl, Duration.ofMillis(100), "connectionTtl");
      return this;
    }

    /**
     * How long one Redis command (and the connection at start) may take before it fails.
     * Default 5 seconds; at least 10 ms.
     *
     * @param timeout the timeout
     * @return this builder
     */
    public Builder commandTimeout(Duration timeout) {
      this.commandTimeout = atLeast(timeout, Duration.ofMillis(10), "commandTimeout");
      return this;
    }

    /**
     * The longest pause between reconnect attempts after Redis was lost (the pauses grow
     * exponentially from 10 ms up to this). Default 5 seconds; at least 10 ms.
     *
     * @param delay the longest pause
     * @return this builder
     */
    public Builder maxReconnectDelay(Duration delay) {
      this.maxReconnectDelay = atLeast(delay, Duration.ofMillis(10), "maxReconnectDelay");
      return this;
    }

    /**
     * Builds the backplane; it connects when its server starts.
     *
     * @return the backplane
     * @throws IllegalStateException if no URI was given
     */
    public RedisBackplane build() {
      if (uri == null) {
        throw new IllegalStateException("A Redis URI is required: RedisBackplane.builder().uri(\"redis://host:6379\")");
      }
      uri.setTimeout(commandTimeout);
      return new RedisBackplane(this);
    }

    private static Duration atLeast(Duration d, Duration min, String name) {
      Objects.requireNonNull(d, name + " == null");
      if (d.compareTo(min) < 0) {
        throw new IllegalArgumentException(name + " must be at least " + min.toMillis() + " ms: " + d);
      }
      return d;
    }

    private static String redact(String uri) {
      return uri.replaceAll("(://)([^@/]*)@", "$1***@");
    }
  }
}
