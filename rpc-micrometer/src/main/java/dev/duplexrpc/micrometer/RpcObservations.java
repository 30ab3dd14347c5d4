package dev.duplexrpc.micrometer;

import dev.duplexrpc.core.RpcCall;
import dev.duplexrpc.core.RpcContext;
import dev.duplexrpc.core.RpcInterceptor;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Micrometer Observations of Duplex RPC calls: its {@link #interceptor()} starts an {@link
 * Observation} named {@value #SERVER} for every call a Peer serves and {@value #CLIENT} for every
 * call it makes (notifications and batch items included), and stops it with the call's outcome.
 * A Spring Boot application's observation handlers turn them into timers and spans; with a
 * tracing bridge the W3C trace context travels with each call on connections whose ends agreed
 * the wire extensions (docs/observability.md lists the key values).
 *
 * <pre>{@code
 * RpcObservations observations = RpcObservations.create(observationRegistry);
 * RpcServer server = RpcServer.builder().service(new ShopImpl())
 *     .interceptor(observations.interceptor())
 *     .build();
 * }</pre>
 *
 * <p>Immutable and thread-safe; one instance serves any number of Peers. With a no-op registry
 * the interceptor does nothing.
 *
 * @since 0.2
 */
public final class RpcObservations {
  /** The name of the observation of a served call: {@value}. */
  public static final String SERVER = "jsonrpc.server";
  /** The name of the observation of a call made: {@value}. */
  public static final String CLIENT = "jsonrpc.client";
  /** The {@code rpc.method} of a method that is not recognized: {@value}. */
  public static final String OTHER = "_OTHER";

  private final RpcInterceptor interceptor;

  private RpcObservations(Builder b) {
    Predicate<String> methods = b.methods;
    this.interceptor = new ObservingInterceptor(b.registry,
        methods == null ? RpcObservations::knownByDefault : (call, method) -> methods.test(method));
  }

  /**
   * Observations with the default settings.
   *
   * @param registry where the observations go
   * @return the observations
   */
  public static RpcObservations create(ObservationRegistry registry) {
    return builder(registry).build();
  }

  /**
   * A builder.
   *
   * @param registry where the observations go
   * @return a builder with the defaults
   */
  public static Builder builder(ObservationRegistry registry) {
    return new Builder(registry);
  }

  /**
   * The interceptor to install on a Peer, a server or a client ({@code .interceptor(..)}).
   *
   * @return the interceptor
   */
  public RpcInterceptor interceptor() {
    return interceptor;
  }

  /**
   * The observation of a call, as the parent of observations a handler makes.
   *
   * @param context the call's context, e.g. {@link RpcContext#current()} in a handler
   * @return the observation, or null when the call has none
   */
  public static Observation observation(RpcContext context) {
    return context.get(ObservingInterceptor.OBSERVATION);
  }

  private static boolean knownByDefault(RpcCall call, String method) {
    return call.direction() == RpcCall.Direction.OUTGOING || call.peer().localMethods().contains(method);
  }

  /**
   * Builds {@link RpcObservations}. Not thread-safe.
   *
   * @since 0.2
   */
  public static final class Builder {
    private final ObservationRegistry registry;
    private Predicate<String> methods;

    private Builder(ObservationRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "registry == null");
    }

    /**
     * Which method names are recorded as they are in {@code rpc.method}; any other is recorded as
     * {@value RpcObservations#OTHER}, so that a peer sending arbitrary names cannot blow up the
     * meters' cardinality. Default: an incoming call's method when the Peer serves it, an
     * outgoing call's always.
     *
     * @param methods the test of a method name
     * @return this builder
     */
    public Builder recognizedMethods(Predicate<String> methods) {
      this.methods = Objects.requireNonNull(methods, "methods == null");
      return this;
    }

    /**
     * Recognizes exactly these method names; see {@link #recognizedMethods(Predicate)}.
     *
     * @param methods the recognized names
     * @return this builder
     */
    public Builder recognizedMethods(Set<String> methods) {
      Set<String> copy = Set.copyOf(methods);
      return recognizedMethods(copy::contains);
    }

    /**
     * Builds the observations.
     *
     * @return the observations
     */
    public RpcObservations build() {
      return new RpcObservations(this);
    }
  }
}
