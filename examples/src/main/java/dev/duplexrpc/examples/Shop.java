package dev.duplexrpc.examples;

import dev.duplexrpc.core.annotation.RpcMethod;

/** What the server serves: the client calls it. */
public interface Shop {
  /**
   * Places an order; the shop asks the customer to confirm the price before accepting it.
   *
   * @param item what to buy
   * @param quantity how many
   * @return the order's receipt
   */
  @RpcMethod
  String order(String item, int quantity);
}
