package io.tandem.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Reads one section of the configuration tree; every error names the full key path. */
final class ConfigReader {
  private final JsonObject json;
  private final String path;

  ConfigReader(JsonObject json, String path) {
    this.json = json;
    this.path = path;
  }

  ConfigReader section(String key) {
    Object value = json.getValue(key);
    if (!(value instanceof JsonObject section)) {
      throw problem(key, "must be an object");
    }
    return new ConfigReader(section, keyPath(key));
  }

  int intBetween(String key, int min, int max) {
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

  double doubleBetween(String key, double min, double max) {
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
  java.net.URI uri(String key, String value) {
    try {
      return new java.net.URI(value);
    } catch (java.net.URISyntaxException e) {
      throw problem(key, "is not a valid URL: " + value);
    }
  }

  boolean bool(String key) {
    if (!(json.getValue(key) instanceof Boolean value)) {
      throw problem(key, "must be true or false, got " + json.getValue(key));
    }
    return value;
  }

  /** A string that may be empty (meaning "not set"). */
  String string(String key) {
    if (!(json.getValue(key) instanceof String value)) {
      throw problem(key, "must be a string, got " + json.getValue(key));
    }
    return value.trim();
  }

  String nonEmptyString(String key) {
    String value = string(key);
    if (value.isEmpty()) {
      throw problem(key, "must not be empty");
    }
    return value;
  }

  List<String> strings(String key) {
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

  /**
   * WebRTC ICE servers as browsers take them: objects with {@code urls} (a string or a list of
   * {@code stun:}, {@code turn:} or {@code turns:} URLs) and, for TURN, {@code username} and {@code credential}.
   */
  JsonArray iceServers(String key) {
    if (!(json.getValue(key) instanceof JsonArray array)) {
      throw problem(key, "must be a list of ICE servers, got " + json.getValue(key));
    }
    for (Object item : array) {
      if (!(item instanceof JsonObject server)) {
        throw problem(key, "must hold objects like {\"urls\": [\"stun:stun.example.com:3478\"]}, got " + item);
      }
      Object urls = server.getValue("urls");
      List<Object> all = urls instanceof JsonArray list ? list.getList() : java.util.Collections.singletonList(urls);
      if (all.isEmpty() || !all.stream().allMatch(u -> u instanceof String s && s.matches("(stun|turn|turns):.+"))) {
        throw problem(key, "has an entry whose urls are not stun:, turn: or turns: URLs: " + server.encode());
      }
      for (String field : List.of("username", "credential")) {
        if (server.containsKey(field) && !(server.getValue(field) instanceof String)) {
          throw problem(key, "has an entry whose " + field + " is not a string");
        }
      }
    }
    return array.copy();
  }

  /**
   * The topic catalogue: {@code {"career": {"en": "Career", "zh-CN": "职业发展", "price": 2000},
   * "career.interview": {"en": "Job interviews", "zh-CN": "求职面试", "price": {"chat": 1500}}}}: every
   * topic a slug (lowercase dotted words) whose parent is listed too, named in every language of
   * {@link TopicsConfig#LANGUAGES}, priced (optionally) as {@link #modePrices} reads.
   */
  Map<String, TopicsConfig.Entry> catalogue(String key) {
    if (!(json.getValue(key) instanceof JsonObject object)) {
      throw problem(key, "must be an object from topic to {en, zh-CN, price?}, got " + json.getValue(key));
    }
    Map<String, TopicsConfig.Entry> catalogue = new java.util.LinkedHashMap<>();
    for (String topic : object.fieldNames()) {
      if (!io.tandem.kernel.Topic.isValid(topic)) {
        throw problem(key, "must map topics (lowercase dotted words like career.interview, at most 4) to entries; " + topic + " is not a topic");
      }
      int dot = topic.lastIndexOf('.');
      if (dot > 0 && !object.containsKey(topic.substring(0, dot))) {
        throw problem(key, "lists " + topic + " without its parent " + topic.substring(0, dot) + ": list the parent too");
      }
      if (!(object.getValue(topic) instanceof JsonObject entry)) {
        throw problem(key, "must give " + topic + " an object {en, zh-CN, price?}, got " + object.getValue(topic));
      }
      Map<String, String> names = new java.util.LinkedHashMap<>();
      for (String language : TopicsConfig.LANGUAGES) {
        if (!(entry.getValue(language) instanceof String name) || name.isBlank() || name.length() > TopicsConfig.MAX_NAME) {
          throw problem(key, "must name " + topic + " in " + language + " (1 to " + TopicsConfig.MAX_NAME + " characters), got " + entry.getValue(language));
        }
        names.put(language, name.strip());
      }
      Map<String, Long> prices = entry.containsKey("price") ? modePrices(key, topic, entry.getValue("price")) : Map.of();
      catalogue.put(topic, new TopicsConfig.Entry(Map.copyOf(names), prices));
    }
    return java.util.Collections.unmodifiableMap(catalogue);
  }

  /**
   * One topic's price: a number (whole, non-negative minor units) for every mode
   * ({@link TopicsConfig#EVERY_MODE}), or {@code {"chat": 1500, "video": 2500}} per mode.
   */
  Map<String, Long> modePrices(String key, String topic, Object value) {
    if (value instanceof JsonObject byMode) {
      Map<String, Long> modes = new java.util.HashMap<>();
      for (String mode : byMode.fieldNames()) {
        if (!List.of("chat", "video", "in_person").contains(mode)) {
          throw problem(key, "gives " + topic + " a price for " + mode + ", which is not a mode (chat, video, in_person)");
        }
        modes.put(mode, price(key, topic + "." + mode, byMode.getValue(mode)));
      }
      return Map.copyOf(modes);
    }
    return Map.of(TopicsConfig.EVERY_MODE, price(key, topic, value));
  }

  private long price(String key, String what, Object value) {
    if (!(value instanceof Number n) || n.longValue() < 0 || n.doubleValue() != Math.rint(n.doubleValue()) || n.doubleValue() > Integer.MAX_VALUE) {
      throw problem(key, "must price topics in whole, non-negative minor units; " + what + " has " + value);
    }
    return n.longValue();
  }

  /** An ISO 4217 currency code the JVM knows ({@code CNY}, {@code USD}, {@code EUR}). */
  String currency(String key) {
    String code = nonEmptyString(key);
    try {
      java.util.Currency currency = java.util.Currency.getInstance(code);
      if (currency.getDefaultFractionDigits() < 0) {
        throw problem(key, "must be a currency with minor units, got " + code);
      }
      return currency.getCurrencyCode();
    } catch (IllegalArgumentException e) {
      throw problem(key, "must be an ISO 4217 currency code such as CNY, USD or EUR, got " + code);
    }
  }

  /** Administrators: {@code [{"username": "...", "passwordHash": "$argon2id$..."}]}. */
  List<Admin> admins(String key) {
    if (!(json.getValue(key) instanceof JsonArray array)) {
      throw problem(key, "must be a list of {username, passwordHash}, got " + json.getValue(key));
    }
    List<Admin> admins = new ArrayList<>();
    for (Object item : array) {
      if (!(item instanceof JsonObject admin) || !(admin.getValue("username") instanceof String name) || name.isBlank()
          || !(admin.getValue("passwordHash") instanceof String hash) || !hash.startsWith("$argon2id$")) {
        throw problem(key, "must hold objects {\"username\": ..., \"passwordHash\": \"$argon2id$...\"}, got " + item);
      }
      admins.add(new Admin(name.trim(), hash));
    }
    return List.copyOf(admins);
  }

  ConfigException problem(String key, String what) {
    return new ConfigException("configuration key " + keyPath(key) + " " + what);
  }

  private String keyPath(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }
}
