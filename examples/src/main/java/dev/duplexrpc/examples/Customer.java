package dev.duplexrpc.examples;

import dev.duplexrpc.core.annotation.RpcMethod;
import dev.duplexrpc.core.annotation.RpcNotification;

/** What the client serves: the server calls it. */
public interface Customer {
  /**
   * Asks the customer a yes-or-no question.
   *
   * @param question the question
   * @return the answer
   */
  @RpcMethod
  boolean confirm(String question);

  /**
   * Tells the customer a price changed; no answer.
   *
   * @param item the item
   * @param price its new price
   */
  @RpcNotification
  void priceChanged(String item, double price);
}
