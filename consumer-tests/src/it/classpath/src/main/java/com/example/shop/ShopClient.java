package com.example.shop;

import dev.duplexrpc.client.ClientConnection;
import dev.duplexrpc.client.RpcClient;

/** The getting-started client: orders through a typed proxy of Shop. */
public final class ShopClient {
  private ShopClient() {}

  /** Connects to {@code uri}, orders, and returns the server's answer. */
  public static String order(String uri, String item, int quantity) throws Exception {
    try (ClientConnection connection = RpcClient.builder().uri(uri).build().connect()) {
      Shop shop = connection.remote(Shop.class);
      return shop.order(item, quantity);
    }
  }

  public static void main(String[] args) throws Exception {
    System.out.println(order("ws://127.0.0.1:8080/shop", "coffee", 3));
  }
}
