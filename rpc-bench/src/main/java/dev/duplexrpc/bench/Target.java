package dev.duplexrpc.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A server to measure. Java targets run {@code dev.duplexrpc.bench.servers.TargetMain} in a JVM of
 * their own; node targets run a script from the module's {@code node/} folder. A Java target may
 * carry settings after an {@code @}, e.g. {@code raw-tyrus@io=same,workers=2}, so that variants run
 * side by side in one invocation.
 *
 * @param name the name on the command line and in reports, with its settings
 * @param kind the target without settings ({@code raw-tyrus}, {@code duplex}, ...)
 * @param description one line for the report
 * @param rpc whether it answers JSON-RPC (false: it echoes frames back)
 * @param node whether it runs on node
 * @param opts {@code key=value} settings passed to a Java target
 */
record Target(String name, String kind, String description, boolean rpc, boolean node, List<String> opts) {
  static final Target RAW_TYRUS = of("raw-tyrus",
      "bare Tyrus echo endpoint on Tyrus's stock Grizzly container (no JSON-RPC): the floor", false, false);
  static final Target DUPLEX = of("duplex",
      "this library's embedded RpcServer with the bench service", true, false);
  static final Target LSP4J = of("lsp4j",
      "Eclipse LSP4J JSON-RPC (org.eclipse.lsp4j.websocket.jakarta) on the same Tyrus container as raw-tyrus", true, false);
  static final Target NODE_RPC = of("node-rpc-websockets",
      "the npm rpc-websockets JSON-RPC server on node, same service", true, true);
  static final Target NODE_WS = of("node-ws-echo",
      "a bare npm ws echo server on node (no JSON-RPC)", false, true);
  static final Target RAW_TYRUS_LIB = of("raw-tyrus-lib",
      "the same echo endpoint in the library's own container and settings: the second floor", false, false);

  static final List<Target> ALL = List.of(RAW_TYRUS, DUPLEX, LSP4J, NODE_RPC, NODE_WS, RAW_TYRUS_LIB);

  private static Target of(String name, String description, boolean rpc, boolean node) {
    return new Target(name, name, description, rpc, node, List.of());
  }

  static Target named(String spec) {
    String s = spec.trim().toLowerCase(Locale.ROOT);
    int at = s.indexOf('@');
    String n = at < 0 ? s : s.substring(0, at);
    for (Target t : ALL) {
      if (t.kind.equals(n)) {
        if (at < 0) {
          return t;
        }
        if (t.node) {
          throw new IllegalArgumentException("node targets take no settings: " + spec);
        }
        List<String> opts = Arrays.asList(s.substring(at + 1).split(","));
        for (String o : opts) {
          if (o.indexOf('=') <= 0) {
            throw new IllegalArgumentException("not key=value in " + spec + ": " + o);
          }
        }
        return new Target(s, t.kind, t.description + " (" + String.join(", ", opts) + ")", t.rpc, t.node,
            List.copyOf(opts));
      }
    }
    throw new IllegalArgumentException("unknown target '" + spec + "'; known: "
        + ALL.stream().map(Target::name).toList());
  }

  /** Whether this target can run a kind of scenario. */
  boolean supports(Scenario.Kind scenario) {
    switch (scenario) {
      case SERVER_CALLS:
        return !node; // rpc-websockets servers cannot call their clients
      case LIBRARY_CLIENT:
        return !kind.equals(NODE_WS.kind);
      case STREAM:
        return kind.equals(DUPLEX.kind); // streams are this library's extension
      case FANOUT: // the targets that publish events
        return kind.equals("duplex") || kind.equals("node-rpc-websockets");
      default:
        return true;
    }
  }

  /** The node script of a node target. */
  String script() {
    return kind.equals(NODE_RPC.kind) ? "rpc-websockets-server.js" : kind.equals(NODE_WS.kind) ? "ws-echo-server.js" : null;
  }
}
