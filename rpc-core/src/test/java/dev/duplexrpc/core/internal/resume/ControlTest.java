package dev.duplexrpc.core.internal.resume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** The control messages' exact text, and that nothing else is taken for one. */
class ControlTest {

  @Test
  void controlMessagesHaveTheirDocumentedText() {
    assertEquals("{\"jsonrpc\":\"2.0\",\"method\":\"rpc.ack\",\"params\":{\"received\":12}}", Control.ack(12));
    assertEquals("{\"jsonrpc\":\"2.0\",\"method\":\"rpc.session\",\"params\":{}}", Control.hello(null, 0));
    assertEquals("{\"jsonrpc\":\"2.0\",\"method\":\"rpc.session\",\"params\":{\"token\":\"a\\\"b\",\"received\":3}}",
        Control.hello("a\"b", 3));
    assertEquals("{\"jsonrpc\":\"2.0\",\"method\":\"rpc.session\",\"params\":{\"token\":\"t\",\"received\":0,\"resumed\":false}}",
        Control.answer("t", 0, false));
  }

  @Test
  void parsesWhatItWrites() {
    assertEquals(12, Control.parse(Control.ack(12)).longParam("received"));
    Control.Message m = Control.parse(Control.answer("tok", 7, true));
    assertEquals("tok", m.stringParam("token"));
    assertEquals(7, m.longParam("received"));
    assertEquals(true, m.booleanParam("resumed"));
  }

  @Test
  void otherMessagesAreNotControl() {
    assertNull(Control.parse("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"rpc.ack\",\"params\":{\"received\":1}}"));
    assertNull(Control.parse("{\"jsonrpc\":\"2.0\",\"method\":\"rpc.on\",\"params\":[\"x\"]}"));
    assertNull(Control.parse("{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"params\":[\"rpc.ack\"]}"));
    assertNull(Control.parse("[{\"jsonrpc\":\"2.0\",\"method\":\"rpc.ack\"}]"));
    assertNull(Control.parse("{\"method\":\"rpc.ack\""));
  }
}
