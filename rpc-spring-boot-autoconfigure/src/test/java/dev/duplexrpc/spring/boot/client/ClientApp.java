package dev.duplexrpc.spring.boot.client;

import dev.duplexrpc.spring.boot.DuplexClient;
import dev.duplexrpc.spring.boot.DuplexClientService;
import dev.duplexrpc.spring.boot.api.Greeter;
import dev.duplexrpc.spring.boot.api.Shop;
import dev.duplexrpc.spring.boot.api.Wallet;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.stereotype.Component;

/** A second application whose typed proxies call the test server ({@code duplex.rpc.client.shop}). */
@SpringBootApplication
public class ClientApp {

  /** The server's greeter, as a bean. */
  @DuplexClient("shop")
  public interface ShopGreeter extends Greeter {}

  /** The server's shop, as a bean. */
  @DuplexClient("shop")
  public interface ShopOrders extends Shop {}

  /** Answers the server's call-back during an order. */
  @Component
  @DuplexClientService("shop")
  static class PayingWallet implements Wallet {
    @Override
    public int pay(int cents) {
      return cents;
    }
  }
}
