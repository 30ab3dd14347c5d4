package dev.duplexrpc.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplexrpc.core.annotation.RpcMethod;
import java.io.File;
import java.io.IOException;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ClientConnection.remote()} on the module path, where the tests of this module (on the
 * class path) cannot go: a small application module is compiled here and run in a forked JVM
 * against a server of this one. Its interface in a package exported only to {@code
 * dev.duplexrpc.core} works, default method included, as docs/services.md says; one in a package
 * not exported fails at {@code remote()} with the {@code exports} line to add.
 */
class ClientProxyModulePathTest {
  /** What the application module calls. */
  public static final class GreeterImpl {
    @RpcMethod("greet")
    public String greet(String name) {
      return "Hello " + name;
    }
  }

  private static final String MODULE_INFO = """
      module demo.app {
        requires dev.duplexrpc.client;
        exports demo.app.api to dev.duplexrpc.core;
      }
      """;

  private static final String GREETER = """
      package demo.app.api;

      import dev.duplexrpc.core.annotation.RpcMethod;

      public interface Greeter {
        @RpcMethod("greet")
        String greet(String name);

        default String greetTwice(String name) {
          return greet(name) + " / " + greet(name);
        }
      }
      """;

  private static final String SECRET = """
      package demo.app.hidden;

      import dev.duplexrpc.core.annotation.RpcMethod;

      public interface Secret {
        @RpcMethod("greet")
        String greet(String name);
      }
      """;

  private static final String MAIN = """
      package demo.app;

      import dev.duplexrpc.client.ClientConnection;
      import dev.duplexrpc.client.RpcClient;
      import demo.app.api.Greeter;
      import demo.app.hidden.Secret;
      import java.net.URI;

      public final class Main {
        public static void main(String[] args) throws Exception {
          try (ClientConnection c = RpcClient.builder().uri(URI.create(args[0])).build().connect()) {
            Greeter greeter = c.remote(Greeter.class);
            System.out.println("greet: " + greeter.greet("Ada"));
            System.out.println("twice: " + greeter.greetTwice("Bob"));
            try {
              c.remote(Secret.class);
              System.out.println("secret: no failure");
            } catch (IllegalArgumentException e) {
              System.out.println("secret: " + e.getMessage());
            }
          }
        }
      }
      """;

  @TempDir Path dir;
  private RpcServer server;

  @AfterEach
  void tearDown() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void interfaceExportedOnlyToTheCoreWorksAndANonExportedOneFailsAtRemote() throws Exception {
    String modulePath = libraryModulePath();
    Path src = dir.resolve("src");
    write(src.resolve("module-info.java"), MODULE_INFO);
    write(src.resolve("demo/app/api/Greeter.java"), GREETER);
    write(src.resolve("demo/app/hidden/Secret.java"), SECRET);
    write(src.resolve("demo/app/Main.java"), MAIN);
    Path out = dir.resolve("out");
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    List<String> args = new ArrayList<>(List.of("--release", "17", "-parameters", "--module-path", modulePath,
        "-d", out.toString()));
    try (var files = Files.walk(src)) {
      files.filter(p -> p.toString().endsWith(".java")).forEach(p -> args.add(p.toString()));
    }
    assertEquals(0, javac.run(null, null, null, args.toArray(new String[0])), "javac failed");

    server = RpcServer.builder().service(new GreeterImpl()).build().start();
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process p = new ProcessBuilder(java.toString(),
        "--module-path", modulePath + File.pathSeparator + out,
        "-m", "demo.app/demo.app.Main", server.uri().toString())
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("output.txt").toFile())
        .start();
    boolean exited = p.waitFor(60, TimeUnit.SECONDS);
    if (!exited) {
      p.destroyForcibly();
    }
    List<String> lines = Files.readAllLines(dir.resolve("output.txt"), StandardCharsets.UTF_8);
    assertTrue(exited, "the application did not exit: " + lines);
    assertEquals(0, p.exitValue(), () -> String.join("\n", lines));
    List<String> said = lines.stream().filter(l -> l.matches("^(greet|twice|secret): .*"))
        .collect(Collectors.toList());
    assertEquals(List.of(
        "greet: Hello Ada",
        "twice: Hello Bob / Hello Bob",
        "secret: remote(demo.app.hidden.Secret): package demo.app.hidden of module demo.app is not"
            + " exported to dev.duplexrpc.core; add `exports demo.app.hidden to dev.duplexrpc.core;`"
            + " to the module-info.java of demo.app"), said, () -> String.join("\n", lines));
  }

  /** The class path entries that are explicit modules: the library's and its dependencies'. */
  private static String libraryModulePath() {
    Set<String> skip = Set.of("dev.duplexrpc.server");
    List<String> entries = new ArrayList<>();
    for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path p = Path.of(e);
      if (!Files.exists(p)) {
        continue;
      }
      Set<ModuleReference> found;
      try {
        found = ModuleFinder.of(p).findAll();
      } catch (RuntimeException ex) {
        continue; // not a module
      }
      if (found.size() == 1) {
        var d = found.iterator().next().descriptor();
        if (!d.isAutomatic() && !skip.contains(d.name())) {
          entries.add(e);
        }
      }
    }
    return String.join(File.pathSeparator, entries);
  }

  private static void write(Path file, String text) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
  }
}
