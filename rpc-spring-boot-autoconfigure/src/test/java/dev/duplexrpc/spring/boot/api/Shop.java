package dev.duplexrpc.spring.boot.api;

import dev.duplexrpc.core.annotation.RpcMethod;
import dev.duplexrpc.core.annotation.RpcService;

/** Served by the test server: an order calls the client's {@link Wallet} back. */
@RpcService
public interface Shop {
  @RpcMethod
  String order(String item);

  /** Runs until the test releases it (or 10 s pass): a call in progress during a shutdown. */
  @RpcMethod
  String hold() throws InterruptedException;
}
