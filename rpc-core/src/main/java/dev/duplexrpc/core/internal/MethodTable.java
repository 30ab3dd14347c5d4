package dev.duplexrpc.core.internal;

import java.util.Map;

/**
 * What one Peer serves, by wire name: the services' methods, the built-in {@code rpc.} methods
 * and the fallback for every other name. Immutable.
 *
 * @param methods the services' methods, in registration order
 * @param builtins the built-in {@code rpc.} methods ({@code rpc.discover}, a binding's own)
 * @param fallback serves every other name, or null
 */
public record MethodTable(
    Map<String, LocalMethod> methods, Map<String, LocalMethod> builtins, LocalMethod fallback) {

  /** A served method by wire name: a service's, or a built-in {@code rpc.} one; else null. */
  public LocalMethod local(String name) {
    LocalMethod method = methods.get(name);
    return method != null || !name.startsWith("rpc.") ? method : builtins.get(name);
  }
}
