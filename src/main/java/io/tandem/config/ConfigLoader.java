package io.tandem.config;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads the configuration tree once at start-up; each feature's record reads its own section of it
 * (the composition root's {@code TandemConfig} puts them together).
 *
 * <p>Defaults come from {@code conf/tandem.json} in the working directory, or from the copy of that
 * file on the classpath when there is none. Every key of the defaults can then be overridden, the
 * system property winning over the environment variable:
 * <ul>
 *   <li>system property {@code tandem.<key path>}, e.g. {@code -Dtandem.matching.offerTimeoutSeconds=5};</li>
 *   <li>environment variable {@code TANDEM_} + the key path in upper case with dots and camel-case
 *       humps turned into {@code _}, e.g. {@code TANDEM_MATCHING_OFFER_TIMEOUT_SECONDS=5}.</li>
 * </ul>
 * An override is read as the type of the default it replaces; lists are comma-separated (or a JSON
 * array), objects are JSON. A value that does not parse stops start-up with a message naming the key.
 */
public final class ConfigLoader {
  private static final Logger log = LoggerFactory.getLogger(ConfigLoader.class);
  private static final String PROPERTY_PREFIX = "tandem.";
  private static final String ENV_PREFIX = "TANDEM_";
  private static final Path WORKING_DIR_FILE = Path.of("conf", "tandem.json");
  private static final String CLASSPATH_FILE = "tandem.json";
  private static final Pattern CAMEL_HUMP = Pattern.compile("([a-z0-9])([A-Z])");

  private ConfigLoader() {}

  /** The configuration tree of this process: defaults, then the environment, then system properties. */
  public static ConfigReader load() {
    return load(readDefaults(), System.getenv(), System.getProperties());
  }

  /**
   * The tree with its overrides applied, to be read section by section by the features' records;
   * an override that does not parse is refused here with a {@link ConfigException}.
   */
  public static ConfigReader load(JsonObject defaults, Map<String, String> env, Properties properties) {
    return new ConfigReader(applyOverrides(defaults, env, properties), "");
  }

  /** The defaults file as JSON: {@code conf/tandem.json} if present in the working directory, else the classpath copy. */
  public static JsonObject readDefaults() {
    try {
      if (Files.isRegularFile(WORKING_DIR_FILE)) {
        return parse(Files.readString(WORKING_DIR_FILE, StandardCharsets.UTF_8), WORKING_DIR_FILE.toString());
      }
      try (InputStream in = ConfigLoader.class.getClassLoader().getResourceAsStream(CLASSPATH_FILE)) {
        if (in == null) {
          throw new ConfigException("no configuration: neither " + WORKING_DIR_FILE + " nor " + CLASSPATH_FILE + " on the classpath");
        }
        return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "classpath:" + CLASSPATH_FILE);
      }
    } catch (IOException e) {
      throw new ConfigException("cannot read the configuration file: " + e.getMessage());
    }
  }

  /** {@code matching.offerTimeoutSeconds} becomes {@code TANDEM_MATCHING_OFFER_TIMEOUT_SECONDS}. */
  public static String environmentName(String keyPath) {
    return ENV_PREFIX + CAMEL_HUMP.matcher(keyPath).replaceAll("$1_$2").replace('.', '_').toUpperCase(Locale.ROOT);
  }

  static JsonObject applyOverrides(JsonObject defaults, Map<String, String> env, Properties properties) {
    JsonObject result = defaults.copy();
    Set<String> knownKeys = new HashSet<>();
    override(result, "", env, properties, knownKeys);
    warnAboutUnknownOverrides(env, properties, knownKeys);
    return result;
  }

  private static void override(JsonObject node, String prefix, Map<String, String> env, Properties properties, Set<String> knownKeys) {
    for (String key : new ArrayList<>(node.fieldNames())) {
      String path = prefix.isEmpty() ? key : prefix + "." + key;
      knownKeys.add(path);
      Object current = node.getValue(key);
      Override found = find(path, env, properties);
      if (found != null) {
        node.put(key, coerce(path, current, found));
      } else if (current instanceof JsonObject child) {
        override(child, path, env, properties, knownKeys);
      }
    }
  }

  private record Override(String value, String source) {}

  private static Override find(String path, Map<String, String> env, Properties properties) {
    String property = properties.getProperty(PROPERTY_PREFIX + path);
    if (property != null) {
      return new Override(property, "system property " + PROPERTY_PREFIX + path);
    }
    String name = environmentName(path);
    String fromEnv = env.get(name);
    return fromEnv == null ? null : new Override(fromEnv, "environment variable " + name);
  }

  private static Object coerce(String path, Object current, Override override) {
    String raw = override.value().trim();
    try {
      if (current instanceof Boolean) {
        if (raw.equalsIgnoreCase("true") || raw.equalsIgnoreCase("false")) {
          return Boolean.parseBoolean(raw);
        }
        throw invalid(path, override, "is not true or false");
      }
      if (current instanceof Integer || current instanceof Long) {
        long value = Long.parseLong(raw);
        if (current instanceof Integer && (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE)) {
          throw invalid(path, override, "is out of range");
        }
        return value;
      }
      if (current instanceof Number) {
        return Double.parseDouble(raw);
      }
      if (current instanceof JsonArray) {
        return raw.startsWith("[") ? new JsonArray(raw) : commaSeparated(raw);
      }
      if (current instanceof JsonObject) {
        return new JsonObject(raw);
      }
      return override.value();
    } catch (NumberFormatException e) {
      throw invalid(path, override, "is not a number");
    } catch (DecodeException | ClassCastException e) {
      throw invalid(path, override, "is not valid JSON of the expected shape");
    }
  }

  private static JsonArray commaSeparated(String raw) {
    JsonArray items = new JsonArray();
    for (String item : raw.split(",")) {
      if (!item.isBlank()) {
        items.add(item.trim());
      }
    }
    return items;
  }

  private static ConfigException invalid(String path, Override override, String problem) {
    return new ConfigException("configuration key " + path + ": '" + override.value() + "' from " + override.source() + " " + problem);
  }

  /** A misspelt override is silently ignored otherwise; say so, loudly, at start-up. */
  private static void warnAboutUnknownOverrides(Map<String, String> env, Properties properties, Set<String> knownKeys) {
    Set<String> knownEnv = new HashSet<>();
    knownKeys.forEach(k -> knownEnv.add(environmentName(k)));
    env.keySet().stream()
        .filter(name -> name.startsWith(ENV_PREFIX) && !knownEnv.contains(name))
        .forEach(name -> log.warn("environment variable {} names no configuration key; it is ignored{}", name, meant(name, knownEnv)));
    properties.stringPropertyNames().stream()
        .filter(name -> name.startsWith(PROPERTY_PREFIX) && !knownKeys.contains(name.substring(PROPERTY_PREFIX.length())))
        .forEach(name -> log.warn("system property {} names no configuration key; it is ignored{}", name,
            meant(name, knownKeys.stream().map(k -> PROPERTY_PREFIX + k).collect(java.util.stream.Collectors.toSet()))));
  }

  /**
   * "; did you mean X?" for the known name closest to a misspelt one: the same letters with the word
   * breaks elsewhere (TANDEM_HTTP_ALLOWEDORIGINS for TANDEM_HTTP_ALLOWED_ORIGINS), or at most two
   * letters apart; nothing when none is that close.
   */
  static String meant(String name, Set<String> known) {
    String bare = name.replace("_", "").replace(".", "").toLowerCase(java.util.Locale.ROOT);
    String best = null;
    int bestDistance = 3;
    for (String candidate : known) {
      int distance = distance(bare, candidate.replace("_", "").replace(".", "").toLowerCase(java.util.Locale.ROOT));
      if (distance < bestDistance || (distance == bestDistance && best != null && candidate.compareTo(best) < 0)) {
        best = candidate;
        bestDistance = distance;
      }
    }
    return best == null ? "" : "; did you mean " + best + "?";
  }

  /** Levenshtein distance: the fewest single-letter insertions, deletions and changes from one to the other. */
  private static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }

  private static JsonObject parse(String text, String source) {
    try {
      return new JsonObject(text);
    } catch (DecodeException e) {
      throw new ConfigException("configuration file " + source + " is not valid JSON: " + e.getMessage());
    }
  }
}
