package dev.duplexrpc.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.google.gson.reflect.TypeToken;
import dev.duplexrpc.core.annotation.RpcMethod;
import dev.duplexrpc.core.transport.InMemoryTransport;
import java.io.StringWriter;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The untyped call API is typed by its result class or type token: a wrong assignment does not
 * compile (it used to compile and fail later with a ClassCastException).
 */
class TypedCallTest {
  /** An item. */
  record Item(String name, double price) {}

  /** The served side. */
  public interface Shop {
    @RpcMethod
    double price(String item);

    @RpcMethod
    List<Item> items();
  }

  static final class ShopImpl implements Shop {
    @Override
    public double price(String item) {
      return 2.5;
    }

    @Override
    public List<Item> items() {
      return List.of(new Item("coffee", 2.5), new Item("tea", 2.0));
    }
  }

  private Peer server;
  private Peer client;

  @AfterEach
  void tearDown() {
    if (client != null) {
      client.close();
    }
  }

  private void connect() {
    InMemoryTransport.Pair pair = InMemoryTransport.pair();
    server = Peer.builder().service(new ShopImpl()).transport(pair.first()).build();
    client = Peer.builder().transport(pair.second()).build();
  }

  @Test
  void resultClassAndTypeTokenGiveTypedFutures() throws Exception {
    connect();
    CompletableFuture<Double> price = client.call("price", Double.class, "coffee");
    assertEquals(2.5, price.get(5, TimeUnit.SECONDS));
    CompletableFuture<List<Item>> items = client.call("items", new TypeToken<List<Item>>() {});
    assertEquals(new Item("tea", 2.0), items.get(5, TimeUnit.SECONDS).get(1));
    Batch batch = client.batch();
    CompletableFuture<List<Item>> batched = batch.call("items", new TypeToken<List<Item>>() {});
    batch.send();
    assertEquals(2, batched.get(5, TimeUnit.SECONDS).size());
  }

  @Test
  void assigningAResultToTheWrongTypeDoesNotCompile() {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    String wrong = "class Wrong { java.util.concurrent.CompletableFuture<String> f(dev.duplexrpc.core.Peer p) {"
        + " return p.call(\"price\", Double.class, \"coffee\"); } }";
    String right = wrong.replace("CompletableFuture<String>", "CompletableFuture<Double>").replace("Wrong", "Right");
    String errors = compiles(javac, "Wrong", wrong);
    assertFalse(errors.isEmpty(), "CompletableFuture<String> from Double.class compiled");
    assertEquals(true, errors.contains("incompatible types"), errors);
    assertEquals("", compiles(javac, "Right", right));
  }

  /** Compiles one class against the test class path; returns the diagnostics, empty on success. */
  private static String compiles(JavaCompiler javac, String name, String source) {
    JavaFileObject file = new SimpleJavaFileObject(URI.create("string:///" + name + ".java"),
        JavaFileObject.Kind.SOURCE) {
      @Override
      public CharSequence getCharContent(boolean ignoreEncodingErrors) {
        return source;
      }
    };
    StringWriter out = new StringWriter();
    java.nio.file.Path dir;
    try {
      dir = java.nio.file.Files.createTempDirectory("typed-call");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    boolean ok = javac.getTask(out, null, null,
        List.of("-classpath", System.getProperty("java.class.path"), "-d", dir.toString(), "-proc:none"),
        null, List.of(file)).call();
    return ok ? "" : out.toString();
  }
}
