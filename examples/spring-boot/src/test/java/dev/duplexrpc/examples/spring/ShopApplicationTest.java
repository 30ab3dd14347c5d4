package dev.duplexrpc.examples.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.duplexrpc.cli.Duplex;
import dev.duplexrpc.testing.JvmProcess;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/** The sample starts and answers the {@code duplex call} of docs/spring.md, over a real socket. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ShopApplicationTest {
  @LocalServerPort
  int port;

  @Test
  void answersDuplexCallWithTheAuthenticatedUser() throws Exception {
    try (JvmProcess duplex = JvmProcess.start("duplex call", Duplex.class, "call",
        "ws://127.0.0.1:" + port + "/rpc", "greet", "[\"Ada\"]", "--header", "Authorization=Basic ZGVtbzpkZW1v")) {
      assertEquals("\"Hello, Ada! You are demo.\"", duplex.awaitLine("\"Hello", Duration.ofSeconds(30)));
    }
  }
}
