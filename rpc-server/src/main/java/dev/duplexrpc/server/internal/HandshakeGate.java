package dev.duplexrpc.server.internal;

import java.security.Principal;

/**
 * Decides whether an upgrade request may become a WebSocket connection: the server's Origin
 * allow-list, its authenticator, and its shutdown. The embedded server asks before the upgrade
 * (a refusal is an HTTP answer); a foreign container's handshake asks it from the configurator.
 */
@FunctionalInterface
public interface HandshakeGate {

  /**
   * Judges a handshake.
   *
   * @param handshake the upgrade request
   * @return the verdict
   */
  Verdict check(HandshakeInfo handshake);

  /**
   * A gate's answer: admitted with a principal (possibly null when no authenticator runs), or
   * refused with an HTTP status.
   *
   * @param status 0 when admitted, else the HTTP status of the refusal
   * @param reason the refusal's text, sent as the body
   * @param challenge a {@code WWW-Authenticate} value for a 401, or null
   * @param principal the admitted client's principal, or null
   */
  record Verdict(int status, String reason, String challenge, Principal principal) {
    /** Admits, with a principal or null. */
    public static Verdict admit(Principal principal) {
      return new Verdict(0, null, null, principal);
    }

    /** Refuses with an HTTP status. */
    public static Verdict refuse(int status, String reason, String challenge) {
      return new Verdict(status, reason, challenge, null);
    }

    /** Whether the handshake may go on. */
    public boolean admitted() {
      return status == 0;
    }
  }
}
