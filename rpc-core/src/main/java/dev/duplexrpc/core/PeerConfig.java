package dev.duplexrpc.core;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import dev.duplexrpc.core.internal.Defaults;
import dev.duplexrpc.core.internal.Discovery;
import dev.duplexrpc.core.internal.Codecs;
import dev.duplexrpc.core.internal.MethodTable;
import dev.duplexrpc.core.internal.OpenRpcGenerator;
import dev.duplexrpc.core.internal.ServiceModel;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * The settings of the JSON-RPC engine, immutable, each with its default: the services, the
 * interceptors, the handler executor, Gson, the limits, the call timeout, error details, cancellation, the fallback
 * and discovery. Build one and share it: every {@link Peer} built with it serves the same services,
 * whose methods are bound once, when the configuration is built, not per connection.
 *
 * <pre>{@code
 * PeerConfig config = PeerConfig.builder()
 *     .service(new CalculatorImpl())
 *     .maxInFlight(256)
 *     .callTimeout(Duration.ofSeconds(10))
 *     .build();
 * Peer peer = Peer.builder().transport(transport).config(config).build();
 * PeerConfig strict = config.newBuilder().maxMessageSize(64 * 1024).build();   // a variant
 * }</pre>
 *
 * <p>The WebSocket bindings' builders ({@code RpcServer.Builder}, {@code RpcClient.Builder}) offer
 * the same settings through {@link PeerOptions} and build one configuration for all their
 * connections. Instances are thread-safe; a {@link Builder} is not.
 *
 * @since 0.1
 */
public final class PeerConfig {
  /** Default {@link Builder#maxMessageSize(int)}: 1 MiB. */
  public static final int DEFAULT_MAX_MESSAGE_SIZE = 1 << 20;
  /** Default {@link Builder#maxNestingDepth(int)}: 128. */
  public static final int DEFAULT_MAX_NESTING_DEPTH = 128;
  /** Default {@link Builder#maxBatchSize(int)}: 1000. */
  public static final int DEFAULT_MAX_BATCH_SIZE = 1000;
  /** Default {@link Builder#maxInFlight(int)}: 1024. */
  public static final int DEFAULT_MAX_IN_FLIGHT = 1024;
  /** Default {@link Builder#maxQueuedNotifications(int)}: 10,000. */
  public static final int DEFAULT_MAX_QUEUED_NOTIFICATIONS = 10_000;
  /** Default {@link Builder#callTimeout(Duration)}: 30 seconds. */
  public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(30);

  private static final PeerConfig DEFAULTS = new Builder().build();

  private final PeerSettings s; // a frozen copy of the builder's
  private final Discovery.Settings discovery;
  private final MethodTable table;
  private final Codecs codecs; // shared by every Peer of this configuration

  private PeerConfig(Builder b) {
    this.s = b.s.frozen();
    this.discovery = s.discovery();
    this.table = MethodTable.bind(s.services, s.gson, s.fallback, discovery);
    this.codecs = Codecs.of(s.gson, s.maxNestingDepth, s.maxBatchSize);
  }

  /** @return a new builder with every default set */
  public static Builder builder() {
    return new Builder();
  }

  /** The configuration with every default: no services. */
  static PeerConfig defaults() {
    return DEFAULTS;
  }

  /**
   * A builder with this configuration's settings and services, to derive a variant.
   *
   * @return a new builder
   */
  public Builder newBuilder() {
    return new Builder(this);
  }

  /** @return the services, in registration order */
  public List<Object> services() {
    return s.services;
  }

  /** @return the handler executor: the one set, else the library's default */
  public Executor executor() {
    return s.executor != null ? s.executor : Defaults.defaultExecutor();
  }

  /** @return the Gson instance for params and results */
  public Gson gson() {
    return s.gson;
  }

  /** @return the largest message in characters */
  public int maxMessageSize() {
    return s.maxMessageSize;
  }

  /** @return the deepest JSON nesting accepted */
  public int maxNestingDepth() {
    return s.maxNestingDepth;
  }

  /** @return the largest incoming batch */
  public int maxBatchSize() {
    return s.maxBatchSize;
  }

  /** @return the most incoming requests handled at once per connection */
  public int maxInFlight() {
    return s.maxInFlight;
  }

  /** @return the most incoming notifications queued per connection */
  public int maxQueuedNotifications() {
    return s.maxQueuedNotifications;
  }

  /**
   * @return the limits of streams on one connection
   * @since 0.2
   */
  public StreamSettings streams() {
    return s.streams;
  }

  /** @return the call timeout, {@link Duration#ZERO} for none */
  public Duration callTimeout() {
    return s.callTimeout;
  }

  /** @return whether unexpected handler exceptions show their class and message */
  public boolean exposeErrorDetails() {
    return s.exposeErrorDetails;
  }

  /** @return whether cancelled and timed-out calls send {@code rpc.cancel} */
  public boolean sendCancel() {
    return s.sendCancel;
  }

  /** @return whether every handler runs on the thread that decoded its message */
  public boolean directExecution() {
    return s.directExecution;
  }

  /**
   * @return whether this end offers and accepts Duplex RPC's wire extensions (subprotocol {@link
   *     dev.duplexrpc.core.transport.Subprotocols#DUPLEX})
   */
  public boolean wireExtensions() {
    return s.wireExtensions;
  }

  /** @return the fallback handler, or null */
  public FallbackHandler fallback() {
    return s.fallback;
  }

  /** @return whether {@code rpc.discover} is served */
  public boolean discovery() {
    return discovery.enabled();
  }

  /** @return the interceptors, the outermost first */
  public List<RpcInterceptor> interceptors() {
    return s.interceptors;
  }

  MethodTable table() {
    return table;
  }

  Codecs codecs() {
    return codecs;
  }

  Discovery.Settings discoverySettings() {
    return discovery;
  }

  @Override
  public String toString() {
    return "PeerConfig[services=" + s.services.size() + ", maxMessageSize=" + s.maxMessageSize
        + ", maxInFlight=" + s.maxInFlight + ", callTimeout=" + s.callTimeout + "]";
  }

  /**
   * Builds a {@link PeerConfig}. Every setter validates its argument at once.
   *
   * @since 0.1
   */
  public static final class Builder {
    private final PeerSettings s;

    Builder() {
      s = new PeerSettings();
    }

    private Builder(PeerConfig c) {
      s = c.s.copy();
    }

    /**
     * Adds a service whose annotated methods the other end may call. The instance is shared by
     * every call and every Peer built from this configuration, so it must be thread-safe. Its
     * class is checked at once; its methods are bound once, by {@link #build()}.
     *
     * @param service an object whose class or interfaces carry {@code @RpcMethod} or {@code
     *     @RpcNotification} methods
     * @return this builder
     * @throws IllegalArgumentException if a method is invalid or the object has no RPC methods
     */
    public Builder service(Object service) {
      s.services.add(ServiceModel.requireRpcMethods(service));
      return this;
    }

    /**
     * Adds an interceptor around every incoming and outgoing call (see {@link RpcInterceptor}).
     * Interceptors run in the order they are added: the first added is the outermost. None by
     * default; with none, calls take no detour.
     *
     * @param interceptor the interceptor
     * @return this builder
     */
    public Builder interceptor(RpcInterceptor interceptor) {
      s.interceptors.add(Objects.requireNonNull(interceptor, "interceptor == null"));
      return this;
    }

    /**
     * The executor handlers run on. By default: virtual threads on Java 21 and later; on runtimes
     * without them (17 to 20) a shared pool of {@code max(8, 4 × cores)} daemon threads that grows, up to 256, while
     * handlers wait on calls. An executor given here belongs to the caller and is never shut
     * down by the library.
     *
     * @param executor the executor, or null for the default
     * @return this builder
     */
    public Builder executor(Executor executor) {
      s.executor = executor;
      return this;
    }

    /**
     * Runs every handler (services, the fallback, the built-in methods) on the thread that decoded
     * its message, as {@link dev.duplexrpc.core.annotation.DirectExecution @DirectExecution} does
     * for one method or service: no hand-off to the {@link #executor(Executor) executor}. Off by
     * default. Only safe when no handler ever blocks; a blocking call to a peer from a handler
     * fails at once with {@link ErrorCodes#BLOCKING_IN_DIRECT_MODE}. Future completions and
     * listeners stay on the executor.
     *
     * @param direct true to run every handler where its message was decoded
     * @return this builder
     */
    public Builder directExecution(boolean direct) {
      s.directExecution = direct;
      return this;
    }

    /**
     * The Gson instance that converts params and results; its type adapters and settings
     * (field naming, null serialization, HTML escaping, pretty printing, ...) are honoured.
     * Default: {@code new GsonBuilder().disableHtmlEscaping().create()}, so strings go out as
     * they are rather than with {@code <}, {@code >}, {@code &}, {@code =} and {@code '} escaped.
     *
     * @param gson the Gson instance
     * @return this builder
     */
    public Builder gson(Gson gson) {
      s.gson = Objects.requireNonNull(gson, "gson == null");
      return this;
    }

    /**
     * The largest message, in characters, accepted or sent. A larger incoming message closes
     * the connection with code 1009; a larger outgoing call, notification or batch fails with
     * {@link ErrorCodes#LIMIT_EXCEEDED}; a larger response (a result or an error) is replaced by
     * that error, with its id, or with id null if even the error is too large with its id. In a
     * batch reply the largest responses are replaced until it fits (with id null where the id is
     * what makes one large); if it still does not fit, the reply is one such error with id null.
     * Default 1 MiB (1,048,576); at least 256.
     *
     * @param chars the limit in characters
     * @return this builder
     */
    public Builder maxMessageSize(int chars) {
      s.maxMessageSize = PeerSettings.atLeast("maxMessageSize", chars, 256);
      return this;
    }

    /**
     * The deepest JSON nesting accepted in an incoming message (the envelope counts as one
     * level). Deeper messages get {@link ErrorCodes#LIMIT_EXCEEDED}. Default 128; at least 3.
     *
     * @param depth the limit
     * @return this builder
     */
    public Builder maxNestingDepth(int depth) {
      s.maxNestingDepth = PeerSettings.atLeast("maxNestingDepth", depth, 3);
      return this;
    }

    /**
     * The largest incoming batch. A longer batch gets one {@link ErrorCodes#LIMIT_EXCEEDED} error
     * and none of it runs. Default 1000; at least 1.
     *
     * @param items the limit
     * @return this builder
     */
    public Builder maxBatchSize(int items) {
      s.maxBatchSize = PeerSettings.atLeast("maxBatchSize", items, 1);
      return this;
    }

    /**
     * The most incoming requests being handled at once on this connection. Past it a request
     * gets {@link ErrorCodes#OVERLOADED} at once and is not run; the caller may retry. Default
     * 1024; at least 1.
     *
     * @param requests the limit
     * @return this builder
     */
    public Builder maxInFlight(int requests) {
      s.maxInFlight = PeerSettings.atLeast("maxInFlight", requests, 1);
      return this;
    }

    /**
     * The most incoming notifications waiting or running on this connection (they run one at a
     * time, in order). A notification cannot be answered with an error, so past the limit the
     * connection is closed with code 1008 and a reason, rather than dropping anything silently.
     * Default 10,000; at least 1.
     *
     * @param notifications the limit
     * @return this builder
     */
    public Builder maxQueuedNotifications(int notifications) {
      s.maxQueuedNotifications = PeerSettings.atLeast("maxQueuedNotifications", notifications, 1);
      return this;
    }

    /**
     * The limits of {@code Flow.Publisher} results and parameters on one connection: streams
     * open at once, the credit window, the item size. Default {@link StreamSettings#defaults()}.
     *
     * @param settings the stream settings
     * @return this builder
     * @since 0.2
     */
    public Builder streams(StreamSettings settings) {
      s.streams = Objects.requireNonNull(settings, "settings == null");
      return this;
    }

    /**
     * How long an outgoing call waits for its response before failing with {@link
     * RpcTimeoutException}. {@link Duration#ZERO} means no timeout. Default 30 seconds. A method's
     * {@code @RpcMethod(timeoutMillis = ...)} and a per-call timeout take precedence.
     *
     * @param timeout the timeout, zero for none
     * @return this builder
     */
    public Builder callTimeout(Duration timeout) {
      s.callTimeout = PeerSettings.notNegative("callTimeout", timeout);
      return this;
    }

    /**
     * Whether an unexpected handler exception puts its class name and message in the error's
     * {@code data}. Off by default: the other end sees only "Internal error", and the exception
     * is logged here. Stack traces are never sent.
     *
     * @param expose true to expose class and message
     * @return this builder
     */
    public Builder exposeErrorDetails(boolean expose) {
      s.exposeErrorDetails = expose;
      return this;
    }

    /**
     * Whether a call that is cancelled or times out sends the notification {@code rpc.cancel}
     * with params {@code {"id": <the call's id>}}, so that the other end stops working on it. On
     * by default; turn it off for a remote that answers unknown notifications with errors.
     *
     * @param send false to cancel locally only
     * @return this builder
     */
    public Builder sendCancel(boolean send) {
      s.sendCancel = send;
      return this;
    }

    /**
     * Whether this end offers (client) or accepts (server) Duplex RPC's wire extensions at the
     * WebSocket handshake: the subprotocol {@link dev.duplexrpc.core.transport.Subprotocols#DUPLEX}
     * (docs/wire.md, "Extensions"). Extensions such as trace context go on the wire only when
     * both ends agreed it ({@link Peer#extensionsAgreed()}); a peer that did not ask for it sees
     * plain JSON-RPC 2.0 whatever this says. On by default; off, this end offers or accepts no
     * extension and speaks plain JSON-RPC 2.0 to everyone.
     *
     * @param enabled false to speak plain JSON-RPC 2.0 only
     * @return this builder
     */
    public Builder wireExtensions(boolean enabled) {
      s.wireExtensions = enabled;
      return this;
    }

    /**
     * Serves the requests and notifications that no registered service has a method for (see
     * {@link FallbackHandler}). Without one, such a request is answered {@link
     * ErrorCodes#METHOD_NOT_FOUND} and such a notification is dropped.
     *
     * @param fallback the handler, or null for none
     * @return this builder
     */
    public Builder fallback(FallbackHandler fallback) {
      s.fallback = fallback;
      return this;
    }

    /**
     * Whether this Peer answers {@code rpc.discover} with the OpenRPC 1.3 document of its methods:
     * their names, params and results with JSON Schemas of their Java types as the Peer's Gson
     * writes them, declared {@link dev.duplexrpc.core.annotation.RpcError errors} and
     * deprecation. On by default; off, {@code rpc.discover} gets {@link
     * ErrorCodes#METHOD_NOT_FOUND}. The document is made on the first request and reused, also by
     * every Peer built from this configuration.
     *
     * @param enabled false to turn discovery off
     * @return this builder
     * @since 0.1
     */
    public Builder discovery(boolean enabled) {
      s.discovery = enabled;
      return this;
    }

    /**
     * The {@code info} of the {@code rpc.discover} document: the API's title and version (of the
     * API, not of OpenRPC). Default title "Duplex RPC service", version "0.0.0".
     *
     * @param title the title, not empty
     * @param version the version, not empty
     * @return this builder
     * @throws IllegalArgumentException if either is empty
     * @since 0.1
     */
    public Builder discoveryInfo(String title, String version) {
      s.discoveryInfo(title, version);
      return this;
    }

    /**
     * Method objects to list in the {@code rpc.discover} document besides those of the services:
     * descriptions of methods this Peer serves without a service, through its {@link
     * #fallback(FallbackHandler) fallback handler} (the server describes its {@code rpc.on} and
     * {@code rpc.off} this way). Each is an OpenRPC 1.3 method object, listed as it is among the
     * others in name order; its schemas must be self-contained (the document's {@code components}
     * are made for the services). Replaces the objects set before; none by default. Ignored when
     * discovery is off.
     *
     * <pre>{@code
     * JsonObject echo = JsonParser.parseString("{\"name\": \"echo\", \"params\": [{\"name\": \"text\","
     *     + " \"required\": true, \"schema\": {\"type\": \"string\"}}], \"result\": {\"name\":"
     *     + " \"echoResult\", \"schema\": {\"type\": \"string\"}}}").getAsJsonObject();
     * PeerConfig.builder().fallback(echoHandler).discoveryMethods(List.of(echo)) ...
     * }</pre>
     *
     * @param methods the method objects; copied, so changing them later changes nothing here
     * @return this builder
     * @throws IllegalArgumentException if one has no non-empty string {@code name} or no {@code
     *     params} array, is named {@code rpc.discover}, or two share a name; {@link #build()}
     *     also throws it if one names a method a service serves
     * @since 0.1
     */
    public Builder discoveryMethods(Collection<JsonObject> methods) {
      Objects.requireNonNull(methods, "methods == null");
      s.discoveryMethods = OpenRpcGenerator.checkDescribed(methods);
      return this;
    }

    /**
     * Builds the configuration, binding the services' methods once.
     *
     * @return the configuration
     * @throws IllegalArgumentException if two services register the same wire name, or a {@link
     *     #discoveryMethods method object} names a method a service serves
     */
    public PeerConfig build() {
      return new PeerConfig(this);
    }
  }
}
