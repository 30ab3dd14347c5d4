package dev.duplexrpc.spring.boot.internal;

import dev.duplexrpc.core.annotation.RpcService;
import dev.duplexrpc.spring.boot.DuplexClient;
import dev.duplexrpc.spring.boot.DuplexClientService;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.springframework.beans.factory.ListableBeanFactory;

/**
 * Finds the beans a side serves: the server's are the beans whose class or one of its interfaces
 * carries {@code @RpcService}, less the client proxies ({@link DuplexClient}) and the clients'
 * own services ({@link DuplexClientService}); a client's are the beans with {@code
 * DuplexClientService} naming it.
 */
public final class ServedBeans {
  private ServedBeans() {}

  /**
   * The server's services.
   *
   * @param beans the application's beans
   * @return the service instances, in bean definition order
   */
  public static List<Object> forServer(ListableBeanFactory beans) {
    List<Object> out = new ArrayList<>();
    for (String name : beans.getBeanNamesForAnnotation(RpcService.class)) {
      if (beans.findAnnotationOnBean(name, DuplexClient.class) == null
          && beans.findAnnotationOnBean(name, DuplexClientService.class) == null) {
        out.add(beans.getBean(name));
      }
    }
    return out;
  }

  /**
   * A client's services.
   *
   * @param beans the application's beans
   * @param client the client's name
   * @return the service instances
   */
  public static List<Object> forClient(ListableBeanFactory beans, String client) {
    List<Object> out = new ArrayList<>();
    for (String name : beans.getBeanNamesForAnnotation(DuplexClientService.class)) {
      DuplexClientService a = beans.findAnnotationOnBean(name, DuplexClientService.class);
      if (a != null && Arrays.asList(a.value()).contains(client)) {
        out.add(beans.getBean(name));
      }
    }
    return out;
  }
}
