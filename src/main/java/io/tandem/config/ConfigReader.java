package io.tandem.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** Reads one section of the configuration tree; every error names the full key path. */
public final class ConfigReader {
  private final JsonObject json;
  private final String path;

  /** The root of a configuration tree ({@code path} empty) or the section at {@code path}. */
  public ConfigReader(JsonObject json, String path) {
    this.json = json;
    this.path = path;
  }

  public ConfigReader section(String key) {
    Object value = json.getValue(key);
    if (!(value instanceof JsonObject section)) {
      throw problem(key, "must be an object");
    }
    return new ConfigReader(section, keyPath(key));
  }

  public int intBetween(String key, int min, int max) {
    Object value = json.getValue(key);
    if (!(value instanceof Number number) || number.doubleValue() != Math.rint(number.doubleValue())) {
      throw problem(key, "must be a whole number, got " + value);
    }
    long n = number.longValue();
    if (n < min || n > max) {
      throw problem(key, "must be between " + min + " and " + max + ", got " + n);
    }
    return (int) n;
  }

  public double doubleBetween(String key, double min, double max) {
    Object value = json.getValue(key);
    if (!(value instanceof Number number) || !Double.isFinite(number.doubleValue())) {
      throw problem(key, "must be a number, got " + value);
    }
    double n = number.doubleValue();
    if (n < min || n > max) {
      throw problem(key, "must be between " + min + " and " + max + ", got " + n);
    }
    return n;
  }

  /** {@code value}, read from {@code key}, as a URL. */
  public java.net.URI uri(String key, String value) {
    try {
      return new java.net.URI(value);
    } catch (java.net.URISyntaxException e) {
      throw problem(key, "is not a valid URL: " + value);
    }
  }

  public boolean bool(String key) {
    if (!(json.getValue(key) instanceof Boolean value)) {
      throw problem(key, "must be true or false, got " + json.getValue(key));
    }
    return value;
  }

  /** A string that may be empty (meaning "not set"). */
  public String string(String key) {
    if (!(json.getValue(key) instanceof String value)) {
      throw problem(key, "must be a string, got " + json.getValue(key));
    }
    return value.trim();
  }

  public String nonEmptyString(String key) {
    String value = string(key);
    if (value.isEmpty()) {
      throw problem(key, "must not be empty");
    }
    return value;
  }

  public List<String> strings(String key) {
    if (!(json.getValue(key) instanceof JsonArray array)) {
      throw problem(key, "must be a list of strings, got " + json.getValue(key));
    }
    List<String> values = new ArrayList<>();
    for (Object item : array) {
      if (!(item instanceof String s) || s.isBlank()) {
        throw problem(key, "must be a list of non-empty strings, got " + array.encode());
      }
      values.add(s.trim());
    }
    return List.copyOf(values);
  }

  /** The raw value at {@code key} (null when absent), for a feature that reads a shape of its own. */
  public Object value(String key) {
    return json.getValue(key);
  }

  public ConfigException problem(String key, String what) {
    return new ConfigException("configuration key " + keyPath(key) + " " + what);
  }

  private String keyPath(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }
}
