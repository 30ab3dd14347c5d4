package dev.duplexrpc.core.internal;

import com.google.gson.JsonObject;
import dev.duplexrpc.core.FallbackHandler;
import dev.duplexrpc.core.Peer;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Built-in {@code rpc.} methods a binding serves on its Peers besides the services (the server's
 * {@code rpc.on} and {@code rpc.off}), with their descriptions for {@code rpc.discover}. They are
 * set on a Peer builder through {@link #set}, which the public API does not offer, so that the
 * application's fallback handler stays free.
 *
 * @param handlers the handlers by wire name, each starting with {@code rpc.}
 * @param described their OpenRPC method objects, checked by {@link OpenRpcGenerator#checkDescribed}
 */
public record Builtins(Map<String, FallbackHandler> handlers, List<JsonObject> described) {
  private static volatile Access access;

  public Builtins {
    handlers = Map.copyOf(handlers);
    described = List.copyOf(described);
    for (String name : handlers.keySet()) {
      if (!name.startsWith("rpc.")) {
        throw new IllegalArgumentException("built-in method without the rpc. prefix: " + name);
      }
    }
  }

  /** How {@link #set} reaches into a Peer builder; registered by {@link Peer.Builder}. */
  public interface Access {
    void set(Peer.Builder builder, Builtins builtins);
  }

  /** Called once, by {@link Peer.Builder}'s class initialization. */
  public static void register(Access a) {
    if (access != null) {
      throw new IllegalStateException("already registered");
    }
    access = Objects.requireNonNull(a, "access == null");
  }

  /** Sets built-in methods on a Peer builder (replacing those set before). */
  public static void set(Peer.Builder builder, Builtins builtins) {
    Objects.requireNonNull(builder, "builder == null"); // its class is initialized: access is set
    access.set(builder, Objects.requireNonNull(builtins, "builtins == null"));
  }
}
