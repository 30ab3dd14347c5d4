package dev.duplexrpc.redis;

import dev.duplexrpc.testing.JvmProcess;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;

/** A {@link NodeMain} in a separate JVM, started from this JVM's class path. */
final class NodeProcess implements AutoCloseable {
  private final JvmProcess jvm;
  private final int port;
  private final String nodeId;

  private NodeProcess(JvmProcess jvm, int port, String nodeId) {
    this.jvm = jvm;
    this.port = port;
    this.nodeId = nodeId;
  }

  /** Starts a node JVM; {@link Starting#await} waits until it listens. */
  static Starting start(String redisUri, String prefix, String nodeId, Duration nodeTtl) throws IOException {
    return new Starting(JvmProcess.start("node " + nodeId, NodeMain.class,
        redisUri, prefix, nodeId, Long.toString(nodeTtl.toMillis())));
  }

  /** A node JVM that was started and may not listen yet. */
  static final class Starting {
    private final JvmProcess jvm;

    Starting(JvmProcess jvm) {
      this.jvm = jvm;
    }

    /** Waits until it prints that it listens; kills it and fails otherwise. */
    NodeProcess await(Duration wait) throws InterruptedException {
      String[] parts = jvm.awaitLine("NODE ", wait).split(" "); // NODE <port> <node id> <pid>
      return new NodeProcess(jvm, Integer.parseInt(parts[1]), parts[2]);
    }

    void kill() {
      jvm.close();
    }
  }

  URI uri() {
    return URI.create("ws://127.0.0.1:" + port + "/");
  }

  String nodeId() {
    return nodeId;
  }

  /** Kills it at once (SIGKILL): no close frames, no goodbye to Redis. */
  void kill(Duration wait) throws InterruptedException {
    jvm.kill(wait);
  }

  @Override
  public void close() {
    jvm.close();
  }
}
