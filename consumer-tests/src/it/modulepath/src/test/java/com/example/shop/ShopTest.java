package com.example.shop;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.duplexrpc.server.RpcServer;
import org.junit.jupiter.api.Test;

class ShopTest {
  @Test
  void clientOrdersFromServerOnLoopback() throws Exception {
    try (RpcServer server = ShopServer.start(0)) {
      assertEquals("3 x coffee: ordered", ShopClient.order(server.uri().toString(), "coffee", 3));
    }
  }
}
