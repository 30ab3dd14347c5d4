package dev.duplexrpc.bench;

import java.util.List;
import java.util.Locale;

/**
 * A server to measure. Java targets run {@code dev.duplexrpc.bench.target.TargetMain} in a JVM of
 * their own; node targets run a script from the module's {@code node/} folder.
 *
 * @param name the name on the command line and in reports
 * @param description one line for the report
 * @param rpc whether it answers JSON-RPC (false: it echoes frames back)
 * @param node whether it runs on node
 */
record Target(String name, String description, boolean rpc, boolean node) {
  static final Target RAW_TYRUS = new Target("raw-tyrus",
      "bare Tyrus echo endpoint on Tyrus's stock Grizzly container (no JSON-RPC): the floor", false, false);
  static final Target RAW_TYRUS_LIB = new Target("raw-tyrus-lib",
      "the same echo endpoint in the library's container and settings: the second floor", false, false);
  static final Target DUPLEX = new Target("duplex",
      "this library's embedded RpcServer with the bench service", true, false);

  static final Target LSP4J = new Target("lsp4j",
      "Eclipse LSP4J JSON-RPC (org.eclipse.lsp4j.websocket.jakarta) on the same Tyrus container as raw-tyrus", true, false);

  static final Target NODE_RPC = new Target("node-rpc-websockets",
      "the npm rpc-websockets JSON-RPC server on node, same service", true, true);
  static final Target NODE_WS = new Target("node-ws-echo",
      "a bare npm ws echo server on node (no JSON-RPC)", false, true);

  static final List<Target> ALL = List.of(RAW_TYRUS, DUPLEX, LSP4J, NODE_RPC, NODE_WS, RAW_TYRUS_LIB);

  /** Whether this target can run a kind of scenario. */
  boolean supports(Scenario.Kind kind) {
    switch (kind) {
      case SERVER_CALLS:
        return !node; // rpc-websockets servers cannot call their clients
      case LIBRARY_CLIENT:
        return this != NODE_WS;
      default:
        return true;
    }
  }

  /** The node script of a node target. */
  String script() {
    return this == NODE_RPC ? "rpc-websockets-server.js" : this == NODE_WS ? "ws-echo-server.js" : null;
  }

  static Target named(String name) {
    String n = name.trim().toLowerCase(Locale.ROOT);
    for (Target t : ALL) {
      if (t.name.equals(n)) {
        return t;
      }
    }
    throw new IllegalArgumentException("unknown target '" + name + "'; known: "
        + ALL.stream().map(Target::name).toList());
  }
}
