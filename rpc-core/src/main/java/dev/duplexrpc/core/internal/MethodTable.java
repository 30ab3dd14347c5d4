package dev.duplexrpc.core.internal;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import dev.duplexrpc.core.FallbackHandler;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one Peer serves, by wire name: the services' methods, the built-in {@code rpc.} methods
 * and the fallback for every other name. Immutable; a configuration binds it once and every Peer
 * built from it shares it, unless the Peer adds services or built-ins of its own.
 *
 * @param methods the services' methods, in registration order
 * @param builtins the built-in {@code rpc.} methods ({@code rpc.discover}, a binding's own)
 * @param fallback serves every other name, or null
 * @param derived the last table {@link #with} derived for a binding's built-ins alone, reused
 */
public record MethodTable(Map<String, LocalMethod> methods, Map<String, LocalMethod> builtins,
    LocalMethod fallback, Derived derived) {

  /**
   * The last table derived with built-ins only (no services, no fallback of a Peer's own): the
   * server derives one per connection with the same built-ins, so its connections share it
   * instead of each holding a copy of the methods and the discovery document.
   */
  public static final class Derived {
    private volatile Object[] last; // {the Builtins, the derived MethodTable}
  }

  /** A table whose derivations are not cached yet. */
  public MethodTable(
      Map<String, LocalMethod> methods, Map<String, LocalMethod> builtins, LocalMethod fallback) {
    this(methods, builtins, fallback, new Derived());
  }

  /**
   * Binds services, discovery and the fallback.
   *
   * @throws IllegalArgumentException if two services register the same wire name, or a described
   *     method object names a method a service serves
   */
  public static MethodTable bind(List<Object> services, Gson gson, FallbackHandler fallback,
      Discovery.Settings discovery) {
    Map<String, LocalMethod> methods = bindServices(Map.of(), services, gson);
    return new MethodTable(methods, discover(methods, discovery, List.of(), gson),
        fallback == null ? null : LocalMethod.fallback(fallback, gson));
  }

  /**
   * This table with a Peer's own additions: services, built-ins and a fallback replacing this
   * one's. The methods bound already are reused.
   */
  public MethodTable with(List<Object> services, Builtins own, FallbackHandler ownFallback,
      Gson gson, Discovery.Settings discovery) {
    if (services.isEmpty() && own == null && ownFallback == null) {
      return this;
    }
    if (services.isEmpty() && ownFallback == null) { // built-ins only: the same for many Peers
      Object[] last = derived.last;
      if (last != null && last[0] == own) {
        return (MethodTable) last[1];
      }
      MethodTable t = derive(services, own, null, gson, discovery);
      derived.last = new Object[] {own, t};
      return t;
    }
    return derive(services, own, ownFallback, gson, discovery);
  }

  private MethodTable derive(List<Object> services, Builtins own, FallbackHandler ownFallback,
      Gson gson, Discovery.Settings discovery) {
    Map<String, LocalMethod> m = services.isEmpty() ? methods : bindServices(methods, services, gson);
    Map<String, LocalMethod> b = builtins;
    if (!services.isEmpty() || own != null) {
      b = new LinkedHashMap<>(discover(m, discovery, own == null ? List.of() : own.described(), gson));
      if (own != null) {
        for (Map.Entry<String, FallbackHandler> e : own.handlers().entrySet()) {
          b.put(e.getKey(), LocalMethod.handler(e.getKey(), e.getValue(), gson));
        }
      }
      b = Collections.unmodifiableMap(b);
    }
    return new MethodTable(m, b,
        ownFallback != null ? LocalMethod.fallback(ownFallback, gson) : fallback);
  }

  /** A served method by wire name: a service's, or a built-in {@code rpc.} one; else null. */
  public LocalMethod local(String name) {
    LocalMethod method = methods.get(name);
    return method != null || !name.startsWith("rpc.") ? method : builtins.get(name);
  }

  private static Map<String, LocalMethod> bindServices(
      Map<String, LocalMethod> base, List<Object> services, Gson gson) {
    Map<String, LocalMethod> table = new LinkedHashMap<>(base);
    for (Object service : services) {
      for (ServiceMethod sm : ServiceModel.of(service.getClass()).methods()) {
        LocalMethod lm = LocalMethod.bind(sm, service, gson);
        LocalMethod clash = table.putIfAbsent(sm.wireName(), lm);
        if (clash != null) {
          throw new IllegalArgumentException(
              "Duplicate RPC method name '" + sm.wireName() + "', also registered by "
                  + clash.model().javaName() + "\n    for method " + sm.javaName());
        }
      }
    }
    return Collections.unmodifiableMap(table);
  }

  private static Map<String, LocalMethod> discover(Map<String, LocalMethod> methods,
      Discovery.Settings d, List<JsonObject> moreDescribed, Gson gson) {
    if (!d.enabled()) {
      return Map.of();
    }
    List<JsonObject> described = d.described();
    if (!moreDescribed.isEmpty()) {
      described = new ArrayList<>(described);
      described.addAll(moreDescribed);
      described = List.copyOf(described);
    }
    return Discovery.methods(methods.values(), described, d.title(), d.version(), gson, d.cache());
  }
}
