/**
 * The machinery behind the auto-configuration: the servlet that hands the upgrade to the container's
 * Jakarta WebSocket support, the endpoint's lifecycle, the scan of served beans, the Spring Security
 * authenticator, the client connections and their proxies, the health indicator. Not API.
 */
package dev.duplexrpc.spring.boot.internal;
