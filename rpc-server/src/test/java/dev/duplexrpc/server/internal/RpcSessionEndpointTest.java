package dev.duplexrpc.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.duplexrpc.core.transport.Subprotocols;
import jakarta.websocket.CloseReason;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.Extension;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpointConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The endpoint config's configurator negotiates subprotocols and extensions itself, as the
 * Jakarta platform default does, instead of asking whichever container's default configurator
 * ServiceLoader finds first (Tyrus's, whenever this library is on the class path, also in Jetty
 * and Tomcat).
 */
class RpcSessionEndpointTest {

  static final SessionHandler NOTHING = new SessionHandler() {
    @Override public void handshake(Map<String, Object> userProperties, HandshakeInfo handshake) {}
    @Override public void onOpen(Session session, EndpointConfig config) {}
    @Override public void onClose(Session session, CloseReason reason) {}
    @Override public void onError(Session session, Throwable error) {}
  };

  static final SessionHandler EXTENSIONS = new SessionHandler() {
    @Override public void handshake(Map<String, Object> userProperties, HandshakeInfo handshake) {}
    @Override public boolean wireExtensions() { return true; }
    @Override public void onOpen(Session session, EndpointConfig config) {}
    @Override public void onClose(Session session, CloseReason reason) {}
    @Override public void onError(Session session, Throwable error) {}
  };

  /** An extension offer: a name and no parameters. */
  static Extension extension(String name) {
    return new Extension() {
      @Override public String getName() { return name; }
      @Override public List<Parameter> getParameters() { return List.of(); }
    };
  }

  @Test
  void subprotocolIsDuplexWhenOfferedAndEnabledElsePlainElseNone() {
    ServerEndpointConfig config = RpcSessionEndpoint.config("/rpc", EXTENSIONS);
    assertEquals(Subprotocols.SUPPORTED, config.getSubprotocols());
    ServerEndpointConfig.Configurator c = config.getConfigurator();
    List<String> supported = config.getSubprotocols();
    assertEquals("duplex-rpc.1", c.getNegotiatedSubprotocol(supported, List.of("jsonrpc-2.0", "duplex-rpc.1")));
    assertEquals("jsonrpc-2.0", c.getNegotiatedSubprotocol(supported, List.of("x", "jsonrpc-2.0")));
    assertEquals("", c.getNegotiatedSubprotocol(supported, List.of("foo", "bar")));
    ServerEndpointConfig.Configurator off = RpcSessionEndpoint.config("/rpc", NOTHING).getConfigurator();
    assertEquals("jsonrpc-2.0", off.getNegotiatedSubprotocol(supported, List.of("jsonrpc-2.0", "duplex-rpc.1")));
    assertEquals("", off.getNegotiatedSubprotocol(supported, List.of("duplex-rpc.1")));
  }

  @Test
  void negotiationIsTheLibrarysOwnNotTheContainerDefault() throws Exception {
    ServerEndpointConfig.Configurator c = RpcSessionEndpoint.config("/rpc", NOTHING).getConfigurator();
    assertEquals(c.getClass(),
        c.getClass().getMethod("getNegotiatedSubprotocol", List.class, List.class).getDeclaringClass());
    assertEquals(c.getClass(),
        c.getClass().getMethod("getNegotiatedExtensions", List.class, List.class).getDeclaringClass());
  }

  @Test
  void extensionsAreTheRequestedOnesTheContainerHasInRequestOrder() {
    ServerEndpointConfig.Configurator c = RpcSessionEndpoint.config("/rpc", NOTHING).getConfigurator();
    Extension deflate = extension("permessage-deflate");
    Extension unknown = extension("x-unknown");
    Extension other = extension("x-other");
    List<Extension> negotiated = c.getNegotiatedExtensions(
        List.of(extension("x-other"), extension("permessage-deflate")), List.of(deflate, unknown, other));
    assertEquals(List.of(deflate, other), negotiated);
    assertEquals(List.of(), c.getNegotiatedExtensions(List.of(), List.of(deflate)));
  }
}
