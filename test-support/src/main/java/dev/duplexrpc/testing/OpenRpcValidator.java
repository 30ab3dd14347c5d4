package dev.duplexrpc.testing;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialect;
import com.networknt.schema.dialect.Dialects;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Validates OpenRPC documents against the real OpenRPC meta-schema, and JSON values against the
 * schemas inside a document, offline: the meta-schemas are test resources (see {@code
 * openrpc/README.md}) and remote fetching is off, so a missing mapping fails instead of going to
 * the network. Test code only; the library never validates.
 */
public final class OpenRpcValidator {
  private static final String OPENRPC_ID = "https://meta.open-rpc.org/";
  private static final String JSON_SCHEMA_TOOLS_ID = "https://meta.json-schema.tools/";
  private static final String DRAFT_07 = "http://json-schema.org/draft-07/schema#";

  private static final SchemaRegistry REGISTRY = registry();
  private static final Schema META_SCHEMA = metaSchema();
  private static final AtomicInteger VALUE_SCHEMAS = new AtomicInteger();

  private OpenRpcValidator() {}

  private static SchemaRegistry registry() {
    // The OpenRPC meta-schema's $schema is json-schema.tools' meta-schema, a draft-07 one.
    Dialect jsonSchemaTools = Dialect.builder(JSON_SCHEMA_TOOLS_ID, Dialects.getDraft7()).build();
    String tools = "classpath:openrpc/json-schema-tools-meta-schema.json";
    return SchemaRegistry.withDialects(
        List.of(Dialects.getDraft7(), jsonSchemaTools),
        b -> b.defaultDialectId(Dialects.getDraft7().getId())
            .schemaLoader(l -> l.fetchRemoteResources(false))
            .schemaIdResolvers(r -> r.mappings(Map.of(
                OPENRPC_ID, "classpath:openrpc/openrpc-meta-schema.json",
                JSON_SCHEMA_TOOLS_ID, tools,
                "https://meta.json-schema.tools", tools))));
  }

  private static Schema metaSchema() {
    Schema s = REGISTRY.getSchema(SchemaLocation.of(OPENRPC_ID));
    s.initializeValidators(); // resolve every $ref now: a missing one fails here, not silently
    return s;
  }

  /** The meta-schema violations of {@code document}; empty if it is a valid OpenRPC document. */
  public static List<String> metaSchemaErrors(JsonElement document) {
    return messages(META_SCHEMA.validate(document.toString(), InputFormat.JSON));
  }

  /**
   * The violations of {@code value} against {@code schema}, a schema from {@code document} whose
   * {@code $ref}s point into the document's {@code components}.
   */
  public static List<String> valueErrors(JsonObject document, JsonElement schema, JsonElement value) {
    JsonObject wrapper = new JsonObject();
    wrapper.addProperty("$schema", DRAFT_07);
    JsonObject components = document.getAsJsonObject("components");
    if (components != null) {
      wrapper.add("components", components);
    }
    com.google.gson.JsonArray allOf = new com.google.gson.JsonArray();
    allOf.add(schema);
    wrapper.add("allOf", allOf);
    Schema s = REGISTRY.getSchema(
        SchemaLocation.of("urn:duplexrpc:test:value-" + VALUE_SCHEMAS.incrementAndGet()),
        wrapper.toString(), InputFormat.JSON);
    s.initializeValidators();
    return messages(s.validate(value.toString(), InputFormat.JSON));
  }

  private static List<String> messages(List<Error> errors) {
    return errors.stream().map(Error::toString).toList();
  }
}
