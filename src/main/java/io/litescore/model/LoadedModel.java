package io.litescore.model;

import io.litescore.config.ModelSpec;
import io.litescore.image.Preprocessing;
import io.litescore.runtime.ModelSource;
import java.util.List;
import java.util.Map;

/**
 * A model as read on the driver: its bytes (read once, hashed), how executors build it, its class names in output
 * order with their indices, and the preprocessing its inputs need (the entry's own settings over the model's).
 *
 * @param params parameters counted from the weights file (zoo models), else null: the loaded network tells
 */
public record LoadedModel(ModelSpec spec, ModelSource source, Preprocessing preprocessing, String sha256,
    byte[] bytes, List<String> labels, Map<String, Integer> labelIndex, Long params) {

  public String name() {
    return spec.name();
  }

  public long sizeBytes() {
    return bytes.length;
  }
}
