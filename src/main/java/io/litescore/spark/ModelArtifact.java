package io.litescore.spark;

import io.litescore.config.ConfigError;
import io.litescore.config.ScoreConfig;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * A model as the executors see it: read once on the driver, hashed, and broadcast; its class names and their
 * indices travel with it.
 */
record ModelArtifact(ScoreConfig.Model spec, String sha256, long sizeBytes, Broadcast<byte[]> bytes,
    List<String> labels, Map<String, Integer> labelIndex) implements Serializable {

  static ModelArtifact load(ScoreConfig.Model spec, Configuration conf, JavaSparkContext jsc) {
    byte[] bytes;
    try {
      bytes = HadoopFiles.readAll(spec.uri(), -1, conf);
    } catch (FileNotFoundException e) {
      throw ConfigError.of(spec.key() + ".uri", spec.uri(), "an existing TorchScript file (not found)");
    } catch (IOException e) {
      throw ConfigError.of(spec.key() + ".uri", spec.uri(), "a readable TorchScript file (" + e.getMessage() + ")");
    }
    if (bytes.length == 0) {
      throw ConfigError.of(spec.key() + ".uri", spec.uri(), "a TorchScript file (the file is empty)");
    }
    String sha = HadoopFiles.sha256(bytes);
    if (spec.sha256() != null && !spec.sha256().equals(sha)) {
      throw ConfigError.of(spec.key() + ".sha256", spec.sha256(), "the sha256 of " + spec.uri() + ", which is " + sha);
    }
    List<String> labels = readLabels(spec, conf);
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < labels.size(); i++) {
      Integer previous = index.put(labels.get(i), i);
      if (previous != null) {
        throw ConfigError.of(spec.key() + ".labels", spec.labels(), "one distinct class name per line, but '"
            + labels.get(i) + "' is on lines " + (previous + 1) + " and " + (i + 1));
      }
    }
    return new ModelArtifact(spec, sha, bytes.length, jsc.broadcast(bytes), List.copyOf(labels), index);
  }

  private static List<String> readLabels(ScoreConfig.Model spec, Configuration conf) {
    List<String> lines;
    try {
      lines = HadoopFiles.readLines(spec.labels(), conf);
    } catch (FileNotFoundException e) {
      throw ConfigError.of(spec.key() + ".labels", spec.labels(), "an existing labels file (not found)");
    } catch (IOException e) {
      throw ConfigError.of(spec.key() + ".labels", spec.labels(), "a readable labels file (" + e.getMessage() + ")");
    }
    List<String> labels = new ArrayList<>();
    for (String line : lines) {
      String t = line.strip();
      if (!t.isEmpty()) {
        labels.add(t);
      }
    }
    if (labels.isEmpty()) {
      throw ConfigError.of(spec.key() + ".labels", spec.labels(), "one class name per line (the file has none)");
    }
    return labels;
  }

  String name() {
    return spec.name();
  }
}
