package dev.duplexrpc.examples.spring;

import dev.duplexrpc.core.annotation.RpcMethod;
import dev.duplexrpc.core.annotation.RpcService;

/** The sample's service: what a client can call at {@code ws://127.0.0.1:8080/rpc}. */
@RpcService
public interface Catalog {
  /** A greeting that names the caller as Spring Security authenticated it. */
  @RpcMethod
  String greet(String name);

  /** The price of an item in cents. */
  @RpcMethod
  int price(String item);
}
