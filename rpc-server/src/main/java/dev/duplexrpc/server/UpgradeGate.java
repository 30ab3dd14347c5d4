package dev.duplexrpc.server;

import dev.duplexrpc.server.internal.HandshakeGate;
import dev.duplexrpc.server.internal.HandshakeInfo;
import java.lang.System.Logger.Level;
import java.security.Principal;
import java.util.Locale;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * What an endpoint asks of every WebSocket upgrade, in order: the server is not shutting down, the
 * {@code Origin} is allowed, and the authenticator admits it (its principal goes with the socket).
 * The embedded server asks before the upgrade; another container's endpoint asks in its handshake.
 */
final class UpgradeGate implements HandshakeGate {
  private static final System.Logger LOG = System.getLogger(UpgradeGate.class.getName());

  private final Authenticator authenticator;
  private final Set<String> allowedOrigins;
  private final BooleanSupplier closed;

  /**
   * @param authenticator null admits every socket without a principal
   * @param allowedOrigins lower-case origins; null allows any
   * @param closed whether the endpoint is shutting down
   */
  UpgradeGate(Authenticator authenticator, Set<String> allowedOrigins, BooleanSupplier closed) {
    this.authenticator = authenticator;
    this.allowedOrigins = allowedOrigins;
    this.closed = closed;
  }

  @Override
  public Verdict check(HandshakeInfo handshake) {
    if (closed.getAsBoolean()) {
      return Verdict.refuse(503, "server shutting down", null);
    }
    if (!originAllowed(handshake.header("Origin"))) {
      return Verdict.refuse(403, "origin not allowed", null);
    }
    if (authenticator == null) {
      return Verdict.admit(null);
    }
    try {
      Principal p = authenticator.authenticate(new Handshake(handshake));
      return p == null ? Verdict.refuse(401, "unauthorized", null) : Verdict.admit(p);
    } catch (AuthenticationException e) {
      return Verdict.refuse(e.status(), e.getMessage(), e.challenge());
    } catch (RuntimeException | LinkageError e) {
      LOG.log(Level.WARNING, "The authenticator failed for " + handshake.remoteAddress(), e);
      return Verdict.refuse(500, "authentication failed", null);
    }
  }

  /** Whether a request with this {@code Origin} header (null: none) may connect. */
  boolean originAllowed(String origin) {
    return allowedOrigins == null || origin == null || allowedOrigins.contains(origin.toLowerCase(Locale.ROOT));
  }
}
