package dev.duplexrpc.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.FieldNamingPolicy;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.TypeAdapter;
import com.google.gson.annotations.SerializedName;
import com.google.gson.reflect.TypeToken;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonWriter;
import dev.duplexrpc.core.CallContext;
import dev.duplexrpc.core.annotation.RpcError;
import dev.duplexrpc.core.annotation.RpcMethod;
import dev.duplexrpc.core.annotation.RpcNotification;
import dev.duplexrpc.core.annotation.RpcParam;
import dev.duplexrpc.core.annotation.RpcService;
import dev.duplexrpc.testing.OpenRpcValidator;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The OpenRPC document made from a method table: valid against the OpenRPC 1.3 meta-schema, and
 * its schemas say what Gson really writes.
 */
class OpenRpcGeneratorTest {

  /** An enum whose second constant has another wire name. */
  public enum Status {
    ACTIVE,
    @SerializedName("on_hold")
    ON_HOLD,
    CLOSED
  }

  /**
   * Money.
   *
   * @param cents amount in cents
   * @param currencyCode ISO 4217 code
   */
  public record Money(long cents, String currencyCode) {}

  /**
   * An account.
   *
   * @param id the id
   * @param ownerName the owner, renamed on the wire
   * @param status the status
   * @param balance the balance
   * @param tags free tags
   * @param limits limits by kind
   * @param version a primitive component, so always written
   */
  public record Account(
      String id,
      @SerializedName("owner_name") String ownerName,
      Status status,
      Money balance,
      List<String> tags,
      Map<String, Money> limits,
      int version) {}

  /**
   * A recursive record.
   *
   * @param label the label
   * @param children the subtrees
   */
  public record TreeNode(String label, List<TreeNode> children) {}

  /** A plain class: static and transient fields are not written; recursive through manager. */
  public static class Person {
    static int created;
    String name;
    transient String password;
    int age;
    Person manager;
  }

  /** A plain class with a superclass: Gson writes the subclass's fields, then the superclass's. */
  public static class Employee extends Person {
    double salary;
  }

  /**
   * A generic record.
   *
   * @param items the page
   * @param total the total count
   * @param <T> the item type
   */
  public record Page<T>(List<T> items, int total) {}

  /**
   * A generic recursive record.
   *
   * @param value the value
   * @param children the subtrees, of the same type argument
   * @param <T> the value type
   */
  public record Node<T>(T value, List<Node<T>> children) {}

  /** Holds a second type named {@code Status}. */
  public static final class Elsewhere {
    private Elsewhere() {}

    /** Same simple name as the other {@code Status}. */
    public enum Status {
      UP
    }
  }

  /** Every shape the generator knows. */
  @RpcService(prefix = "bank.")
  public interface Bank {
    /**
     * Opens an account.
     *
     * @param owner the owner
     * @param status the initial status
     * @param initial an optional deposit
     * @return the account
     */
    @RpcMethod(description = "Opens an account.")
    Account open(
        @RpcParam(description = "The owner's full name.") String owner,
        Status status,
        Optional<Money> initial);

    /**
     * Moves money.
     *
     * @param from source account
     * @param to target account
     * @param cents amount
     * @return the new balance of the source
     */
    @RpcMethod
    @RpcError(code = 1001, message = "Account locked")
    @RpcError(code = 1002, message = "Insufficient funds")
    Money transfer(String from, String to, long cents);

    /**
     * Lists accounts.
     *
     * @param page the page number
     * @param statuses only these, if given
     * @return one page
     */
    @RpcMethod
    Page<Account> list(int page, @RpcParam(optional = true) Set<Status> statuses);

    /**
     * The reporting tree under a person.
     *
     * @param root the person
     * @return the tree, later
     */
    @RpcMethod
    CompletableFuture<TreeNode> tree(Employee root);

    /**
     * Closes an account.
     *
     * @param id the account
     */
    @RpcMethod
    void close(String id);

    /**
     * Untyped values, arrays and enum-keyed maps.
     *
     * @param any any JSON
     * @param numbers ints
     * @param counts counts by status
     * @return the same JSON
     */
    @RpcMethod
    JsonElement raw(JsonElement any, int[] numbers, Map<Status, Integer> counts);

    /**
     * The old way.
     *
     * @param c a character
     * @param d a double
     * @param flag a boxed boolean
     * @return a string
     * @deprecated use {@link #open}
     */
    @Deprecated
    @RpcMethod
    String legacy(char c, double d, Boolean flag);

    /**
     * Records an event.
     *
     * @param event the event
     * @param ctx injected, not a wire param
     */
    @RpcNotification(description = "Records an audit event.")
    void audit(String event, CallContext ctx);
  }

  private static final Gson GSON = new Gson();

  private static JsonObject generate(Gson gson, boolean withDiscover) {
    return OpenRpcGenerator.generate(
        ServiceModel.of(Bank.class).methods(), "Bank", "1.2.3", gson, withDiscover);
  }

  private static JsonObject bank() {
    return generate(GSON, true);
  }

  private static JsonObject method(JsonObject doc, String name) {
    for (JsonElement m : doc.getAsJsonArray("methods")) {
      if (m.getAsJsonObject().get("name").getAsString().equals(name)) {
        return m.getAsJsonObject();
      }
    }
    throw new AssertionError("no method " + name + " in " + doc);
  }

  private static JsonObject param(JsonObject method, String name) {
    for (JsonElement p : method.getAsJsonArray("params")) {
      if (p.getAsJsonObject().get("name").getAsString().equals(name)) {
        return p.getAsJsonObject();
      }
    }
    throw new AssertionError("no param " + name + " in " + method);
  }

  private static JsonObject component(JsonObject doc, String name) {
    JsonObject c = doc.getAsJsonObject("components").getAsJsonObject("schemas").getAsJsonObject(name);
    assertNotNull(c, () -> "no component " + name + " in " + doc.get("components"));
    return c;
  }

  private static JsonElement json(String text) {
    return JsonParser.parseString(text);
  }

  private static List<String> names(JsonElement array) {
    List<String> out = new ArrayList<>();
    for (JsonElement e : array.getAsJsonArray()) {
      out.add(e.getAsString());
    }
    return out;
  }

  private static List<String> propertyNames(JsonObject schema) {
    return new ArrayList<>(schema.getAsJsonObject("properties").keySet());
  }

  private static void assertValid(JsonObject doc, JsonElement schema, Object value) {
    JsonElement tree = GSON.toJsonTree(value);
    List<String> errors = OpenRpcValidator.valueErrors(doc, schema, tree);
    assertTrue(errors.isEmpty(), () -> tree + " against " + schema + ": " + errors);
  }

  private static void assertInvalid(JsonObject doc, JsonElement schema, JsonElement value) {
    assertFalse(OpenRpcValidator.valueErrors(doc, schema, value).isEmpty(),
        () -> value + " should not match " + schema);
  }

  @Test
  void documentValidatesAgainstTheOpenRpcMetaSchema() {
    JsonObject doc = bank();
    List<String> errors = OpenRpcValidator.metaSchemaErrors(doc);
    assertTrue(errors.isEmpty(), () -> errors + "\n" + doc);
  }

  @Test
  void metaSchemaValidationRejectsABrokenDocument() {
    JsonObject broken = bank();
    broken.remove("info");
    method(broken, "bank.close").addProperty("paramStructure", "by-magic");
    // A Schema Object is checked by the JSON Schema meta-schema the OpenRPC one refers to.
    param(method(broken, "bank.close"), "id").add("schema", json("{\"type\":\"text\"}"));
    List<String> errors = OpenRpcValidator.metaSchemaErrors(broken);
    assertTrue(errors.stream().anyMatch(e -> e.contains("info")), errors::toString);
    assertTrue(errors.stream().anyMatch(e -> e.contains("paramStructure")), errors::toString);
    int close = broken.getAsJsonArray("methods").asList().indexOf(method(broken, "bank.close"));
    String typePath = "/methods/" + close + "/params/0/schema/type";
    assertTrue(errors.stream().anyMatch(e -> e.contains(typePath)), errors::toString);
  }

  @Test
  void documentHasVersionInfoAndEveryMethodSortedByNameThenRpcDiscover() {
    JsonObject doc = bank();
    assertEquals("1.3.2", doc.get("openrpc").getAsString());
    assertEquals(json("{\"title\":\"Bank\",\"version\":\"1.2.3\"}"), doc.get("info"));
    List<String> methods = new ArrayList<>();
    for (JsonElement m : doc.getAsJsonArray("methods")) {
      methods.add(m.getAsJsonObject().get("name").getAsString());
    }
    assertEquals(List.of("bank.audit", "bank.close", "bank.legacy", "bank.list", "bank.open",
        "bank.raw", "bank.transfer", "bank.tree", "rpc.discover"), methods);
  }

  @Test
  void rpcDiscoverIsDescribedAsTheSpecificationGivesIt() {
    assertEquals(
        json("{\"name\":\"rpc.discover\","
            + "\"description\":\"Returns an OpenRPC schema as a description of this service\","
            + "\"params\":[],\"result\":{\"name\":\"OpenRPC Schema\",\"schema\":{\"$ref\":"
            + "\"https://raw.githubusercontent.com/open-rpc/meta-schema/master/schema.json\"}}}"),
        method(bank(), "rpc.discover"));
  }

  @Test
  void rpcDiscoverIsLeftOutWhenThePeerDoesNotServeIt() {
    JsonObject doc = generate(GSON, false);
    assertFalse(doc.toString().contains("rpc.discover"));
    assertTrue(OpenRpcValidator.metaSchemaErrors(doc).isEmpty());
  }

  @Test
  void paramsAreContentDescriptorsWithRequiredFlagsDescriptionsAndSchemas() {
    JsonObject open = method(bank(), "bank.open");
    assertEquals("Opens an account.", open.get("description").getAsString());
    assertEquals("either", open.get("paramStructure").getAsString());
    assertEquals(
        json("[{\"name\":\"owner\",\"description\":\"The owner's full name.\",\"required\":true,"
            + "\"schema\":{\"type\":\"string\"}},"
            + "{\"name\":\"status\",\"required\":true,"
            + "\"schema\":{\"$ref\":\"#/components/schemas/Status\"}},"
            + "{\"name\":\"initial\",\"required\":false,"
            + "\"schema\":{\"$ref\":\"#/components/schemas/Money\"}}]"),
        open.get("params"));
    assertEquals(
        json("{\"name\":\"bank.openResult\",\"schema\":{\"$ref\":\"#/components/schemas/Account\"}}"),
        open.get("result"));
  }

  @Test
  void recordSchemaHasGsonPropertyNamesInOrderAndPrimitiveComponentsRequired() {
    JsonObject account = component(bank(), "Account");
    assertEquals("object", account.get("type").getAsString());
    assertEquals(List.of("id", "owner_name", "status", "balance", "tags", "limits", "version"),
        propertyNames(account));
    assertEquals(List.of("version"), names(account.get("required")));
    JsonObject p = account.getAsJsonObject("properties");
    assertEquals(json("{\"type\":\"array\",\"items\":{\"type\":\"string\"}}"), p.get("tags"));
    assertEquals(
        json("{\"type\":\"object\",\"additionalProperties\":{\"$ref\":\"#/components/schemas/Money\"}}"),
        p.get("limits"));
    assertEquals(json("{\"type\":\"integer\",\"minimum\":-2147483648,\"maximum\":2147483647}"),
        p.get("version"));
    JsonObject money = component(bank(), "Money");
    assertEquals(List.of("cents", "currencyCode"), propertyNames(money));
    assertEquals(List.of("cents"), names(money.get("required")));
  }

  @Test
  void enumSchemaListsTheWireNamesHonouringSerializedName() {
    assertEquals(
        json("{\"title\":\"Status\",\"type\":\"string\",\"enum\":[\"ACTIVE\",\"on_hold\",\"CLOSED\"]}"),
        component(bank(), "Status"));
  }

  @Test
  void plainClassSchemaLeavesOutStaticAndTransientFieldsAndIncludesSuperclassFields() {
    JsonObject doc = bank();
    JsonObject person = component(doc, "Person");
    assertEquals(List.of("name", "age", "manager"), propertyNames(person));
    assertEquals(List.of("age"), names(person.get("required")));
    assertEquals(json("{\"$ref\":\"#/components/schemas/Person\"}"),
        person.getAsJsonObject("properties").get("manager"));
    JsonObject employee = component(doc, "Employee");
    assertEquals(List.of("salary", "name", "age", "manager"), propertyNames(employee));
    assertEquals(List.of("salary", "age"), names(employee.get("required")));
    Employee e = new Employee();
    e.name = "Ada";
    e.manager = new Employee();
    assertEquals(propertyNames(employee), new ArrayList<>(GSON.toJsonTree(e).getAsJsonObject().keySet()));
  }

  @Test
  void recursiveRecordRefersToItselfThroughComponents() {
    JsonObject doc = bank();
    assertEquals(
        json("{\"type\":\"array\",\"items\":{\"$ref\":\"#/components/schemas/TreeNode\"}}"),
        component(doc, "TreeNode").getAsJsonObject("properties").get("children"));
    assertEquals(json("{\"$ref\":\"#/components/schemas/TreeNode\"}"),
        method(doc, "bank.tree").getAsJsonObject("result").get("schema"));
  }

  @Test
  void genericRecordIsNamedAfterItsTypeArgumentsWithTheArgumentsResolved() {
    JsonObject doc = bank();
    JsonObject list = method(doc, "bank.list");
    assertEquals(json("{\"$ref\":\"#/components/schemas/Page_Account\"}"),
        list.getAsJsonObject("result").get("schema"));
    assertEquals(
        json("{\"type\":\"array\",\"items\":{\"$ref\":\"#/components/schemas/Account\"}}"),
        component(doc, "Page_Account").getAsJsonObject("properties").get("items"));
    JsonObject statuses = param(list, "statuses");
    assertFalse(statuses.get("required").getAsBoolean());
    assertEquals(
        json("{\"type\":\"array\",\"items\":{\"$ref\":\"#/components/schemas/Status\"},"
            + "\"uniqueItems\":true}"),
        statuses.get("schema"));
  }

  @Test
  void voidRequestHasANullResultAndNotificationHasNoResultNorContextParam() {
    JsonObject doc = bank();
    assertEquals(json("{\"name\":\"bank.closeResult\",\"schema\":{\"type\":\"null\"}}"),
        method(doc, "bank.close").get("result"));
    JsonObject audit = method(doc, "bank.audit");
    assertFalse(audit.has("result"));
    assertEquals("Records an audit event.", audit.get("description").getAsString());
    assertEquals(
        json("[{\"name\":\"event\",\"required\":true,\"schema\":{\"type\":\"string\"}}]"),
        audit.get("params"));
  }

  @Test
  void declaredErrorsAndDeprecationAreListed() {
    JsonObject doc = bank();
    assertEquals(
        json("[{\"code\":1001,\"message\":\"Account locked\"},"
            + "{\"code\":1002,\"message\":\"Insufficient funds\"}]"),
        method(doc, "bank.transfer").get("errors"));
    assertFalse(method(doc, "bank.transfer").has("deprecated"));
    JsonObject legacy = method(doc, "bank.legacy");
    assertTrue(legacy.get("deprecated").getAsBoolean());
    assertEquals(json("{\"type\":\"string\",\"minLength\":1,\"maxLength\":1}"),
        param(legacy, "c").get("schema"));
    assertEquals(json("{\"type\":\"number\"}"), param(legacy, "d").get("schema"));
    assertEquals(json("{\"type\":\"boolean\"}"), param(legacy, "flag").get("schema"));
  }

  @Test
  void jsonElementIsAnyArrayHasItemsAndEnumKeyedMapNamesItsKeysAsGsonWritesThem() {
    JsonObject raw = method(bank(), "bank.raw");
    assertEquals(json("{}"), param(raw, "any").get("schema"));
    assertEquals(json("{}"), raw.getAsJsonObject("result").get("schema"));
    assertEquals(
        json("{\"type\":\"array\",\"items\":{\"type\":\"integer\","
            + "\"minimum\":-2147483648,\"maximum\":2147483647}}"),
        param(raw, "numbers").get("schema"));
    assertEquals(
        json("{\"type\":\"object\",\"propertyNames\":{\"enum\":[\"ACTIVE\",\"ON_HOLD\",\"CLOSED\"]},"
            + "\"additionalProperties\":{\"type\":\"integer\","
            + "\"minimum\":-2147483648,\"maximum\":2147483647}}"),
        param(raw, "counts").get("schema"));
  }

  @Test
  void everyLocalRefResolvesInsideTheDocument() {
    JsonObject doc = bank();
    List<String> refs = new ArrayList<>();
    collectRefs(doc, refs);
    assertTrue(refs.size() > 10, refs::toString);
    for (String ref : refs) {
      if (ref.equals(OpenRpcGenerator.META_SCHEMA_URL)) {
        continue;
      }
      assertTrue(ref.startsWith("#/components/schemas/"), ref);
      assertNotNull(resolve(doc, ref), () -> ref + " does not resolve");
    }
  }

  private static void collectRefs(JsonElement e, List<String> out) {
    if (e.isJsonObject()) {
      for (Map.Entry<String, JsonElement> m : e.getAsJsonObject().entrySet()) {
        if (m.getKey().equals("$ref")) {
          out.add(m.getValue().getAsString());
        } else {
          collectRefs(m.getValue(), out);
        }
      }
    } else if (e.isJsonArray()) {
      for (JsonElement item : e.getAsJsonArray()) {
        collectRefs(item, out);
      }
    }
  }

  private static JsonElement resolve(JsonObject doc, String ref) {
    JsonElement at = doc;
    for (String part : ref.substring(2).split("/")) {
      if (!at.isJsonObject()) {
        return null;
      }
      at = at.getAsJsonObject().get(part.replace("~1", "/").replace("~0", "~"));
      if (at == null) {
        return null;
      }
    }
    return at;
  }

  @Test
  void valuesGsonWritesMatchTheGeneratedSchemas() {
    JsonObject doc = bank();
    Account account = new Account("a1", "Ada", Status.ON_HOLD, new Money(1250, "EUR"),
        List.of("vip"), Map.of("daily", new Money(100_000, "EUR")), 3);
    assertValid(doc, method(doc, "bank.open").getAsJsonObject("result").get("schema"), account);
    assertValid(doc, method(doc, "bank.list").getAsJsonObject("result").get("schema"),
        new Page<>(List.of(account, account), 2));
    assertValid(doc, param(method(doc, "bank.list"), "statuses").get("schema"),
        EnumSet.of(Status.ON_HOLD, Status.CLOSED));
    TreeNode tree = new TreeNode("ceo", List.of(new TreeNode("cto", List.of(new TreeNode("dev", List.of())))));
    assertValid(doc, method(doc, "bank.tree").getAsJsonObject("result").get("schema"), tree);
    Employee boss = new Employee();
    boss.name = "Grace";
    boss.password = "secret";
    Employee e = new Employee();
    e.name = "Ada";
    e.age = 36;
    e.salary = 1.5;
    e.manager = boss;
    assertValid(doc, param(method(doc, "bank.tree"), "root").get("schema"), e);
    assertValid(doc, param(method(doc, "bank.raw"), "counts").get("schema"),
        Map.of(Status.ACTIVE, 2, Status.ON_HOLD, 1));
  }

  @Test
  void valuesOfTheWrongShapeFailTheGeneratedSchemas() {
    JsonObject doc = bank();
    JsonElement accountSchema = method(doc, "bank.open").getAsJsonObject("result").get("schema");
    assertInvalid(doc, accountSchema, json("{\"id\":\"a1\",\"status\":\"ON_HOLD\",\"version\":1}"));
    assertInvalid(doc, accountSchema, json("{\"id\":\"a1\",\"version\":\"one\"}"));
    assertInvalid(doc, accountSchema, json("{\"id\":\"a1\"}")); // version is required
    assertInvalid(doc, method(doc, "bank.tree").getAsJsonObject("result").get("schema"),
        json("{\"label\":\"x\",\"children\":[{\"label\":7}]}"));
    assertInvalid(doc, param(method(doc, "bank.raw"), "counts").get("schema"),
        json("{\"PAUSED\":1}"));
  }

  @Test
  void gsonFieldNamingPolicyRenamesPropertiesButNotSerializedNames() {
    Gson gson = new GsonBuilder()
        .setFieldNamingPolicy(FieldNamingPolicy.LOWER_CASE_WITH_UNDERSCORES)
        .create();
    JsonObject doc = generate(gson, true);
    assertEquals(List.of("cents", "currency_code"), propertyNames(component(doc, "Money")));
    assertEquals(List.of("id", "owner_name", "status", "balance", "tags", "limits", "version"),
        propertyNames(component(doc, "Account")));
    assertEquals(propertyNames(component(doc, "Money")),
        new ArrayList<>(gson.toJsonTree(new Money(1, "EUR")).getAsJsonObject().keySet()));
  }

  /** Writes money as one string, {@code "1250 EUR"}. */
  private static final TypeAdapter<Money> MONEY_AS_STRING = new TypeAdapter<>() {
    @Override
    public void write(JsonWriter out, Money value) throws IOException {
      out.value(value.cents() + " " + value.currencyCode());
    }

    @Override
    public Money read(JsonReader in) throws IOException {
      String[] parts = in.nextString().split(" ");
      return new Money(Long.parseLong(parts[0]), parts[1]);
    }
  };

  @Test
  void typeWithACustomGsonAdapterIsDescribedAsAnyValue() {
    Gson gson = new GsonBuilder().registerTypeAdapter(Money.class, MONEY_AS_STRING).create();
    JsonObject doc = generate(gson, true);
    assertEquals(json("{}"), param(method(doc, "bank.open"), "initial").get("schema"));
    assertEquals(json("{}"), component(doc, "Account").getAsJsonObject("properties").get("balance"));
    assertFalse(doc.getAsJsonObject("components").getAsJsonObject("schemas").has("Money"));
    assertTrue(OpenRpcValidator.metaSchemaErrors(doc).isEmpty());
  }

  @Test
  void listOfATypeWithACustomAdapterIsStillAnArray() {
    Gson gson = new GsonBuilder().registerTypeAdapter(Money.class, MONEY_AS_STRING).create();
    JsonSchemas schemas = new JsonSchemas(gson);
    assertEquals(json("{\"type\":\"array\",\"items\":{}}"),
        schemas.schema(new TypeToken<List<Money>>() {}.getType()));
  }

  @Test
  void genericRecursiveRecordRefersToItsOwnParameterization() {
    JsonSchemas schemas = new JsonSchemas(GSON);
    assertEquals(json("{\"$ref\":\"#/components/schemas/Node_String\"}"),
        schemas.schema(new TypeToken<Node<String>>() {}.getType()));
    assertEquals(
        json("{\"Node_String\":{\"title\":\"Node_String\",\"type\":\"object\",\"properties\":{"
            + "\"value\":{\"type\":\"string\"},"
            + "\"children\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/components/schemas/Node_String\"}}"
            + "}}}"),
        schemas.components());
  }

  @Test
  void typesWithTheSameSimpleNameGetDistinctComponentNames() {
    JsonSchemas schemas = new JsonSchemas(GSON);
    JsonObject first = schemas.schema(Status.class);
    JsonObject second = schemas.schema(Elsewhere.Status.class);
    assertEquals(json("{\"$ref\":\"#/components/schemas/Status\"}"), first);
    assertEquals(
        json("{\"$ref\":\"#/components/schemas/OpenRpcGeneratorTest.Elsewhere.Status\"}"), second);
    assertEquals(json("[\"UP\"]"),
        schemas.components().getAsJsonObject("OpenRpcGeneratorTest.Elsewhere.Status").get("enum"));
    assertEquals(first, schemas.schema(Status.class)); // the same type keeps its name
  }

  @Test
  void jdkValueTypesHaveStringFormsAndUnknownOnesAreAnyValue() {
    TypeAdapter<Instant> isoInstant = new TypeAdapter<>() {
      @Override
      public void write(JsonWriter out, Instant value) throws IOException {
        out.value(value.toString());
      }

      @Override
      public Instant read(JsonReader in) throws IOException {
        return Instant.parse(in.nextString());
      }
    };
    JsonSchemas schemas =
        new JsonSchemas(new GsonBuilder().registerTypeAdapter(Instant.class, isoInstant).create());
    assertEquals(json("{\"type\":\"string\"}"), schemas.schema(UUID.class));
    assertEquals(json("{\"type\":\"string\",\"format\":\"uri-reference\"}"), schemas.schema(URI.class));
    assertEquals(json("{\"type\":\"integer\"}"), schemas.schema(BigInteger.class));
    assertEquals(json("{}"), schemas.schema(Instant.class));
    assertEquals(json("{\"type\":\"array\",\"items\":{}}"),
        schemas.schema(new TypeToken<List<Instant>>() {}.getType()));
    assertEquals(json("{}"), schemas.schema(CharSequence.class));
    assertEquals(new JsonObject(), schemas.components());
  }

  @Test
  void checkedMethodObjectsAreCopiedOnceAndTakenAsTheyAreWhenCheckedAgain() {
    JsonObject echo = json("{\"name\":\"echo\",\"params\":[]}").getAsJsonObject();
    List<JsonObject> checked = OpenRpcGenerator.checkDescribed(List.of(echo));
    assertEquals(List.of(echo), checked);
    assertNotSame(echo, checked.get(0));
    assertSame(checked, OpenRpcGenerator.checkDescribed(checked));
    assertThrows(UnsupportedOperationException.class, () -> checked.add(echo));
  }
}
