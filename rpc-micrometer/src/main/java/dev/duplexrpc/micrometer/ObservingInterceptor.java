package dev.duplexrpc.micrometer;

import com.google.gson.JsonElement;
import dev.duplexrpc.core.RpcCall;
import dev.duplexrpc.core.RpcContext;
import dev.duplexrpc.core.RpcInterceptor;
import dev.duplexrpc.core.RpcOutcome;
import dev.duplexrpc.core.TraceContext;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BiPredicate;

/**
 * The interceptor {@link RpcObservations} makes: starts an {@link Observation} when a call
 * starts, stops it with the call's outcome, and carries the trace context the observation
 * handlers propagate.
 */
final class ObservingInterceptor implements RpcInterceptor {
  static final RpcContext.Key<Observation> OBSERVATION =
      RpcContext.Key.named("micrometer.observation", Observation.class);

  private final ObservationRegistry registry;
  private final BiPredicate<RpcCall, String> recognized;

  ObservingInterceptor(ObservationRegistry registry, BiPredicate<RpcCall, String> recognized) {
    this.registry = registry;
    this.recognized = recognized;
  }

  @Override
  public Listener intercept(RpcCall call) {
    if (registry.isNoop()) {
      return null;
    }
    boolean incoming = call.direction() == RpcCall.Direction.INCOMING;
    String method = recognized.test(call, call.method()) ? call.method() : RpcObservations.OTHER;
    Observation observation;
    if (incoming) {
      Map<String, String> carrier = new HashMap<>(4);
      TraceContext remote = call.context().get(TraceContext.REMOTE_PARENT);
      if (remote != null) {
        carrier.put(TraceContext.TRACEPARENT, remote.traceparent());
        if (remote.tracestate() != null) {
          carrier.put(TraceContext.TRACESTATE, remote.tracestate());
        }
      }
      RpcCallContext.Server context = new RpcCallContext.Server(call, carrier);
      observation = Observation.createNotStarted(RpcObservations.SERVER, () -> context, registry);
    } else {
      RpcCallContext.Client context = new RpcCallContext.Client(call);
      observation = Observation.createNotStarted(RpcObservations.CLIENT, () -> context, registry);
      Observation served = call.context().get(OBSERVATION);
      if (served != null) {
        observation.parentObservation(served);
      }
    }
    observation.contextualName(method.equals(RpcObservations.OTHER) ? "jsonrpc" : method)
        .lowCardinalityKeyValue("rpc.system.name", "jsonrpc")
        .lowCardinalityKeyValue("rpc.method", method);
    if (method.equals(RpcObservations.OTHER)) {
      observation.highCardinalityKeyValue("rpc.method_original", call.method());
    }
    JsonElement id = call.id();
    if (id != null && !id.isJsonNull()) {
      observation.highCardinalityKeyValue("jsonrpc.request.id", id.getAsString());
    }
    observation.start();
    call.put(OBSERVATION, observation);
    if (!incoming && call.peer().extensionsAgreed()) {
      Map<String, String> carrier = ((RpcCallContext.Client) observation.getContext()).getCarrier();
      String traceparent = carrier == null ? null : carrier.get(TraceContext.TRACEPARENT);
      if (traceparent != null) {
        try {
          call.put(TraceContext.PROPAGATE, TraceContext.of(traceparent, carrier.get(TraceContext.TRACESTATE)));
        } catch (IllegalArgumentException e) {
          // a value the wire does not carry: the call goes without it
        }
      }
    }
    return outcome -> stop(observation, outcome);
  }

  private static void stop(Observation observation, RpcOutcome outcome) {
    Observation.Context c = observation.getContext();
    if (c instanceof RpcCallContext.Server s) {
      s.outcome(outcome);
    } else if (c instanceof RpcCallContext.Client cl) {
      cl.outcome(outcome);
    }
    observation.lowCardinalityKeyValue("rpc.response.status_code",
        outcome.kind() == RpcOutcome.Kind.RESULT ? "OK" : Integer.toString(outcome.errorCode()));
    observation.lowCardinalityKeyValue("outcome", outcome.kind().name());
    if (outcome.error() != null) {
      observation.error(outcome.error());
    }
    observation.stop();
  }
}
