package dev.duplexrpc.spring.boot.api;

import dev.duplexrpc.core.annotation.RpcMethod;
import dev.duplexrpc.core.annotation.RpcService;

/** Served by the test server: greets, naming the caller's principal. */
@RpcService
public interface Greeter {
  @RpcMethod
  String greet(String name);
}
