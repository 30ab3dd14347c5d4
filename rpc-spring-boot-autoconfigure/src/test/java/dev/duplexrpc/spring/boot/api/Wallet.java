package dev.duplexrpc.spring.boot.api;

import dev.duplexrpc.core.annotation.RpcMethod;
import dev.duplexrpc.core.annotation.RpcService;

/** Served by the clients: the server calls it during an order. */
@RpcService
public interface Wallet {
  @RpcMethod
  int pay(int cents);
}
