package dev.duplexrpc.examples.spring;

import dev.duplexrpc.server.ServerConnection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Service;

/** An ordinary bean; implementing an {@code @RpcService} interface is all it takes to be served. */
@Service
class CatalogService implements Catalog {
  private final Map<String, Integer> prices = new ConcurrentHashMap<>(Map.of("book", 1200, "pen", 150));

  @Override
  public String greet(String name) {
    return "Hello, " + name + "! You are " + ServerConnection.current().handshake().principal().getName() + ".";
  }

  @Override
  public int price(String item) {
    Integer p = prices.get(item);
    if (p == null) {
      throw new IllegalArgumentException("no such item: " + item);
    }
    return p;
  }

  /** Sets a price; the controller publishes the change. */
  void setPrice(String item, int cents) {
    prices.put(item, cents);
  }
}
