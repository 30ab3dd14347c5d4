package dev.duplexrpc.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.duplexrpc.client.ClientConnection;
import dev.duplexrpc.client.RpcClient;
import dev.duplexrpc.testing.OpenRpcValidator;
import dev.duplexrpc.server.RpcServer;
import dev.duplexrpc.server.ServerConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The demo's two services describe themselves with {@code rpc.discover}, over a real socket. */
class DemoDiscoveryTest {

  private static List<String> methodNames(JsonObject document) {
    List<String> names = new ArrayList<>();
    for (JsonElement m : document.getAsJsonArray("methods")) {
      names.add(m.getAsJsonObject().get("name").getAsString());
    }
    return names;
  }

  @Test
  void eachEndOfTheDemoAnswersRpcDiscoverWithAValidOpenRpcDocument() throws Exception {
    Customer customer =
        new Customer() {
          @Override
          public boolean confirm(String question) {
            return true;
          }

          @Override
          public void priceChanged(String item, double price) {}
        };
    try (RpcServer server = RpcServer.builder().path("/shop").service(new Demo.ShopService()).build().start();
        ClientConnection client = RpcClient.builder().uri(server.uri()).service(customer).build().connect()) {
      JsonObject shop = client.peer().discover().get(10, TimeUnit.SECONDS);
      assertEquals(List.of(), OpenRpcValidator.metaSchemaErrors(shop));
      assertEquals(List.of("order", "rpc.discover"), methodNames(shop));

      ServerConnection connection = server.connections().iterator().next();
      JsonObject customerDoc = connection.peer().discover().get(10, TimeUnit.SECONDS);
      assertEquals(List.of(), OpenRpcValidator.metaSchemaErrors(customerDoc));
      assertEquals(List.of("confirm", "priceChanged", "rpc.discover"), methodNames(customerDoc));
      // A notification has no result; a request has one.
      JsonObject priceChanged = customerDoc.getAsJsonArray("methods").get(1).getAsJsonObject();
      assertEquals(false, priceChanged.has("result"));
    }
  }
}
