package dev.duplexrpc.js;

import dev.duplexrpc.testing.CountingPublisher;
import dev.duplexrpc.testing.FaultProxy;
import dev.duplexrpc.testing.RequiredTool;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonObject;
import dev.duplexrpc.core.CallContext;
import dev.duplexrpc.core.RpcContext;
import dev.duplexrpc.core.RpcException;
import dev.duplexrpc.core.TraceContext;
import dev.duplexrpc.core.annotation.RpcMethod;
import dev.duplexrpc.core.annotation.RpcService;
import dev.duplexrpc.server.RpcServer;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The npm package {@code @duplexrpc/client} in the build: installs its devDependencies with
 * {@code npm ci} from the committed lockfile (into {@code target/npm}), type-checks the
 * declarations and the typed example with {@code tsc --noEmit}, runs its Node tests
 * ({@code node --test}, with the {@code ws} package) against a real server on loopback, and packs
 * the tarball with {@code npm pack}.
 *
 * <p>When {@code node} is missing, the tests fail under {@code CI=true}, and are skipped with a
 * message elsewhere (as the interop tests do).
 */
class DuplexJsTest {
  private static final long NPM_SECONDS = 300;
  private static final long RUN_SECONDS = 120;

  /** The interface the Node tests call, under the prefix {@code calc.}. */
  @RpcService(prefix = "calc.")
  public interface Calc {
    @RpcMethod
    int add(int a, int b);

    @RpcMethod
    int divide(int dividend, int divisor);

    @RpcMethod
    String greet(String name);

    @RpcMethod
    int tick(int n);

    @RpcMethod
    Flow.Publisher<Integer> count(int n);

    @RpcMethod
    Flow.Publisher<Integer> failAfter(int n);

    /** Whether the last {@code count} stream was cancelled (waits up to 10 s for it). */
    @RpcMethod
    boolean countCancelled();

    /** The W3C trace context the call came with, as "traceparent|tracestate", or "none". */
    @RpcMethod
    String trace();
  }

  /**
   * The faults the Node tests cause, called over a direct connection: the tests' resumable
   * connections go through {@link FaultProxy}.
   */
  @RpcService(prefix = "faults.")
  public interface Faults {
    /** Resets every connection through the proxy (a lost socket: 1006 at both ends); returns how many. */
    @RpcMethod
    int cut();

    /** Whether the proxy resets the connections it accepts from now on, so that reconnecting fails. */
    @RpcMethod
    boolean resetNew(boolean reset);

    /** Publishes {@code {"n": n}} as the event {@code proxied.tick}; returns how many subscribers got it. */
    @RpcMethod
    int tick(int n);
  }

  /** The client's exposed function the server calls back. */
  public interface Client {
    @RpcMethod
    String nickname(String name);
  }

  private static final AtomicReference<RpcServer> SERVER = new AtomicReference<>();
  private static final AtomicReference<CountingPublisher> LAST_COUNT = new AtomicReference<>();
  private static RpcServer server;
  private static FaultProxy proxy;
  private static Path work;

  @BeforeAll
  static void startServerAndInstall() throws Exception {
    work = install();
    server = RpcServer.builder()
        .host("127.0.0.1")
        .port(0)
        .path("/rpc")
        .event("tick")
        .event("proxied.tick") // the resume tests' own event, apart from the other tests'
        .service(new Calc() {
          @Override
          public int add(int a, int b) {
            return a + b;
          }

          @Override
          public int divide(int dividend, int divisor) {
            if (divisor == 0) {
              JsonObject data = new JsonObject();
              data.addProperty("dividend", dividend);
              throw new RpcException(-32010, "Division by zero", data);
            }
            return dividend / divisor;
          }

          @Override
          public String greet(String name) {
            Client caller = CallContext.current().peer().remote(Client.class);
            return "Hello, " + caller.nickname(name) + "!";
          }

          @Override
          public Flow.Publisher<Integer> count(int n) {
            CountingPublisher p = CountingPublisher.of(n);
            LAST_COUNT.set(p);
            return p;
          }

          @Override
          public Flow.Publisher<Integer> failAfter(int n) {
            return CountingPublisher.failingAfter(n, () -> new RpcException(-32050, "Ran dry"));
          }

          @Override
          public boolean countCancelled() {
            try {
              LAST_COUNT.get().cancelled().get(10, TimeUnit.SECONDS);
              return true;
            } catch (Exception e) {
              return false;
            }
          }

          @Override
          public int tick(int n) {
            return SERVER.get().events().publish("tick", Map.of("n", n));
          }

          @Override
          public String trace() {
            TraceContext t = RpcContext.current().get(TraceContext.REMOTE_PARENT);
            return t == null ? "none" : t.traceparent() + "|" + t.tracestate();
          }
        })
        .service(new Faults() {
          @Override
          public int cut() {
            List<FaultProxy.Link> links = proxy.links();
            links.forEach(FaultProxy.Link::cut);
            return links.size();
          }

          @Override
          public boolean resetNew(boolean reset) {
            proxy.resetNewConnections(reset);
            return reset;
          }

          @Override
          public int tick(int n) {
            return SERVER.get().events().publish("proxied.tick", Map.of("n", n));
          }
        })
        .interceptor(call -> null) // a received trace context reaches handlers through the interceptor path
        .build()
        .start();
    SERVER.set(server);
    proxy = FaultProxy.start(new InetSocketAddress("127.0.0.1", server.port()));
  }

  @AfterAll
  static void stopServer() {
    if (proxy != null) {
      proxy.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  void nodeTestsPassAgainstTheServer() throws Exception {
    Run run = run(work, Map.of("DUPLEX_URL", server.uri().toString(),
        "DUPLEX_PROXY_URL", proxy.via(server.uri()).toString()), "node", "--test", "test/");
    assertEquals(0, run.exit, () -> "node --test failed:\n" + run.output);
    assertTrue(run.output.contains("# pass 23"), () -> "expected 23 passing Node tests:\n" + run.output);
    assertTrue(run.output.contains("# fail 0"), () -> run.output);
  }

  @Test
  void declarationsAndTypedExampleTypeCheck() throws Exception {
    Path tsc = work.resolve("node_modules").resolve(".bin").resolve("tsc");
    Run run = run(work, Map.of(), tsc.toString(), "--noEmit", "-p", ".");
    assertEquals(0, run.exit, () -> "tsc --noEmit failed:\n" + run.output);
  }

  @Test
  void packedTarballHoldsTheFileTheServerServes() throws Exception {
    Path out = work.resolve("pack");
    Files.createDirectories(out);
    Run run = run(work, Map.of(), RequiredTool.npm(), "pack", "--json", "--pack-destination", out.toString());
    assertEquals(0, run.exit, () -> "npm pack failed:\n" + run.output);
    Path tarball = out.resolve("duplexrpc-client-0.1.0.tgz");
    assertTrue(Files.isRegularFile(tarball), () -> "no " + tarball + ":\n" + run.output);
    for (String file : List.of("package/duplex.js", "package/duplex.d.ts", "package/package.json")) {
      assertTrue(run.output.contains("\"path\": \"" + file.substring("package/".length()) + "\""),
          () -> file + " is not in the tarball:\n" + run.output);
    }
    assertTrue(!run.output.contains("pom.xml") && !run.output.contains("\"path\": \"test/"),
        () -> "the tarball holds more than the package:\n" + run.output);
    // One home: the package's duplex.js is the one in the server's jar.
    byte[] packaged = Files.readAllBytes(work.resolve("duplex.js"));
    try (InputStream in = RpcServer.class.getResourceAsStream("/META-INF/resources/duplex-rpc/duplex.js")) {
      assertArrayEquals(packaged, in.readAllBytes());
    }
  }

  /** Copies the package to target/npm and runs npm ci there, unless the same lockfile is installed. */
  private static Path install() throws Exception {
    RequiredTool.node("the npm package tests");
    Path source = Paths.get(System.getProperty("duplexjs.source", "."));
    Path target = Paths.get(System.getProperty("duplexjs.work", "target/npm"));
    Files.createDirectories(target);
    for (String f : List.of("package.json", "package-lock.json", "duplex.js", "duplex.d.ts", "README.md",
        "tsconfig.json")) {
      Files.copy(source.resolve(f), target.resolve(f), StandardCopyOption.REPLACE_EXISTING);
    }
    for (String dir : List.of("test", "types")) {
      Files.createDirectories(target.resolve(dir));
      try (Stream<Path> files = Files.list(source.resolve(dir))) {
        for (Path f : (Iterable<Path>) files::iterator) {
          Files.copy(f, target.resolve(dir).resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
    Path lock = source.resolve("package-lock.json");
    Path installedLock = target.resolve("node_modules").resolve(".duplex-installed-lock.json");
    if (!(Files.exists(installedLock) && Files.mismatch(lock, installedLock) == -1)) {
      // --ignore-scripts: no install script runs (ws works without its optional native add-ons).
      Run npm = run(target, Map.of(), RequiredTool.npm(), "ci", "--ignore-scripts", "--no-audit", "--no-fund");
      assertEquals(0, npm.exit, () -> "npm ci failed:\n" + npm.output);
      Files.copy(lock, installedLock, StandardCopyOption.REPLACE_EXISTING);
    }
    return target;
  }

  private record Run(int exit, String output) {}

  private static Run run(Path dir, Map<String, String> env, String... command) throws Exception {
    Path log = Files.createTempFile(dir, "run", ".log");
    ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(List.of(command)))
        .directory(dir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile());
    pb.environment().putAll(env);
    Process p = pb.start();
    long limit = command[0].startsWith("npm") && "ci".equals(command[1]) ? NPM_SECONDS : RUN_SECONDS;
    if (!p.waitFor(limit, TimeUnit.SECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly); // node --test runs each file in a child
      p.destroyForcibly();
      fail(String.join(" ", command) + " did not finish within " + limit + " s:\n" + Files.readString(log));
    }
    String output = Files.readString(log, StandardCharsets.UTF_8);
    Files.delete(log);
    return new Run(p.exitValue(), output);
  }
}
