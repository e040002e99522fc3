package dev.vlt.models;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Objects;
import java.util.Set;

/**
 * Strict reading of one JSON config object: every key must be consumed, so a typo or a field vlt does not implement is an
 * error naming the field instead of a silently different model.
 */
public final class ConfigReader {
  private final JsonNode node;
  private final String path;
  private final Set<String> seen = new HashSet<>();

  public ConfigReader(JsonNode node, String path) {
    if (node != null && !node.isNull() && !node.isObject()) throw error(path, "must be a JSON object");
    this.node = node == null ? NullNode.getInstance() : node;
    this.path = path;
  }

  private JsonNode take(String key) {
    seen.add(key);
    JsonNode v = node.get(key);
    return v == null || v.isNull() ? null : v;
  }

  public boolean has(String key) {
    JsonNode v = node.get(key);
    return v != null && !v.isNull();
  }

  public int getInt(String key, int def) {
    JsonNode v = take(key);
    if (v == null) return def;
    if (!v.canConvertToInt() || !v.isIntegralNumber() && v.asDouble() != Math.rint(v.asDouble())) {
      throw error(path + "." + key, "must be an integer, got " + v);
    }
    return v.asInt();
  }

  public int requireInt(String key) {
    if (!has(key)) throw error(path + "." + key, "is required");
    return getInt(key, 0);
  }

  public double getDouble(String key, double def) {
    JsonNode v = take(key);
    if (v == null) return def;
    if (!v.isNumber()) throw error(path + "." + key, "must be a number, got " + v);
    return v.asDouble();
  }

  public boolean getBool(String key, boolean def) {
    JsonNode v = take(key);
    if (v == null) return def;
    if (!v.isBoolean()) throw error(path + "." + key, "must be true or false, got " + v);
    return v.asBoolean();
  }

  public String getString(String key, String def) {
    JsonNode v = take(key);
    if (v == null) return def;
    if (!v.isTextual()) throw error(path + "." + key, "must be a string, got " + v);
    return v.asText();
  }

  public JsonNode getNode(String key) {
    return take(key);
  }

  public ConfigReader child(String key) {
    return new ConfigReader(take(key), path + "." + key);
  }

  /** A field open_clip has but vlt does not implement: accepted only at its default (absent, null, or {@code def}). */
  public void unsupported(String key, Object def) {
    JsonNode v = take(key);
    if (v == null) return;
    Object value = v.isBoolean() ? (Object) v.asBoolean() : v.isNumber() ? (Object) v.asDouble() : v.isTextual() ? v.asText() : v.toString();
    Object d = def instanceof Number n ? (Object) n.doubleValue() : def;
    if (!Objects.equals(value, d)) throw error(path + "." + key, "= " + v + " is not supported by vlt");
  }

  /** Fails on any key not read. */
  public void finish() {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!seen.contains(k)) throw error(path + "." + k, "is not a known field");
    }
  }

  public static IllegalArgumentException error(String field, String problem) {
    return new IllegalArgumentException("config field " + field + " " + problem);
  }
}
