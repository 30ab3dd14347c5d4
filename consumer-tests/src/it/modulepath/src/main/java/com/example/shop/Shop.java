package com.example.shop;

import dev.duplexrpc.core.annotation.RpcMethod;

/** The interface both ends share: the server implements it, the client calls a proxy of it. */
public interface Shop {
  @RpcMethod
  String order(String item, int quantity);
}
