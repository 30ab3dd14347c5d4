package dev.duplexrpc.core.internal.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import dev.duplexrpc.core.ErrorCodes;
import java.io.StringReader;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The single-pass scanner, checked against Gson's strict reader as an oracle. */
class MessageParserTest {
  private static final TypeAdapter<JsonElement> TREE = new Gson().getAdapter(JsonElement.class);

  private static final String[] SEEDS = {
    "{\"jsonrpc\": \"2.0\", \"method\": \"subtract\", \"params\": [42, 23], \"id\": 1}",
    "{\"jsonrpc\":\"2.0\",\"method\":\"a\\u00e9\\n\",\"params\":{\"x\":[1.5e-3,-0,true,false,null],\"y\":\"\\\"q\\\\\"},\"id\":\"s\"}",
    "[{\"jsonrpc\":\"2.0\",\"method\":\"sum\",\"params\":[1,2,4],\"id\":\"1\"},{\"foo\":\"boo\"},1,[],{}]",
    "{\"jsonrpc\":\"2.0\",\"result\":{\"a\":[[[{}]]],\"b\":12345678901234567890},\"id\":7}",
    "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32601,\"message\":\"Method not found\"},\"id\":null}",
    " \t\r\n{ \"id\" : 0 , \"method\" : \"m\" , \"jsonrpc\" : \"2.0\" } \n",
  };

  private static final String ALPHABET = "{}[]:,\"\\/ \t\n0123456789-+.eEtrufalsn\u00e9\ud800\u0001u";

  /** Whether Gson's strict reader accepts the text as one JSON document. */
  private static boolean gsonAccepts(String text) {
    try {
      JsonReader r = new JsonReader(new StringReader(text));
      r.setStrictness(Strictness.STRICT);
      r.setNestingLimit(10_000);
      TREE.read(r);
      return r.peek() == JsonToken.END_DOCUMENT;
    } catch (Exception | StackOverflowError e) {
      return false;
    }
  }

  @Test
  void acceptsExactlyWhatGsonsStrictReaderAccepts() {
    MessageParser parser = new MessageParser(10_000, 100_000);
    Random random = new Random(20261125L);
    int accepted = 0;
    int rejected = 0;
    for (int i = 0; i < 60_000; i++) {
      StringBuilder sb = new StringBuilder(SEEDS[random.nextInt(SEEDS.length)]);
      int edits = 1 + random.nextInt(3);
      for (int e = 0; e < edits && sb.length() > 0; e++) {
        int at = random.nextInt(sb.length());
        switch (random.nextInt(4)) {
          case 0 -> sb.insert(at, ALPHABET.charAt(random.nextInt(ALPHABET.length())));
          case 1 -> sb.deleteCharAt(at);
          case 2 -> sb.setCharAt(at, ALPHABET.charAt(random.nextInt(ALPHABET.length())));
          default -> sb.setLength(at);
        }
      }
      String text = sb.toString();
      boolean ours = parser.parse(text).errorCode() != ErrorCodes.PARSE_ERROR;
      assertEquals(gsonAccepts(text), ours, () -> "disagreement on: " + text);
      if (ours) {
        accepted++;
      } else {
        rejected++;
      }
    }
    assertTrue(accepted > 1000 && rejected > 1000, accepted + " accepted, " + rejected + " rejected");
  }

  private static Message parsed(String text) {
    return new MessageParser(64, 10).parse(text).messages().get(0);
  }

  @Test
  void slicesReadBackAsTheValuesTheyCover() {
    String text = SEEDS[1];
    Message.Request m = (Message.Request) parsed(text);
    assertEquals("a\u00e9\n", m.method());
    assertEquals("s", m.id().text());
    assertEquals(JsonParser.parseString(text).getAsJsonObject().get("params"), m.params().tree());
  }

  @Test
  void envelopeMembersOfTheWrongTypeMakeAnInvalidRequestWithIdNull() {
    Message.Invalid m = (Message.Invalid) parsed("{\"jsonrpc\":2,\"method\":[1],\"id\":{}}");
    assertEquals(Id.NULL, m.id());
    assertEquals(Id.NULL, ((Message.Invalid) parsed("1")).id());
  }

  @Test
  void invalidRequestKeepsItsValidIdToAnswerWith() {
    assertEquals(Id.ofString("x"), ((Message.Invalid) parsed("{\"jsonrpc\":\"1.0\",\"method\":\"m\",\"id\":\"x\"}")).id());
    assertEquals(Id.ofString("x"), ((Message.Invalid) parsed("{\"jsonrpc\":\"2.0\",\"method\":\"m\",\"params\":1,\"id\":\"x\"}")).id());
    assertEquals(Id.ofString("x"), ((Message.Invalid) parsed("{\"id\":\"x\"}")).id());
  }

  @Test
  void idAloneIsABareResponseForTheDispatcherToMatch() {
    assertEquals(new Message.Bare(Id.ofString("x")), parsed("{\"jsonrpc\":\"2.0\",\"id\":\"x\"}"));
    assertEquals(Message.Invalid.class, parsed("{\"jsonrpc\":\"2.0\",\"id\":1,\"params\":[]}").getClass());
    assertEquals(Message.Invalid.class, parsed("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":5}").getClass());
  }

  @Test
  void responsesKeepResultErrorAndId() {
    Message.Response ok = (Message.Response) parsed("{\"jsonrpc\":\"2.0\",\"result\":[1],\"id\":7}");
    assertEquals("[1]", ok.result().toString());
    assertFalse(ok.isError());
    Message.Response bad = (Message.Response) parsed("{\"error\":{},\"id\":[]}");
    assertTrue(bad.isError());
    assertNull(bad.id());
  }

  @Test
  void nestingBeyondTheLimitIsALimitErrorNotAParseError() {
    String deep = "[".repeat(100_000) + "]".repeat(100_000);
    ParseResult r = new MessageParser(128, 10).parse("{\"params\":" + deep + "}");
    assertEquals(ErrorCodes.LIMIT_EXCEEDED, r.errorCode());
    // The scan stops at the limit, so what follows is never read: malformed or not, it is -32003.
    assertEquals(ErrorCodes.LIMIT_EXCEEDED, new MessageParser(128, 10).parse("[".repeat(100_000)).errorCode());
    // The envelope is level 1: three levels pass a limit of 3, four do not.
    assertTrue(new MessageParser(3, 10).parse("{\"params\":[[1]]}").ok());
    assertFalse(new MessageParser(3, 10).parse("{\"params\":[[[1]]]}").ok());
  }

  @Test
  void batchOverTheLimitIsALimitErrorUnlessItIsNotJson() {
    assertEquals(ErrorCodes.LIMIT_EXCEEDED, new MessageParser(64, 2).parse("[1,2,3]").errorCode());
    assertEquals(ErrorCodes.PARSE_ERROR, new MessageParser(64, 2).parse("[1,2,3,]").errorCode());
  }

  @Test
  void numberIdsKeepTheirLiteralText() {
    for (String id : new String[] {"12345678901234567890", "1.5", "-0", "1E+3", "0.000e-0"}) {
      Message.Invalid m = (Message.Invalid) parsed("{\"id\":" + id + "}");
      assertEquals(Id.Kind.NUMBER, m.id().kind());
      assertEquals(id, m.id().text());
    }
  }

  @Test
  void eventFormIsParsedIntoANotificationOfThatName() {
    Message.Notification m = (Message.Notification)
        parsed("{\"notification\":\"feed\\u0021\",\"params\":{\"notification\":\"inner\"}}");
    assertEquals("feed!", m.method());
    assertEquals("{\"notification\":\"inner\"}", m.params().toString());
    assertTrue(parsed("{\"notification\":\"feed\",\"params\":1}") instanceof Message.Dropped);
    assertTrue(parsed("{\"notification\":[\"x\"]}") instanceof Message.Invalid);
    assertTrue(parsed("{\"notification\":\"x\",\"result\":1}") instanceof Message.Response);
    assertTrue(parsed("{\"notification\":\"x\",\"id\":1}") instanceof Message.Invalid);
  }
}
