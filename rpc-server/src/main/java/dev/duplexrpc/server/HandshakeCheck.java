package dev.duplexrpc.server;

import dev.duplexrpc.server.internal.HandshakeGate;
import dev.duplexrpc.server.internal.HandshakeInfo;
import java.lang.System.Logger.Level;
import java.security.Principal;
import java.util.Locale;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * Whether an upgrade request may open a connection: refused while the endpoint shuts down (503),
 * then against the Origin allow-list (403), then by the {@link Authenticator} (401, its own status,
 * or 500 when it fails). Thread-safe.
 */
final class HandshakeCheck {
  private static final System.Logger LOG = System.getLogger(RpcEndpoint.class.getName());

  private final Authenticator authenticator;
  private final Set<String> allowedOrigins;
  private final BooleanSupplier closed;

  /**
   * @param authenticator the authenticator, or null to admit every handshake
   * @param allowedOrigins the allowed origins in lower case, or null to allow every origin
   * @param closed whether the endpoint was closed
   */
  HandshakeCheck(Authenticator authenticator, Set<String> allowedOrigins, BooleanSupplier closed) {
    this.authenticator = authenticator;
    this.allowedOrigins = allowedOrigins;
    this.closed = closed;
  }

  /** Shutdown, then the Origin allow-list, then the authenticator. */
  HandshakeGate.Verdict check(HandshakeInfo handshake) {
    if (closed.getAsBoolean()) {
      return HandshakeGate.Verdict.refuse(503, "server shutting down", null);
    }
    if (!originAllowed(handshake.header("Origin"))) {
      return HandshakeGate.Verdict.refuse(403, "origin not allowed", null);
    }
    if (authenticator == null) {
      return HandshakeGate.Verdict.admit(null);
    }
    try {
      Principal p = authenticator.authenticate(new Handshake(handshake));
      return p == null
          ? HandshakeGate.Verdict.refuse(401, "unauthorized", null)
          : HandshakeGate.Verdict.admit(p);
    } catch (AuthenticationException e) {
      return HandshakeGate.Verdict.refuse(e.status(), e.getMessage(), e.challenge());
    } catch (RuntimeException | LinkageError e) {
      LOG.log(Level.WARNING, "The authenticator failed for " + handshake.remoteAddress(), e);
      return HandshakeGate.Verdict.refuse(500, "authentication failed", null);
    }
  }

  /** Whether a request with this Origin header (null: none) may connect. */
  boolean originAllowed(String origin) {
    return allowedOrigins == null || origin == null
        || allowedOrigins.contains(origin.toLowerCase(Locale.ROOT));
  }
}
