package dev.duplexrpc.spring.boot.internal;

import dev.duplexrpc.server.AuthenticationException;
import dev.duplexrpc.server.Authenticator;
import dev.duplexrpc.server.Handshake;
import java.security.Principal;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * Hands Spring Security's authentication of the upgrade request to the connection: it becomes
 * {@link Handshake#principal()}, which every handler of the connection reads. It runs inside the
 * {@link UpgradeServlet}'s upgrade, on the request's thread, after Spring Security's filter chain
 * has authenticated (or refused) the request. With no authentication at all (the path was left out
 * of the filter chain) the connection is refused: security on the classpath means no anonymous
 * connection passes by accident; declare an {@code Authenticator} bean to decide otherwise.
 */
public final class SpringSecurityAuthenticator implements Authenticator {
  @Override
  public Principal authenticate(Handshake handshake) throws AuthenticationException {
    Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
    if (authentication == null || !authentication.isAuthenticated()) {
      throw AuthenticationException.unauthorized("no Spring Security authentication for the upgrade");
    }
    return authentication;
  }
}
