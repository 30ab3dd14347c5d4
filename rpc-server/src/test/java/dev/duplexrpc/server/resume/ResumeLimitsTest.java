package dev.duplexrpc.server.resume;

import static dev.duplexrpc.server.resume.ResumeFixture.WAIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.duplexrpc.client.ConnectionState;
import dev.duplexrpc.core.ConnectionClosedException;
import dev.duplexrpc.core.ErrorCodes;
import dev.duplexrpc.core.RpcException;
import dev.duplexrpc.core.transport.Subprotocols;
import dev.duplexrpc.server.RpcServer;
import dev.duplexrpc.server.ServerConnection;
import dev.duplexrpc.testing.FaultProxy;
import dev.duplexrpc.testing.JdkWebSocketClient;
import java.net.URI;
import java.security.Principal;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * When a session cannot be resumed, and who may resume it: a full buffer, a restarted server, a
 * wrong token, another principal's token, too many sessions waiting; and a plain JSON-RPC peer,
 * which sees none of it.
 */
class ResumeLimitsTest {
  private final ResumeFixture f = new ResumeFixture();

  @AfterEach
  void closeAll() {
    f.close();
  }

  private static JsonObject params(String frame) {
    return JsonParser.parseString(frame).getAsJsonObject().getAsJsonObject("params");
  }

  @Test
  void aFullBufferFailsTheSendWithMinus32009AndTheSessionGoesOn() throws Exception {
    f.start(s -> s.resumeBuffer(600, Duration.ofMillis(100)), c -> c);
    ServerConnection serverSide = f.serverSide();
    f.proxy.refuseNewConnections(true);
    f.proxy.links().get(0).cut();
    f.expectStates(ConnectionState.RESUMING);
    String big = "y".repeat(400);
    serverSide.peer().notify("note", big).get(WAIT, TimeUnit.SECONDS); // an empty buffer takes it
    CompletableFuture<Void> second = serverSide.peer().notify("note", big);
    ExecutionException e = assertThrows(ExecutionException.class, () -> second.get(WAIT, TimeUnit.SECONDS));
    assertEquals(ErrorCodes.REPLAY_BUFFER_FULL, assertInstanceOf(RpcException.class, e.getCause()).code());
    f.proxy.refuseNewConnections(false);
    f.expectStates(ConnectionState.OPEN);
    assertEquals(4, f.client.remote(ResumeFixture.Work.class).echo(4));
    assertEquals(9, serverSide.peer().call("echo", Integer.class, 9).get(WAIT, TimeUnit.SECONDS));
  }

  @Test
  void aRestartedServerFailsPendingCallsAndGivesAFreshSession() throws Exception {
    f.start(s -> s, c -> c);
    int port = f.server.port();
    CompletableFuture<Integer> pending = f.client.peer().call("gate", Integer.class, 5);
    assertTrue(f.serverWork.entered.await(WAIT, TimeUnit.SECONDS));
    f.proxy.refuseNewConnections(true);
    f.proxy.links().get(0).cut();
    f.expectStates(ConnectionState.RESUMING);
    f.serverWork.gate.countDown();
    f.server.close();
    f.server = RpcServer.builder().port(port).service(new ResumeFixture.WorkImpl()).build().start();
    f.proxy.refuseNewConnections(false);

    f.expectStates(ConnectionState.RECONNECTING, ConnectionState.OPEN);
    ExecutionException e = assertThrows(ExecutionException.class, () -> pending.get(WAIT, TimeUnit.SECONDS));
    assertInstanceOf(ConnectionClosedException.class, e.getCause());
    assertEquals(1, f.hookRuns.get());
    assertEquals(4, f.client.remote(ResumeFixture.Work.class).echo(4));
  }

  @Test
  void aWrongTokenGetsAFreshSessionThatTellsNothing() throws Exception {
    f.start(s -> s, c -> c);
    try (JdkWebSocketClient ws = JdkWebSocketClient.connect(f.server.uri(), Subprotocols.PLAIN, Subprotocols.DUPLEX)) {
      ws.send("{\"jsonrpc\":\"2.0\",\"method\":\"rpc.session\",\"params\":{\"token\":\"AAAAAAAAAAAAAAAAAAAAAA\",\"received\":3}}");
      JsonObject answer = params(ws.next());
      assertEquals(false, answer.get("resumed").getAsBoolean());
      assertEquals(0, answer.get("received").getAsLong());
      assertEquals(22, answer.get("token").getAsString().length()); // 128 bits, base64url
      assertEquals("open", f.serverEvents.poll(WAIT, TimeUnit.SECONDS));
      assertEquals(2, f.server.connections().size());
    }
  }

  @Test
  void onlyTheSamePrincipalResumesATokenAndOnlyOnce() throws Exception {
    f.server = RpcServer.builder()
        .service(new ResumeFixture.WorkImpl())
        .authenticator(h -> principal(h.queryParameter("user")))
        .build()
        .start();
    f.proxy = FaultProxy.start(f.server.address());
    String token;
    try (JdkWebSocketClient alice = raw(f.proxy.via(f.server.uri()), "alice")) {
      alice.send(HELLO);
      token = params(alice.next()).get("token").getAsString();
      f.proxy.links().get(0).cut(); // lost, not closed: the session waits for a resume
    }
    try (JdkWebSocketClient bob = raw(f.server.uri(), "bob")) {
      bob.send(resume(token));
      JsonObject answer = params(bob.next());
      assertEquals(false, answer.get("resumed").getAsBoolean());
      assertEquals(0, answer.get("received").getAsLong());
    }
    try (JdkWebSocketClient alice = raw(f.server.uri(), "alice")) {
      alice.send(resume(token));
      JsonObject answer = params(alice.next());
      assertEquals(true, answer.get("resumed").getAsBoolean());
      assertNotEquals(token, answer.get("token").getAsString()); // a new token for the next resume
      alice.send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"echo\",\"params\":[1]}");
      String reply = alice.next();
      while (reply.contains("rpc.ack")) {
        reply = alice.next();
      }
      assertEquals("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":1}", reply); // the new socket is in use
      try (JdkWebSocketClient again = raw(f.server.uri(), "alice")) {
        again.send(resume(token)); // used once already
        assertEquals(false, params(again.next()).get("resumed").getAsBoolean());
      }
    }
  }

  @Test
  void beyondMaxWaitingSessionsTheLongestWaitingEnds() throws Exception {
    f.start(s -> s.maxWaitingSessions(1), c -> c); // the fixture's own client: open, not waiting
    String first;
    String second;
    try (JdkWebSocketClient a = raw(f.proxy.via(f.server.uri()), "a")) {
      a.send(HELLO);
      first = params(a.next()).get("token").getAsString();
      assertEquals("open", f.serverEvents.poll(WAIT, TimeUnit.SECONDS));
      f.proxy.links().get(1).cut(); // lost: the first session waits, alone
    }
    try (JdkWebSocketClient b = raw(f.proxy.via(f.server.uri()), "b")) {
      b.send(HELLO);
      second = params(b.next()).get("token").getAsString();
      assertEquals("open", f.serverEvents.poll(WAIT, TimeUnit.SECONDS));
      f.proxy.links().get(2).cut(); // a second one waits: the first ends now, not in 2 minutes
    }
    assertEquals("close 1006", f.serverEvents.poll(WAIT, TimeUnit.SECONDS));
    // (closing a raw client drops its socket: each one below makes a session wait again, so the
    // one still waiting is resumed first)
    try (JdkWebSocketClient b = raw(f.server.uri(), "b")) {
      b.send(resume(second));
      assertEquals(true, params(b.next()).get("resumed").getAsBoolean());
      assertEquals("resume", f.serverEvents.poll(WAIT, TimeUnit.SECONDS));
    }
    try (JdkWebSocketClient a = raw(f.server.uri(), "a")) {
      a.send(resume(first));
      assertEquals(false, params(a.next()).get("resumed").getAsBoolean());
      assertEquals("open", f.serverEvents.poll(WAIT, TimeUnit.SECONDS));
    }
    assertThrows(IllegalArgumentException.class, () -> RpcServer.builder().maxWaitingSessions(0));
  }

  @Test
  void aPlainJsonRpcPeerSeesNoSessionMessage() throws Exception {
    f.start(s -> s, c -> c);
    try (JdkWebSocketClient plain = JdkWebSocketClient.connect(f.server.uri())) {
      assertEquals("", plain.subprotocol());
      plain.send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"echo\",\"params\":[6]}");
      assertEquals("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":6}", plain.next());
      plain.send("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"echo\",\"params\":[7]}");
      assertEquals("{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":7}", plain.next());
      assertEquals(0, plain.pending()); // no rpc.session, no rpc.ack
    }
    assertEquals("open", f.serverEvents.poll(WAIT, TimeUnit.SECONDS));
    String close = f.serverEvents.poll(WAIT, TimeUnit.SECONDS);
    assertTrue(close != null && close.startsWith("close "), close); // ended with its socket: no session
  }

  private static final String HELLO = "{\"jsonrpc\":\"2.0\",\"method\":\"rpc.session\",\"params\":{}}";

  private static String resume(String token) {
    return "{\"jsonrpc\":\"2.0\",\"method\":\"rpc.session\",\"params\":{\"token\":\"" + token
        + "\",\"received\":0}}";
  }

  private static JdkWebSocketClient raw(URI server, String user) throws Exception {
    return JdkWebSocketClient.connect(URI.create(server + "?user=" + user), Subprotocols.PLAIN, Subprotocols.DUPLEX);
  }

  private static Principal principal(String name) {
    return name == null ? null : () -> name;
  }
}
