package dev.duplexrpc.server;

import java.security.Principal;

/**
 * Decides, from the WebSocket upgrade request, whether a client may connect and who it is. On the
 * embedded {@link RpcServer} it runs before the upgrade: a refusal is an HTTP 401 or 403 answer,
 * and no WebSocket frame is ever exchanged. The principal it returns is the connection's {@link
 * Handshake#principal()}, which every handler on that connection can read.
 *
 * <pre>{@code
 * RpcServer.builder()
 *     .authenticator(handshake -> {
 *       String auth = handshake.header("Authorization");
 *       if (auth == null || !auth.startsWith("Bearer ")) {
 *         throw AuthenticationException.unauthorized("a bearer token is required", "Bearer");
 *       }
 *       User user = tokens.verify(auth.substring(7));     // your code
 *       if (!user.mayUseRpc()) {
 *         throw AuthenticationException.forbidden("not allowed");
 *       }
 *       return user;                                      // a java.security.Principal
 *     })
 *
 * // in any handler of that connection:
 * User user = (User) ServerConnection.current().handshake().principal();
 * }</pre>
 *
 * <p>It runs on a socket worker thread of the server, once per connection attempt, and must be
 * thread-safe; keep it fast (a blocking lookup holds up that worker). Returning null refuses with
 * 401. Any other exception refuses with 500 and is logged. When the endpoint is deployed in
 * another container ({@link RpcServer.Builder#buildEndpoint()}), the authenticator runs while the
 * container answers the handshake, which cannot refuse it with a status; a refused connection is
 * then closed with 1008 (policy violation) as soon as it opens, before any message is read.
 *
 * @since 0.1
 */
@FunctionalInterface
public interface Authenticator {

  /**
   * Accepts a connection attempt with a principal, or refuses it.
   *
   * @param handshake the upgrade request: headers, query parameters, the client's address
   * @return who the client is; null refuses with 401
   * @throws AuthenticationException to refuse with its status, 401 or 403
   */
  Principal authenticate(Handshake handshake) throws AuthenticationException;
}
