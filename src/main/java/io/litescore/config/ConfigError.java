package io.litescore.config;

/**
 * Bad configuration, found on the driver before any Spark job. The message names the key, the value and what was
 * expected: {@code Cannot score: models[0].batch-size = 0: expected an integer > 0}.
 */
public class ConfigError extends IllegalArgumentException {
  public ConfigError(String message) {
    super(message);
  }

  public ConfigError(String message, Throwable cause) {
    super(message, cause);
  }

  public static ConfigError of(String key, Object value, String expected) {
    return of("score", key, value, expected);
  }

  /** {@code Cannot <action>: <key> = <value>: expected <expected>}, e.g. action {@code classify} for the API. */
  public static ConfigError of(String action, String key, Object value, String expected) {
    return new ConfigError("Cannot " + action + ": " + key + " = " + render(value) + ": expected " + expected);
  }

  private static String render(Object value) {
    if (value == null) {
      return "(missing)";
    }
    return value instanceof String s ? '"' + s + '"' : String.valueOf(value);
  }
}
