package dev.duplexrpc.spring.boot.internal;

import dev.duplexrpc.spring.boot.DuplexClient;
import dev.duplexrpc.spring.boot.DuplexRpcProperties;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.annotation.AnnotatedBeanDefinition;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfigurationPackages;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.ResourceLoaderAware;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import org.springframework.util.ClassUtils;

/**
 * Registers a {@link ManagedClient} bean for every client named in the properties ({@code
 * duplex.rpc.client.<name>.uri}) and a {@link ClientProxies proxy} bean for every {@code
 * @DuplexClient} interface in the auto-configuration packages. An interface naming a client that has
 * no URI fails the start, naming both.
 */
public final class ClientsRegistrar
    implements ImportBeanDefinitionRegistrar, BeanFactoryAware, EnvironmentAware, ResourceLoaderAware {
  /** The bean name of a client's {@link ManagedClient}: this prefix and the client's name. */
  public static final String CLIENT_BEAN_PREFIX = "duplexRpcClient.";

  private BeanFactory beanFactory;
  private Environment environment;
  private ResourceLoader resourceLoader;

  @Override
  public void setBeanFactory(BeanFactory beanFactory) {
    this.beanFactory = beanFactory;
  }

  @Override
  public void setEnvironment(Environment environment) {
    this.environment = environment;
  }

  @Override
  public void setResourceLoader(ResourceLoader resourceLoader) {
    this.resourceLoader = resourceLoader;
  }

  @Override
  public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
    Map<String, DuplexRpcProperties.Client> configured = Binder.get(environment)
        .bind("duplex.rpc.client", Bindable.mapOf(String.class, DuplexRpcProperties.Client.class))
        .orElse(Map.of());
    Map<String, List<Class<?>>> interfaces = new LinkedHashMap<>();
    for (Class<?> type : scan()) {
      String name = type.getAnnotation(DuplexClient.class).value();
      if (!configured.containsKey(name)) {
        throw new IllegalStateException("@DuplexClient(\"" + name + "\") on " + type.getName()
            + " names a client without properties: set duplex.rpc.client." + name + ".uri");
      }
      interfaces.computeIfAbsent(name, k -> new ArrayList<>()).add(type);
      RootBeanDefinition proxy = new RootBeanDefinition(type);
      proxy.setInstanceSupplier(() -> ClientProxies.proxy(type,
          beanFactory.getBean(CLIENT_BEAN_PREFIX + name, ManagedClient.class)));
      proxy.setDependsOn(CLIENT_BEAN_PREFIX + name);
      registry.registerBeanDefinition(type.getName(), proxy);
    }
    for (String name : configured.keySet()) {
      List<Class<?>> types = List.copyOf(interfaces.getOrDefault(name, List.of()));
      RootBeanDefinition client = new RootBeanDefinition(ManagedClient.class,
          () -> ClientFactory.managed(name, (ListableBeanFactory) beanFactory, types));
      registry.registerBeanDefinition(CLIENT_BEAN_PREFIX + name, client);
    }
  }

  private Set<Class<?>> scan() {
    Set<Class<?>> found = new LinkedHashSet<>();
    if (!AutoConfigurationPackages.has(beanFactory)) {
      return found;
    }
    ClassPathScanningCandidateComponentProvider scanner =
        new ClassPathScanningCandidateComponentProvider(false, environment) {
          @Override
          protected boolean isCandidateComponent(AnnotatedBeanDefinition definition) {
            return definition.getMetadata().isInterface() && definition.getMetadata().isIndependent();
          }
        };
    scanner.setResourceLoader(resourceLoader);
    scanner.addIncludeFilter(new AnnotationTypeFilter(DuplexClient.class, false, true));
    List<String> packages = AutoConfigurationPackages.get(beanFactory);
    for (String p : packages) {
      for (BeanDefinition candidate : scanner.findCandidateComponents(p)) {
        found.add(ClassUtils.resolveClassName(candidate.getBeanClassName(), resourceLoader.getClassLoader()));
      }
    }
    return found;
  }
}
