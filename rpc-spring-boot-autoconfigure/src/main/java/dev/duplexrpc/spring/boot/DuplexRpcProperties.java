package dev.duplexrpc.spring.boot;

import dev.duplexrpc.client.ReconnectPolicy;
import dev.duplexrpc.client.RpcClient;
import dev.duplexrpc.core.PeerConfig;
import dev.duplexrpc.websocket.SocketSettings;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code duplex.rpc.*} properties: the server ({@code duplex.rpc.server.*}), the cluster
 * backplane ({@code duplex.rpc.cluster.redis.*}) and the named clients ({@code
 * duplex.rpc.client.<name>.*}). Every default is the library's own (the constants of {@link
 * PeerConfig}, {@link SocketSettings}, {@link RpcClient} and {@link ReconnectPolicy}); docs/spring.md
 * has the table.
 *
 * <p>A Spring properties holder: mutable, bound once at start, not thread-safe.
 *
 * @since 0.1
 */
@ConfigurationProperties("duplex.rpc")
public class DuplexRpcProperties {
  /** Defaults, bound by Spring. */
  public DuplexRpcProperties() {}

  private final Server server = new Server();
  private final Cluster cluster = new Cluster();
  private final Map<String, Client> client = new LinkedHashMap<>();

  /**
   * The server's settings.
   *
   * @return the settings
   */
  public Server getServer() {
    return server;
  }

  /**
   * The cluster backplane's settings.
   *
   * @return the settings
   */
  public Cluster getCluster() {
    return cluster;
  }

  /**
   * The clients, by name.
   *
   * @return the mutable map
   */
  public Map<String, Client> getClient() {
    return client;
  }

  /** The engine settings both sides have; defaults from {@link PeerConfig} and {@link SocketSettings}. */
  public static class Engine {
    /** Defaults, bound by Spring. */
    public Engine() {}

    private int maxMessageSize = PeerConfig.DEFAULT_MAX_MESSAGE_SIZE;
    private int maxInFlight = PeerConfig.DEFAULT_MAX_IN_FLIGHT;
    private Duration callTimeout = PeerConfig.DEFAULT_CALL_TIMEOUT;
    private Duration pingInterval = SocketSettings.DEFAULT_PING_INTERVAL;
    private Duration idleTimeout = SocketSettings.DEFAULT_IDLE_TIMEOUT;
    private long maxQueuedBytes = SocketSettings.DEFAULT_MAX_QUEUED_BYTES;
    private boolean discovery = true;
    private boolean exposeErrorDetails;
    private Duration shutdownGrace = Duration.ofSeconds(10);

    /** @return the largest message in characters, either way; past it 1009 */
    public int getMaxMessageSize() {
      return maxMessageSize;
    }

    /** @param maxMessageSize the largest message in characters */
    public void setMaxMessageSize(int maxMessageSize) {
      this.maxMessageSize = maxMessageSize;
    }

    /** @return the most requests of one connection running at once */
    public int getMaxInFlight() {
      return maxInFlight;
    }

    /** @param maxInFlight the most requests of one connection running at once */
    public void setMaxInFlight(int maxInFlight) {
      this.maxInFlight = maxInFlight;
    }

    /** @return how long an outgoing call waits for its response */
    public Duration getCallTimeout() {
      return callTimeout;
    }

    /** @param callTimeout how long an outgoing call waits for its response */
    public void setCallTimeout(Duration callTimeout) {
      this.callTimeout = callTimeout;
    }

    /** @return the time between heartbeat pings, zero for none */
    public Duration getPingInterval() {
      return pingInterval;
    }

    /** @param pingInterval the time between heartbeat pings, zero for none */
    public void setPingInterval(Duration pingInterval) {
      this.pingInterval = pingInterval;
    }

    /** @return the longest silence before the connection is dropped, zero for none */
    public Duration getIdleTimeout() {
      return idleTimeout;
    }

    /** @param idleTimeout the longest silence before the connection is dropped, zero for none */
    public void setIdleTimeout(Duration idleTimeout) {
      this.idleTimeout = idleTimeout;
    }

    /** @return the most bytes waiting to be written to one socket */
    public long getMaxQueuedBytes() {
      return maxQueuedBytes;
    }

    /** @param maxQueuedBytes the most bytes waiting to be written to one socket */
    public void setMaxQueuedBytes(long maxQueuedBytes) {
      this.maxQueuedBytes = maxQueuedBytes;
    }

    /** @return whether {@code rpc.discover} answers with the OpenRPC document */
    public boolean isDiscovery() {
      return discovery;
    }

    /** @param discovery whether {@code rpc.discover} answers with the OpenRPC document */
    public void setDiscovery(boolean discovery) {
      this.discovery = discovery;
    }

    /** @return whether internal errors carry the exception's class and message */
    public boolean isExposeErrorDetails() {
      return exposeErrorDetails;
    }

    /** @param exposeErrorDetails whether internal errors carry the exception's class and message */
    public void setExposeErrorDetails(boolean exposeErrorDetails) {
      this.exposeErrorDetails = exposeErrorDetails;
    }

    /** @return how long running calls may finish when the application stops */
    public Duration getShutdownGrace() {
      return shutdownGrace;
    }

    /** @param shutdownGrace how long running calls may finish when the application stops */
    public void setShutdownGrace(Duration shutdownGrace) {
      this.shutdownGrace = shutdownGrace;
    }
  }

  /** {@code duplex.rpc.server.*}: the endpoint on the application's own web server. */
  public static class Server extends Engine {
    /** Defaults, bound by Spring. */
    public Server() {}

    private boolean enabled = true;
    private String path = "/rpc";
    private List<String> allowedOrigins = new ArrayList<>();
    private List<String> events = new ArrayList<>();

    /** @return whether the server is on (when the application has {@code @RpcService} beans) */
    public boolean isEnabled() {
      return enabled;
    }

    /** @param enabled false to serve nothing */
    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    /** @return the endpoint's path on the application's port */
    public String getPath() {
      return path;
    }

    /** @param path the endpoint's path, starting with {@code /} */
    public void setPath(String path) {
      this.path = path;
    }

    /** @return the origins browsers may connect from; empty for any */
    public List<String> getAllowedOrigins() {
      return allowedOrigins;
    }

    /** @param allowedOrigins the origins browsers may connect from ({@code scheme://host[:port]}) */
    public void setAllowedOrigins(List<String> allowedOrigins) {
      this.allowedOrigins = allowedOrigins;
    }

    /** @return the events clients may subscribe to */
    public List<String> getEvents() {
      return events;
    }

    /** @param events the events clients may subscribe to */
    public void setEvents(List<String> events) {
      this.events = events;
    }
  }

  /** {@code duplex.rpc.cluster.*}: the backplane the server joins. */
  public static class Cluster {
    /** Defaults, bound by Spring. */
    public Cluster() {}

    private final Redis redis = new Redis();

    /** @return the Redis backplane's settings */
    public Redis getRedis() {
      return redis;
    }
  }

  /** {@code duplex.rpc.cluster.redis.*}: used when {@code rpc-redis} is present and a URI is set. */
  public static class Redis {
    /** Defaults, bound by Spring. */
    public Redis() {}

    private String uri;
    private String channelPrefix;
    private String nodeId;

    /** @return the Redis URI, for example {@code redis://localhost:6379}; null for no cluster */
    public String getUri() {
      return uri;
    }

    /** @param uri the Redis URI */
    public void setUri(String uri) {
      this.uri = uri;
    }

    /** @return the prefix of the backplane's channels and keys; null for the library's default */
    public String getChannelPrefix() {
      return channelPrefix;
    }

    /** @param channelPrefix the prefix of the backplane's channels and keys */
    public void setChannelPrefix(String channelPrefix) {
      this.channelPrefix = channelPrefix;
    }

    /** @return this node's id; null for a random one */
    public String getNodeId() {
      return nodeId;
    }

    /** @param nodeId this node's id */
    public void setNodeId(String nodeId) {
      this.nodeId = nodeId;
    }
  }

  /** {@code duplex.rpc.client.<name>.*}: one client connection. */
  public static class Client extends Engine {
    /** Defaults, bound by Spring. */
    public Client() {}

    private URI uri;
    private List<URI> failoverUris = new ArrayList<>();
    private Duration connectTimeout = RpcClient.DEFAULT_CONNECT_TIMEOUT;
    private Map<String, String> headers = new LinkedHashMap<>();
    private boolean retryFirstConnect;
    private final Reconnect reconnect = new Reconnect();
    private int offlineQueueSize;
    private Duration offlineQueueWait = Duration.ofSeconds(30);

    /** @return the server's URI, {@code ws://} or {@code wss://}; required */
    public URI getUri() {
      return uri;
    }

    /** @param uri the server's URI */
    public void setUri(URI uri) {
      this.uri = uri;
    }

    /** @return the URIs tried in turn after the first when a connect fails */
    public List<URI> getFailoverUris() {
      return failoverUris;
    }

    /** @param failoverUris the URIs tried in turn after the first */
    public void setFailoverUris(List<URI> failoverUris) {
      this.failoverUris = failoverUris;
    }

    /** @return how long one connect attempt may take */
    public Duration getConnectTimeout() {
      return connectTimeout;
    }

    /** @param connectTimeout how long one connect attempt may take */
    public void setConnectTimeout(Duration connectTimeout) {
      this.connectTimeout = connectTimeout;
    }

    /** @return headers sent with every upgrade request (for example {@code Authorization}) */
    public Map<String, String> getHeaders() {
      return headers;
    }

    /** @param headers headers sent with every upgrade request */
    public void setHeaders(Map<String, String> headers) {
      this.headers = headers;
    }

    /** @return whether the start waits, retrying with the reconnect delays, for a server that is down */
    public boolean isRetryFirstConnect() {
      return retryFirstConnect;
    }

    /** @param retryFirstConnect whether the start retries a failed first connect */
    public void setRetryFirstConnect(boolean retryFirstConnect) {
      this.retryFirstConnect = retryFirstConnect;
    }

    /** @return the reconnect settings */
    public Reconnect getReconnect() {
      return reconnect;
    }

    /** @return the most calls held while reconnecting; 0 fails them at once */
    public int getOfflineQueueSize() {
      return offlineQueueSize;
    }

    /** @param offlineQueueSize the most calls held while reconnecting */
    public void setOfflineQueueSize(int offlineQueueSize) {
      this.offlineQueueSize = offlineQueueSize;
    }

    /** @return the longest a call is held while reconnecting */
    public Duration getOfflineQueueWait() {
      return offlineQueueWait;
    }

    /** @param offlineQueueWait the longest a call is held while reconnecting */
    public void setOfflineQueueWait(Duration offlineQueueWait) {
      this.offlineQueueWait = offlineQueueWait;
    }
  }

  /** {@code duplex.rpc.client.<name>.reconnect.*}: full-jitter exponential backoff. */
  public static class Reconnect {
    /** Defaults, bound by Spring. */
    public Reconnect() {}

    private boolean enabled = true;
    private Duration initialDelay = ReconnectPolicy.DEFAULT_INITIAL_DELAY;
    private Duration maxDelay = ReconnectPolicy.DEFAULT_MAX_DELAY;
    private int maxAttempts;

    /** @return whether a lost connection reconnects */
    public boolean isEnabled() {
      return enabled;
    }

    /** @param enabled whether a lost connection reconnects */
    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    /** @return the first delay's upper bound */
    public Duration getInitialDelay() {
      return initialDelay;
    }

    /** @param initialDelay the first delay's upper bound */
    public void setInitialDelay(Duration initialDelay) {
      this.initialDelay = initialDelay;
    }

    /** @return the largest delay's upper bound */
    public Duration getMaxDelay() {
      return maxDelay;
    }

    /** @param maxDelay the largest delay's upper bound */
    public void setMaxDelay(Duration maxDelay) {
      this.maxDelay = maxDelay;
    }

    /** @return failed attempts in a row before giving up; 0 for never */
    public int getMaxAttempts() {
      return maxAttempts;
    }

    /** @param maxAttempts failed attempts in a row before giving up; 0 for never */
    public void setMaxAttempts(int maxAttempts) {
      this.maxAttempts = maxAttempts;
    }
  }
}
