package io.litescore.config;

import java.io.Serializable;
import java.util.Map;

/**
 * How a model entry's fields are named in error messages: {@code models[0].uri} in a score config,
 * {@code modelUri} on an {@code ImageClassifier}. Fields are the config's names ({@code uri}, {@code labels},
 * {@code preprocessing.crop}, ...).
 */
public interface KeyNames extends Serializable {
  /** The verb of {@code Cannot <action>: ...}. */
  String action();

  /** The whole entry, e.g. {@code models[0]}. */
  String entry();

  /** The name a user wrote for {@code field}: {@code models[0].uri}, {@code modelUri}. */
  String key(String field);

  /** The same without the entry's prefix: {@code uri}, {@code modelUri}. */
  String name(String field);

  default ConfigError error(String field, Object value, String expected) {
    return ConfigError.of(action(), key(field), value, expected);
  }

  /** Entry {@code index} of a score config's {@code models} list. */
  static KeyNames config(int index) {
    return new Named("score", "models[" + index + "]", "models[" + index + "].", Map.of());
  }

  /** Fields renamed as {@code names} says (others keep their name), under {@code prefix}. */
  record Named(String action, String entry, String prefix, Map<String, String> names) implements KeyNames {
    @Override
    public String key(String field) {
      return prefix + name(field);
    }

    @Override
    public String name(String field) {
      return names.getOrDefault(field, field);
    }
  }
}
