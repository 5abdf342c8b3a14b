package io.litescore.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;

/** Job configs of the storage tests: the colour dataset under {@code <data>/colours}, models under {@code <models>}. */
final class JobConf {
  private JobConf() {}

  /** channel_mean.pt as model {@code colours}, on 8x8 crops. */
  static String colours(String models) {
    return "{ name = colours, uri = \"" + models + "/channel_mean.pt\", labels = \"" + models
        + "/channel_mean.labels\", batch-size = 4, preprocessing { resize = 8, crop = 8 } }";
  }

  /** A squeezenet1_1 variant written by {@code ColourDataset.squeezenets}, on 224x224 crops. */
  static String squeezenet(String models, String name) {
    return "{ name = " + name + ", uri = \"" + models + "/" + name + ".pt\", labels = \"" + models
        + "/squeezenet.labels\", batch-size = 8 }";
  }

  static String text(String runId, String output, String data, int partitions, String models,
      Map<String, String> sparkConf) {
    String spark = sparkConf.entrySet().stream()
        .map(e -> "  \"" + e.getKey() + "\" = \"" + e.getValue() + "\"")
        .collect(Collectors.joining("\n"));
    return "run { id = \"" + runId + "\", output = \"" + output + "\" }\n"
        + "dataset { path = \"" + data + "/colours\", partitions = " + partitions + " }\n"
        + "models = [ " + models + " ]\n"
        + "spark-conf {\n" + spark + "\n}\n";
  }

  static Path write(Path file, String text) {
    try {
      Files.createDirectories(file.getParent());
      return Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
