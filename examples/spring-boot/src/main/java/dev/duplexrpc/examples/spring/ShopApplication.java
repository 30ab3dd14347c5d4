package dev.duplexrpc.examples.spring;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;

/**
 * The Spring Boot sample (docs/spring.md): the {@link Catalog} bean served at {@code /rpc} on the
 * application's port, behind HTTP Basic (user {@code demo}, password {@code demo}, from
 * application.properties), with a REST controller that pushes events.
 *
 * <pre>
 * mvn -B -pl examples/spring-boot -am -Dmaven.test.skip=true compile exec:java
 * bin/duplex call ws://127.0.0.1:8080/rpc greet '["Ada"]' --header 'Authorization=Basic ZGVtbzpkZW1v'
 * </pre>
 */
@SpringBootApplication
public class ShopApplication {
  /**
   * Starts the sample.
   *
   * @param args Spring Boot's arguments, e.g. {@code --server.port=9090}
   */
  public static void main(String[] args) {
    SpringApplication.run(ShopApplication.class, args);
  }

  /** Everything but the health endpoint needs a user; the WebSocket upgrade at /rpc too. */
  @Bean
  SecurityFilterChain security(HttpSecurity http) throws Exception {
    return http
        .authorizeHttpRequests(a -> a.requestMatchers("/actuator/health/**").permitAll().anyRequest().authenticated())
        .httpBasic(Customizer.withDefaults())
        .csrf(c -> c.disable())
        .build();
  }
}
