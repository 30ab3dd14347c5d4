package dev.duplexrpc.core;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplexrpc.core.annotation.RpcMethod;
import dev.duplexrpc.core.annotation.RpcNotification;
import dev.duplexrpc.core.annotation.RpcService;
import dev.duplexrpc.core.transport.InMemoryTransport;
import java.lang.reflect.Proxy;
import org.junit.jupiter.api.Test;

/**
 * Registration errors: duplicate wire names, notifications returning a value, overloads and the
 * reserved {@code rpc.} space fail registration with a message naming the method.
 */
class RegistrationErrorsTest {

  /** Two methods with one wire name. */
  public interface DuplicateNames {
    /** One. */
    @RpcMethod("same")
    void first();

    /** Two. */
    @RpcMethod("same")
    void second();
  }

  /** A notification that returns a value. */
  public interface NotificationWithValue {
    /**
     * Wrong.
     *
     * @return a value nobody can receive
     */
    @RpcNotification
    int ping();
  }

  /** Overloads without distinct wire names. */
  public interface Overloads {
    /**
     * Two numbers.
     *
     * @param a a number
     * @param b a number
     * @return the sum
     */
    @RpcMethod
    int add(int a, int b);

    /**
     * Three numbers.
     *
     * @param a a number
     * @param b a number
     * @param c a number
     * @return the sum
     */
    @RpcMethod
    int add(int a, int b, int c);
  }

  /** A name in the reserved {@code rpc.} space. */
  public interface ReservedName {
    /** Wrong. */
    @RpcMethod("rpc.mine")
    void mine();
  }

  /** A prefix in the reserved {@code rpc.} space. */
  @RpcService(prefix = "rpc.")
  public interface ReservedPrefix {
    /** Wrong. */
    @RpcNotification
    void ping();
  }

  /** One service with the wire name {@code shared}. */
  public interface SharedOne {
    /**
     * One.
     *
     * @return a string
     */
    @RpcMethod("shared")
    String one();
  }

  /** Another service with the wire name {@code shared}. */
  public interface SharedTwo {
    /**
     * Two.
     *
     * @return a string
     */
    @RpcMethod("shared")
    String two();
  }

  private static Object implementation(Class<?> iface) {
    return Proxy.newProxyInstance(iface.getClassLoader(), new Class<?>[] {iface}, (p, m, a) -> {
      throw new UnsupportedOperationException(m.getName());
    });
  }

  private static IllegalArgumentException registrationError(Class<?> iface) {
    return assertThrows(
        IllegalArgumentException.class, () -> Peer.builder().service(implementation(iface)));
  }

  @Test
  void duplicateWireNamesInOneServiceFailRegistrationNamingBothMethods() {
    String m = registrationError(DuplicateNames.class).getMessage();
    assertTrue(m.contains("'same'"), m);
    assertTrue(m.contains("DuplicateNames.first") && m.contains("DuplicateNames.second"), m);
  }

  @Test
  void duplicateWireNamesAcrossServicesFailBuildNamingBothMethods() {
    InMemoryTransport.Pair pair = InMemoryTransport.pair();
    Peer.Builder builder = Peer.builder()
        .transport(pair.first())
        .service(implementation(SharedOne.class))
        .service(implementation(SharedTwo.class));
    String m = assertThrows(IllegalArgumentException.class, builder::build).getMessage();
    assertTrue(m.contains("'shared'"), m);
    assertTrue(m.contains("SharedOne.one") && m.contains("SharedTwo.two"), m);
  }

  @Test
  void notificationReturningValueFailsRegistrationNamingTheMethod() {
    String m = registrationError(NotificationWithValue.class).getMessage();
    assertTrue(m.contains("for method NotificationWithValue.ping"), m);
    assertTrue(m.contains("void"), m);
  }

  @Test
  void overloadsWithoutDistinctNamesFailRegistrationNamingTheMethod() {
    String m = registrationError(Overloads.class).getMessage();
    assertTrue(m.contains("for method Overloads.add"), m);
    assertTrue(m.contains("'add'"), m);
  }

  @Test
  void nameStartingWithRpcDotFailsRegistrationNamingTheMethod() {
    String m = registrationError(ReservedName.class).getMessage();
    assertTrue(m.contains("for method ReservedName.mine"), m);
    assertTrue(m.contains("'rpc.mine'"), m);
    m = registrationError(ReservedPrefix.class).getMessage();
    assertTrue(m.contains("for method ReservedPrefix.ping"), m);
    assertTrue(m.contains("'rpc.ping'"), m);
  }
}
