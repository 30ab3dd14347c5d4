package dev.duplexrpc.examples.spring;

import dev.duplexrpc.server.Events;
import java.util.Map;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A REST controller that changes a price and pushes the change to the WebSocket clients subscribed to
 * {@code priceChanged}: {@code curl -u demo:demo -X PUT localhost:8080/prices/book/990}.
 */
@RestController
class PriceController {
  private final CatalogService catalog;
  private final Events events;

  PriceController(CatalogService catalog, Events events) {
    this.catalog = catalog;
    this.events = events;
  }

  @PutMapping("/prices/{item}/{cents}")
  Map<String, Object> setPrice(@PathVariable String item, @PathVariable int cents) {
    catalog.setPrice(item, cents);
    int sent = events.publish("priceChanged", Map.of("item", item, "cents", cents));
    return Map.of("item", item, "cents", cents, "notified", sent);
  }
}
