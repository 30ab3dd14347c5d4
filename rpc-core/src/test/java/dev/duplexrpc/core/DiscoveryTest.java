package dev.duplexrpc.core;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplexrpc.core.annotation.RpcError;
import dev.duplexrpc.core.annotation.RpcMethod;
import dev.duplexrpc.core.annotation.RpcNotification;
import java.lang.reflect.Proxy;
import org.junit.jupiter.api.Test;

/** {@code rpc.discover}: the built-in method, its configuration and the annotations it reads. */
class DiscoveryTest {

  /** Declares one code twice. */
  public interface DuplicateErrorCodes {
    /** Wrong. */
    @RpcMethod
    @RpcError(code = 1001, message = "Account locked")
    @RpcError(code = 1001, message = "Account closed")
    void lock();
  }

  /** Declares an error on a notification. */
  public interface NotificationWithError {
    /** Wrong. */
    @RpcNotification
    @RpcError(code = 1001, message = "Never sent")
    void ping();
  }

  /** Tries to take over the built-in method. */
  public interface OwnDiscover {
    /**
     * Wrong.
     *
     * @return anything
     */
    @RpcMethod("rpc.discover")
    String discover();
  }

  private static IllegalArgumentException registrationError(Class<?> iface) {
    Object impl = Proxy.newProxyInstance(iface.getClassLoader(), new Class<?>[] {iface}, (p, m, a) -> {
      throw new UnsupportedOperationException(m.getName());
    });
    return assertThrows(IllegalArgumentException.class, () -> Peer.builder().service(impl));
  }

  @Test
  void duplicateErrorCodesOnOneMethodFailRegistrationNamingTheCode() {
    String m = registrationError(DuplicateErrorCodes.class).getMessage();
    assertTrue(m.contains("code 1001"), m);
    assertTrue(m.contains("for method DuplicateErrorCodes.lock"), m);
  }

  @Test
  void errorsDeclaredOnANotificationFailRegistration() {
    String m = registrationError(NotificationWithError.class).getMessage();
    assertTrue(m.contains("@RpcError"), m);
    assertTrue(m.contains("for method NotificationWithError.ping"), m);
  }

  @Test
  void userMethodNamedRpcDiscoverFailsRegistration() {
    String m = registrationError(OwnDiscover.class).getMessage();
    assertTrue(m.contains("'rpc.discover'"), m);
    assertTrue(m.contains("for method OwnDiscover.discover"), m);
  }
}
