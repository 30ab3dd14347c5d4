package dev.duplexrpc.server;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * How the embedded server protects itself from clients that open sockets and hold them: a
 * deadline and a minimum rate for the upgrade request, bounds on pending handshakes and open
 * connections (in total and per client address), an optional rate limit on incoming messages,
 * and the size of the request headers.
 *
 * <pre>{@code
 * RpcServer server = RpcServer.builder()
 *     .connectionLimits(ConnectionLimits.builder()
 *         .handshakeTimeout(Duration.ofSeconds(5))
 *         .maxConnectionsPerAddress(100)
 *         .trustedProxies("10.0.0.7")          // believe its X-Forwarded-For
 *         .build())
 *     ...
 * }</pre>
 *
 * <h2>Where each applies</h2>
 *
 * Everything applies to {@link RpcServer}. Deployed in another container ({@link
 * RpcServer.Builder#buildEndpoint()}), only {@link Builder#maxMessagesPerSecond(int)} applies;
 * the container's own settings do the rest (docs/deploy.md maps them).
 *
 * <h2>Refusals</h2>
 *
 * A connection past a total limit ({@link Builder#maxConnections(int)}, {@link
 * Builder#maxPendingHandshakes(int)}) is answered HTTP 503, one past a per-address limit HTTP
 * 429, as soon as it is accepted and before anything is read from it (a TLS connection is closed
 * instead: no HTTP can be spoken before its handshake). A handshake that misses its deadline or
 * rate is closed without an answer. Refusals are logged once per 10 seconds with a count, not
 * once per socket; {@link RpcServer#connectionStats()} counts them all.
 *
 * <p>Immutable and thread-safe.
 *
 * @since 0.1
 */
public final class ConnectionLimits {
  /** Default {@link Builder#handshakeTimeout(Duration)}: 10 seconds. */
  public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
  /** Default {@link Builder#minHandshakeRate(int, Duration)}: 240 bytes per second. */
  public static final int DEFAULT_MIN_HANDSHAKE_RATE = 240;
  /** Default grace of {@link Builder#minHandshakeRate(int, Duration)}: 5 seconds. */
  public static final Duration DEFAULT_MIN_HANDSHAKE_RATE_GRACE = Duration.ofSeconds(5);
  /** Default {@link Builder#maxRequestHeaderSize(int)}: 8 KiB. */
  public static final int DEFAULT_MAX_REQUEST_HEADER_SIZE = 8 << 10;
  /** Default {@link Builder#maxConnections(int)}: 10,000. */
  public static final int DEFAULT_MAX_CONNECTIONS = 10_000;
  /** Default {@link Builder#maxPendingHandshakes(int)}: 1,024. */
  public static final int DEFAULT_MAX_PENDING_HANDSHAKES = 1_024;
  /** Default {@link Builder#maxConnectionsPerAddress(int)}: 1,024. */
  public static final int DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 1_024;
  /** Default {@link Builder#maxPendingHandshakesPerAddress(int)}: 128. */
  public static final int DEFAULT_MAX_PENDING_HANDSHAKES_PER_ADDRESS = 128;

  private static final ConnectionLimits DEFAULTS = new Builder().build();

  private final Duration handshakeTimeout;
  private final int minHandshakeRate;
  private final Duration minHandshakeRateGrace;
  private final int maxRequestHeaderSize;
  private final int maxConnections;
  private final int maxPendingHandshakes;
  private final int maxConnectionsPerAddress;
  private final int maxPendingHandshakesPerAddress;
  private final Set<InetAddress> trustedProxies;
  private final int maxMessagesPerSecond;

  private ConnectionLimits(Builder b) {
    this.handshakeTimeout = b.handshakeTimeout;
    this.minHandshakeRate = b.minHandshakeRate;
    this.minHandshakeRateGrace = b.minHandshakeRateGrace;
    this.maxRequestHeaderSize = b.maxRequestHeaderSize;
    this.maxConnections = b.maxConnections;
    this.maxPendingHandshakes = b.maxPendingHandshakes;
    this.maxConnectionsPerAddress = b.maxConnectionsPerAddress;
    this.maxPendingHandshakesPerAddress = b.maxPendingHandshakesPerAddress;
    this.trustedProxies = Collections.unmodifiableSet(new LinkedHashSet<>(b.trustedProxies));
    this.maxMessagesPerSecond = b.maxMessagesPerSecond;
  }

  /**
   * The limits with every default.
   *
   * @return the defaults
   */
  public static ConnectionLimits defaults() {
    return DEFAULTS;
  }

  /**
   * A builder with every default set.
   *
   * @return the builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder holding these limits, to derive others.
   *
   * @return the builder
   */
  public Builder newBuilder() {
    return new Builder(this);
  }

  /** See {@link Builder#handshakeTimeout(Duration)}; zero for none. */
  public Duration handshakeTimeout() {
    return handshakeTimeout;
  }

  /** See {@link Builder#minHandshakeRate(int, Duration)}; zero for none. */
  public int minHandshakeRate() {
    return minHandshakeRate;
  }

  /** See {@link Builder#minHandshakeRate(int, Duration)}. */
  public Duration minHandshakeRateGrace() {
    return minHandshakeRateGrace;
  }

  /** See {@link Builder#maxRequestHeaderSize(int)}. */
  public int maxRequestHeaderSize() {
    return maxRequestHeaderSize;
  }

  /** See {@link Builder#maxConnections(int)}; zero for no limit. */
  public int maxConnections() {
    return maxConnections;
  }

  /** See {@link Builder#maxPendingHandshakes(int)}; zero for no limit. */
  public int maxPendingHandshakes() {
    return maxPendingHandshakes;
  }

  /** See {@link Builder#maxConnectionsPerAddress(int)}; zero for no limit. */
  public int maxConnectionsPerAddress() {
    return maxConnectionsPerAddress;
  }

  /** See {@link Builder#maxPendingHandshakesPerAddress(int)}; zero for no limit. */
  public int maxPendingHandshakesPerAddress() {
    return maxPendingHandshakesPerAddress;
  }

  /** See {@link Builder#trustedProxies(String...)}; unmodifiable, empty by default. */
  public Set<InetAddress> trustedProxies() {
    return trustedProxies;
  }

  /** See {@link Builder#maxMessagesPerSecond(int)}; zero (the default) for no limit. */
  public int maxMessagesPerSecond() {
    return maxMessagesPerSecond;
  }

  @Override
  public String toString() {
    return "ConnectionLimits[handshakeTimeout=" + handshakeTimeout + ", minHandshakeRate=" + minHandshakeRate
        + "/s after " + minHandshakeRateGrace + ", maxRequestHeaderSize=" + maxRequestHeaderSize
        + ", maxConnections=" + maxConnections + ", maxPendingHandshakes=" + maxPendingHandshakes
        + ", maxConnectionsPerAddress=" + maxConnectionsPerAddress + ", maxPendingHandshakesPerAddress="
        + maxPendingHandshakesPerAddress + ", trustedProxies=" + trustedProxies
        + ", maxMessagesPerSecond=" + maxMessagesPerSecond + "]";
  }

  /**
   * Builds {@link ConnectionLimits}. Setters validate their argument at once. Not thread-safe.
   *
   * @since 0.1
   */
  public static final class Builder {
    private Duration handshakeTimeout = DEFAULT_HANDSHAKE_TIMEOUT;
    private int minHandshakeRate = DEFAULT_MIN_HANDSHAKE_RATE;
    private Duration minHandshakeRateGrace = DEFAULT_MIN_HANDSHAKE_RATE_GRACE;
    private int maxRequestHeaderSize = DEFAULT_MAX_REQUEST_HEADER_SIZE;
    private int maxConnections = DEFAULT_MAX_CONNECTIONS;
    private int maxPendingHandshakes = DEFAULT_MAX_PENDING_HANDSHAKES;
    private int maxConnectionsPerAddress = DEFAULT_MAX_CONNECTIONS_PER_ADDRESS;
    private int maxPendingHandshakesPerAddress = DEFAULT_MAX_PENDING_HANDSHAKES_PER_ADDRESS;
    private final Set<InetAddress> trustedProxies = new LinkedHashSet<>();
    private int maxMessagesPerSecond;

    Builder() {}

    Builder(ConnectionLimits l) {
      handshakeTimeout = l.handshakeTimeout;
      minHandshakeRate = l.minHandshakeRate;
      minHandshakeRateGrace = l.minHandshakeRateGrace;
      maxRequestHeaderSize = l.maxRequestHeaderSize;
      maxConnections = l.maxConnections;
      maxPendingHandshakes = l.maxPendingHandshakes;
      maxConnectionsPerAddress = l.maxConnectionsPerAddress;
      maxPendingHandshakesPerAddress = l.maxPendingHandshakesPerAddress;
      trustedProxies.addAll(l.trustedProxies);
      maxMessagesPerSecond = l.maxMessagesPerSecond;
    }

    /**
     * How long a new connection has, from its accept, to deliver its whole upgrade request (TLS
     * handshake, request line and headers). Past it the socket is closed without an answer.
     * Default 10 seconds (Kestrel's {@code RequestHeadersTimeout} is 30 s, SignalR's {@code
     * HandshakeTimeout} 15 s); {@link Duration#ZERO} for none.
     *
     * @param timeout the deadline, zero or positive
     * @return this builder
     */
    public Builder handshakeTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout == null");
      if (timeout.isNegative()) {
        throw new IllegalArgumentException("handshakeTimeout < 0: " + timeout);
      }
      this.handshakeTimeout = timeout;
      return this;
    }

    /**
     * The slowest an upgrade request may arrive: once {@code grace} has passed since the accept, a
     * connection that has sent fewer than {@code bytesPerSecond} per second on average, and not yet
     * its whole request, is closed. Default 240 bytes per second after 5 seconds (Kestrel's {@code
     * MinRequestBodyDataRate}); 0 for no minimum.
     *
     * @param bytesPerSecond the minimum average rate, zero or positive
     * @param grace how long a connection may be slower, zero or positive
     * @return this builder
     */
    public Builder minHandshakeRate(int bytesPerSecond, Duration grace) {
      Objects.requireNonNull(grace, "grace == null");
      if (bytesPerSecond < 0) {
        throw new IllegalArgumentException("minHandshakeRate < 0: " + bytesPerSecond);
      }
      if (grace.isNegative()) {
        throw new IllegalArgumentException("grace < 0: " + grace);
      }
      this.minHandshakeRate = bytesPerSecond;
      this.minHandshakeRateGrace = grace;
      return this;
    }

    /**
     * The largest request line and headers, in bytes; a larger request is answered HTTP 400 and
     * closed. Default 8 KiB (Tomcat's {@code maxHttpHeaderSize}, Jetty's {@code
     * requestHeaderSize}); at least 1,024.
     *
     * @param bytes the limit
     * @return this builder
     */
    public Builder maxRequestHeaderSize(int bytes) {
      if (bytes < 1024) {
        throw new IllegalArgumentException("maxRequestHeaderSize < 1024: " + bytes);
      }
      this.maxRequestHeaderSize = bytes;
      return this;
    }

    /**
     * The most sockets open at once, pending handshakes included; one more is answered HTTP 503.
     * Keep it below the process's descriptor limit ({@code ulimit -n}). Default 10,000 (Tomcat's
     * {@code maxConnections} is 8,192); 0 for no limit.
     *
     * @param max the limit, zero or positive
     * @return this builder
     */
    public Builder maxConnections(int max) {
      this.maxConnections = nonNegative(max, "maxConnections");
      return this;
    }

    /**
     * The most sockets that may be open without having delivered their whole upgrade request; one
     * more is answered HTTP 503. Default 1,024; 0 for no limit.
     *
     * @param max the limit, zero or positive
     * @return this builder
     */
    public Builder maxPendingHandshakes(int max) {
      this.maxPendingHandshakes = nonNegative(max, "maxPendingHandshakes");
      return this;
    }

    /**
     * The most sockets open at once from one client address, pending handshakes included; one more
     * is answered HTTP 429. Connections through a {@linkplain #trustedProxies trusted proxy} count
     * against the address it forwards. Behind a proxy that is not trusted every client shares the
     * proxy's address: trust it, or raise this. Default 1,024; 0 for no limit.
     *
     * @param max the limit, zero or positive
     * @return this builder
     */
    public Builder maxConnectionsPerAddress(int max) {
      this.maxConnectionsPerAddress = nonNegative(max, "maxConnectionsPerAddress");
      return this;
    }

    /**
     * The most sockets from one client address that may be open without having delivered their
     * whole upgrade request; one more is answered HTTP 429. Trusted proxies are exempt (their
     * clients' addresses are known only once the headers are in). Default 128; 0 for no limit.
     *
     * @param max the limit, zero or positive
     * @return this builder
     */
    public Builder maxPendingHandshakesPerAddress(int max) {
      this.maxPendingHandshakesPerAddress = nonNegative(max, "maxPendingHandshakesPerAddress");
      return this;
    }

    /**
     * The addresses of reverse proxies whose {@code X-Forwarded-For} header is believed: for a
     * connection from one of them, the client address is the last address in that header that is
     * not itself a trusted proxy. It is the address the per-address limits count, and the one
     * {@link Handshake} reports. Default none: the header is ignored.
     *
     * @param addresses IP literals (no host names are looked up)
     * @return this builder
     * @throws IllegalArgumentException if one is not an IP literal
     */
    public Builder trustedProxies(String... addresses) {
      Objects.requireNonNull(addresses, "addresses == null");
      Set<InetAddress> parsed = new LinkedHashSet<>();
      for (String a : addresses) {
        Objects.requireNonNull(a, "address == null");
        parsed.add(literal(a));
      }
      trustedProxies.clear();
      trustedProxies.addAll(parsed);
      return this;
    }

    /**
     * The most messages a connection may send per second, on average over a second with bursts of
     * up to that many; a connection that sends more is closed with 1008 (policy violation) and a
     * reason naming the limit. Applies in every container. Default 0: no limit (the requests
     * running per connection are bounded by {@code maxInFlight} anyway).
     *
     * @param max the limit, zero or positive
     * @return this builder
     */
    public Builder maxMessagesPerSecond(int max) {
      this.maxMessagesPerSecond = nonNegative(max, "maxMessagesPerSecond");
      return this;
    }

    /**
     * Builds the limits.
     *
     * @return the limits
     */
    public ConnectionLimits build() {
      return new ConnectionLimits(this);
    }

    private static int nonNegative(int value, String name) {
      if (value < 0) {
        throw new IllegalArgumentException(name + " < 0: " + value);
      }
      return value;
    }

    static InetAddress literal(String address) {
      String a = address.trim();
      if (a.startsWith("[") && a.endsWith("]")) {
        a = a.substring(1, a.length() - 1);
      }
      boolean ip = !a.isEmpty() && (a.indexOf(':') >= 0 || a.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9')));
      if (!ip) {
        throw new IllegalArgumentException("not an IP address: " + address);
      }
      try {
        return InetAddress.getByName(a); // a literal: no lookup
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException("not an IP address: " + address, e);
      }
    }
  }
}
