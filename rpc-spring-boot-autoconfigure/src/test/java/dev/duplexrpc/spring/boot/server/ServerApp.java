package dev.duplexrpc.spring.boot.server;

import dev.duplexrpc.server.Events;
import dev.duplexrpc.server.ServerConnection;
import dev.duplexrpc.spring.boot.api.Greeter;
import dev.duplexrpc.spring.boot.api.Shop;
import dev.duplexrpc.spring.boot.api.Wallet;
import java.security.Principal;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.stereotype.Service;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The test server: a Boot web application whose services are beans, behind HTTP Basic (user
 * {@code alice}, password {@code secret}) on the RPC path; a controller publishes events.
 */
@SpringBootApplication
public class ServerApp {
  public static final String USER = "alice";
  public static final String PASSWORD = "secret";
  /** Counted down when {@link Shop#hold()} runs. */
  public static volatile CountDownLatch HELD = new CountDownLatch(1);
  /** Lets {@link Shop#hold()} return. */
  public static volatile CountDownLatch RELEASE = new CountDownLatch(1);

  @Bean
  SecurityFilterChain security(HttpSecurity http) throws Exception {
    return http
        .authorizeHttpRequests(a -> a.requestMatchers("/actuator/**").permitAll().anyRequest().authenticated())
        .httpBasic(Customizer.withDefaults())
        .csrf(c -> c.disable())
        .build();
  }

  @Bean
  UserDetailsService users() {
    return new InMemoryUserDetailsManager(User.withUsername(USER).password("{noop}" + PASSWORD).roles("USER").build());
  }

  /** Both services in one bean: found through its interfaces' {@code @RpcService}. */
  @Service
  static class ShopService implements Greeter, Shop {
    @Override
    public String greet(String name) {
      Principal p = ServerConnection.current().handshake().principal();
      return "Hello, " + name + " (" + (p == null ? "nobody" : p.getName()) + ")";
    }

    @Override
    public String order(String item) {
      int paid = ServerConnection.current().remote(Wallet.class).pay(250);
      return item + " paid " + paid;
    }

    @Override
    public String hold() throws InterruptedException {
      HELD.countDown();
      return RELEASE.await(10, TimeUnit.SECONDS) ? "done" : "not released";
    }
  }

  /** Pushes an event to the subscribed clients from an ordinary controller. */
  @RestController
  static class PriceController {
    private final Events events;

    PriceController(Events events) {
      this.events = events;
    }

    @PostMapping("/prices/{item}/{cents}")
    String price(@PathVariable String item, @PathVariable int cents) {
      return "sent to " + events.publish("priceChanged", item + "=" + cents);
    }
  }
}
