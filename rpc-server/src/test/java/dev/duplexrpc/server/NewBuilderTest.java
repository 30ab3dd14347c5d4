package dev.duplexrpc.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplexrpc.client.ClientConnection;
import dev.duplexrpc.client.RpcClient;
import dev.duplexrpc.core.annotation.RpcMethod;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link RpcServer#newBuilder()}: a builder with the server's settings, independent of it. */
class NewBuilderTest {

  public interface Echo {
    @RpcMethod
    String echo(String text);
  }

  public interface Clock {
    @RpcMethod
    long now();
  }

  final BlockingQueue<String> opened = new LinkedBlockingQueue<>();
  RpcServer original;
  RpcServer derived;

  @AfterEach
  void stop() {
    if (derived != null) {
      derived.close();
    }
    if (original != null) {
      original.close();
    }
  }

  private RpcServer startOriginal() throws Exception {
    original = RpcServer.builder()
        .path("/echo")
        .service((Echo) text -> text)
        .event("tick")
        .callTimeout(Duration.ofSeconds(7))
        .connectionListener(setup -> opened.add(setup.id()))
        .build()
        .start();
    return original;
  }

  @Test
  void derivedServerHasTheSameServicesEventsPathAndListener() throws Exception {
    derived = startOriginal().newBuilder().build().start();
    assertNotEquals(original.port(), derived.port(), "each bound its own ephemeral port");
    assertEquals("/echo", derived.path());
    assertEquals(Set.of("tick"), derived.events().names());
    try (ClientConnection c = RpcClient.builder().uri(derived.uri()).build().connect()) {
      assertEquals("hi", c.remote(Echo.class).echo("hi"));
      String id = opened.poll(10, TimeUnit.SECONDS);
      assertTrue(derived.connection(id).isPresent(), "the derived server's listener heard its connection");
    }
  }

  @Test
  void changingTheDerivedBuilderLeavesTheServerAlone() throws Exception {
    startOriginal();
    derived = original.newBuilder()
        .path("/both")
        .service((Clock) () -> 42L)
        .event("alarm")
        .build()
        .start();
    try (ClientConnection c = RpcClient.builder().uri(derived.uri()).build().connect()) {
      assertEquals(42L, c.remote(Clock.class).now());
      assertEquals("hi", c.remote(Echo.class).echo("hi"));
    }
    assertEquals(Set.of("tick", "alarm"), derived.events().names());
    assertEquals(Set.of("tick"), original.events().names());
    assertFalse(original.events().isDeclared("alarm"));
    RpcServer again = original.newBuilder().build();
    assertEquals("/echo", again.path());
    assertEquals(Set.of("tick"), again.events().names());
    again.close();
  }
}
