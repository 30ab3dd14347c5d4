package dev.duplexrpc.core;

import com.google.gson.Gson;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * The settings of the JSON-RPC engine that a WebSocket binding's builder passes to the {@link
 * Peer} of every connection: interceptors, handler executor, Gson, limits, call timeout, error
 * details, cancellation, the fallback and discovery. {@code RpcServer.Builder} and {@code RpcClient.Builder}
 * extend it, so these settings read and behave the same at both ends; each is described in full on
 * {@link PeerConfig.Builder}, where they are written. The binding builds one {@link PeerConfig}
 * for all its connections.
 *
 * <pre>{@code
 * RpcServer.builder()
 *     .service(new ShopImpl())
 *     .maxInFlight(256)                       // per connection
 *     .callTimeout(Duration.ofSeconds(10))    // calls to clients
 *     .discoveryInfo("Shop", "1.2.0")
 *     ...
 * }</pre>
 *
 * <p>Not thread-safe, like the builders that extend it.
 *
 * @param <B> the extending builder, which every setter returns
 * @since 0.1
 */
public abstract class PeerOptions<B extends PeerOptions<B>> {
  /** Where the settings go; the binding builds its connections' configuration from it. */
  protected final PeerConfig.Builder config;

  /**
   * Starts from a configuration builder.
   *
   * @param config the builder the settings go to: {@link PeerConfig#builder()}, or {@code
   *     newBuilder()} of a configuration when a binding builder is copied
   */
  protected PeerOptions(PeerConfig.Builder config) {
    this.config = Objects.requireNonNull(config, "config == null");
  }

  @SuppressWarnings("unchecked")
  private B self() {
    return (B) this;
  }

  /**
   * Adds an interceptor around every incoming and outgoing call of every connection; see {@link
   * PeerConfig.Builder#interceptor(RpcInterceptor)}. The first added is the outermost. None by
   * default.
   *
   * @param interceptor the interceptor
   * @return this builder
   */
  public B interceptor(RpcInterceptor interceptor) {
    config.interceptor(interceptor);
    return self();
  }

  /**
   * The executor handlers run on; see {@link PeerConfig.Builder#executor(Executor)}. The library never
   * shuts down an executor given here. Default: virtual threads on Java 21+, else a shared bounded
   * pool.
   *
   * @param executor the executor, or null for the library's default
   * @return this builder
   */
  public B executor(Executor executor) {
    config.executor(executor);
    return self();
  }

  /**
   * Runs every handler on the thread that decoded its message; see {@link
   * PeerConfig.Builder#directExecution(boolean)}. Off by default.
   *
   * @param direct true for direct mode on every method
   * @return this builder
   */
  public B directExecution(boolean direct) {
    config.directExecution(direct);
    return self();
  }

  /**
   * The Gson instance for params and results; see {@link PeerConfig.Builder#gson(Gson)}.
   *
   * @param gson the Gson instance
   * @return this builder
   */
  public B gson(Gson gson) {
    config.gson(gson);
    return self();
  }

  /**
   * The largest message in characters, both ways; see {@link PeerConfig.Builder#maxMessageSize(int)}.
   * A larger incoming message closes the connection with 1009, and the WebSocket layer's incoming
   * buffer is sized from it. Default 1 MiB; at least 256.
   *
   * @param chars the limit
   * @return this builder
   */
  public B maxMessageSize(int chars) {
    config.maxMessageSize(chars);
    return self();
  }

  /**
   * The deepest JSON nesting accepted; see {@link PeerConfig.Builder#maxNestingDepth(int)}. Default
   * 128.
   *
   * @param depth the limit
   * @return this builder
   */
  public B maxNestingDepth(int depth) {
    config.maxNestingDepth(depth);
    return self();
  }

  /**
   * The largest incoming batch; see {@link PeerConfig.Builder#maxBatchSize(int)}. Default 1000.
   *
   * @param items the limit
   * @return this builder
   */
  public B maxBatchSize(int items) {
    config.maxBatchSize(items);
    return self();
  }

  /**
   * The most incoming requests handled at once per connection; see {@link
   * PeerConfig.Builder#maxInFlight(int)}. Default 1024.
   *
   * @param requests the limit
   * @return this builder
   */
  public B maxInFlight(int requests) {
    config.maxInFlight(requests);
    return self();
  }

  /**
   * The most incoming notifications queued per connection; see {@link
   * PeerConfig.Builder#maxQueuedNotifications(int)}. Past it the connection closes with 1008.
   * Default 10,000.
   *
   * @param notifications the limit
   * @return this builder
   */
  public B maxQueuedNotifications(int notifications) {
    config.maxQueuedNotifications(notifications);
    return self();
  }

  /**
   * The limits of streams on each connection; see {@link
   * PeerConfig.Builder#streams(StreamSettings)}. Default {@link StreamSettings#defaults()}.
   *
   * @param settings the stream settings
   * @return this builder
   * @since 0.2
   */
  public B streams(StreamSettings settings) {
    config.streams(settings);
    return self();
  }

  /**
   * Serves the requests and notifications no service has a method for; see {@link
   * PeerConfig.Builder#fallback(FallbackHandler)}. None by default.
   *
   * @param fallback the handler, or null for none
   * @return this builder
   */
  public B fallback(FallbackHandler fallback) {
    config.fallback(fallback);
    return self();
  }

  /**
   * How long an outgoing call waits for its response; see {@link
   * PeerConfig.Builder#callTimeout(Duration)}. Default 30 seconds, {@link Duration#ZERO} for none.
   *
   * @param timeout the timeout
   * @return this builder
   */
  public B callTimeout(Duration timeout) {
    config.callTimeout(timeout);
    return self();
  }

  /**
   * Whether unexpected handler exceptions show their class and message to the other end; see
   * {@link PeerConfig.Builder#exposeErrorDetails(boolean)}. Off by default.
   *
   * @param expose true to expose
   * @return this builder
   */
  public B exposeErrorDetails(boolean expose) {
    config.exposeErrorDetails(expose);
    return self();
  }

  /**
   * Whether a call that is cancelled or times out sends {@code rpc.cancel} to the other end, so
   * that it stops working on it; see {@link PeerConfig.Builder#sendCancel(boolean)}. On by default; turn
   * it off for a remote that answers unknown notifications with errors.
   *
   * @param send false to cancel locally only
   * @return this builder
   */
  public B sendCancel(boolean send) {
    config.sendCancel(send);
    return self();
  }

  /**
   * Whether this end offers or accepts Duplex RPC's wire extensions at the handshake (the
   * subprotocol {@code duplex-rpc.1}); see {@link PeerConfig.Builder#wireExtensions(boolean)}. On
   * by default; a peer that does not ask for them sees plain JSON-RPC 2.0 either way.
   *
   * @param enabled false to speak plain JSON-RPC 2.0 only
   * @return this builder
   */
  public B wireExtensions(boolean enabled) {
    config.wireExtensions(enabled);
    return self();
  }

  /**
   * Whether this end answers {@code rpc.discover} with the OpenRPC document of its methods; see
   * {@link PeerConfig.Builder#discovery(boolean)}. On by default; off, {@code rpc.discover} gets -32601
   * (method not found).
   *
   * @param enabled false to turn discovery off
   * @return this builder
   */
  public B discovery(boolean enabled) {
    config.discovery(enabled);
    return self();
  }

  /**
   * The {@code info} of this end's {@code rpc.discover} document: the API's title and version; see
   * {@link PeerConfig.Builder#discoveryInfo(String, String)}. Default title "Duplex RPC service",
   * version "0.0.0".
   *
   * @param title the title, not empty
   * @param version the version, not empty
   * @return this builder
   * @throws IllegalArgumentException if either is empty
   */
  public B discoveryInfo(String title, String version) {
    config.discoveryInfo(title, version);
    return self();
  }
}
