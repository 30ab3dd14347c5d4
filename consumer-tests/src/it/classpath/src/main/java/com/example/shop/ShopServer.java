package com.example.shop;

import dev.duplexrpc.server.RpcServer;
import java.io.IOException;

/** The getting-started server: serves Shop on loopback. */
public final class ShopServer {
  private ShopServer() {}

  /** Starts a server on 127.0.0.1 at {@code port} (0: any free port). */
  public static RpcServer start(int port) throws IOException {
    return RpcServer.builder()
        .host("127.0.0.1")
        .port(port)
        .path("/shop")
        .service((Shop) (item, quantity) -> quantity + " x " + item + ": ordered")
        .build()
        .start();
  }

  public static void main(String[] args) throws Exception {
    RpcServer server = start(8080);
    System.out.println("listening on " + server.uri());
    Thread.currentThread().join();
  }
}
