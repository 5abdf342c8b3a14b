package io.litescore.spark;

import io.litescore.config.ConfigError;
import io.litescore.config.ScoreConfig;
import io.litescore.image.Preprocessing;
import io.litescore.runtime.ModelSource;
import io.litescore.zoo.ModelCard;
import io.litescore.zoo.Variant;
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
 * A model as the executors see it: its bytes read once on the driver, hashed and broadcast; how to build it; its
 * class names with their indices; the preprocessing its inputs need.
 */
record ModelArtifact(ScoreConfig.Model spec, ModelSource source, Preprocessing preprocessing, String sha256,
    long sizeBytes, Broadcast<byte[]> bytes, List<String> labels, Map<String, Integer> labelIndex)
    implements Serializable {

  static ModelArtifact load(ScoreConfig.Model spec, Configuration conf, JavaSparkContext jsc) {
    String bytesUri = spec.bytesUri();
    String bytesKey = spec.key() + (spec.uri() != null ? ".uri" : ".weights");
    List<String> labels;
    Preprocessing pre = spec.preprocessing();
    ModelSource source;
    if (spec.artifact() != null) {
      ModelCard card = readCard(spec, conf);
      bytesUri = spec.artifact().replaceAll("/+$", "") + "/" + card.weights();
      bytesKey = spec.key() + ".artifact";
      labels = spec.labels() != null ? readLabels(spec, conf) : List.copyOf(card.classes());
      ModelCard.Prep p = card.preprocessing();
      pre = merge(spec, new Preprocessing(p.resize(), p.crop(), p.mean(), p.std()));
      source = new ModelSource(spec.name(), card.arch(), card.numClasses(), card.stem().toUpperCase(java.util.Locale.ROOT), pre.crop());
      checkArch(spec.key() + ".artifact", card.arch());
    } else if (spec.arch() != null) {
      Variant v = checkArch(spec.key() + ".arch", spec.arch());
      labels = readLabels(spec, conf);
      pre = merge(spec, v.preprocessing());
      int classes = spec.numClasses() > 0 ? spec.numClasses() : labels.size();
      source = new ModelSource(spec.name(), spec.arch(), classes, spec.stem().toUpperCase(java.util.Locale.ROOT), pre.crop());
    } else {
      labels = readLabels(spec, conf);
      source = ModelSource.torchScript(spec.name());
    }
    byte[] bytes = readModelBytes(bytesKey, bytesUri, conf);
    String sha = HadoopFiles.sha256(bytes);
    if (spec.sha256() != null && !spec.sha256().equals(sha)) {
      throw ConfigError.of(spec.key() + ".sha256", spec.sha256(), "the sha256 of " + bytesUri + ", which is " + sha);
    }
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < labels.size(); i++) {
      Integer previous = index.put(labels.get(i), i);
      if (previous != null) {
        throw ConfigError.of(spec.key() + ".labels", spec.labels(), "one distinct class name per line, but '"
            + labels.get(i) + "' is on lines " + (previous + 1) + " and " + (i + 1));
      }
    }
    return new ModelArtifact(spec, source, pre, sha, bytes.length, jsc.broadcast(bytes), List.copyOf(labels), index);
  }

  /** Entry's own preprocessing keys win; the others come from the model's own defaults. */
  private static Preprocessing merge(ScoreConfig.Model spec, Preprocessing modelDefault) {
    Preprocessing own = spec.preprocessing();
    java.util.Set<String> e = spec.explicitPreprocessing();
    int resize = e.contains("resize") ? own.resize() : modelDefault.resize();
    int crop = e.contains("crop") ? own.crop() : modelDefault.crop();
    if (crop > resize) {
      throw ConfigError.of(spec.key() + ".preprocessing.crop", crop, "at most the resize of " + resize);
    }
    return new Preprocessing(resize, crop, e.contains("mean") ? own.mean() : modelDefault.mean(),
        e.contains("std") ? own.std() : modelDefault.std());
  }

  private static Variant checkArch(String key, String arch) {
    try {
      return Variant.named(arch);
    } catch (IllegalArgumentException e) {
      throw ConfigError.of(key, arch, "a zoo architecture (jobs/litescore zoo lists them)");
    }
  }

  private static ModelCard readCard(ScoreConfig.Model spec, Configuration conf) {
    String uri = spec.artifact().replaceAll("/+$", "") + "/" + ModelCard.FILE;
    try {
      return ModelCard.fromJson(String.join("\n", HadoopFiles.readLines(uri, conf)));
    } catch (FileNotFoundException e) {
      throw ConfigError.of(spec.key() + ".artifact", spec.artifact(), "a folder with " + ModelCard.FILE
          + " (not found)");
    } catch (IOException | RuntimeException e) {
      throw ConfigError.of(spec.key() + ".artifact", spec.artifact(), "a readable " + ModelCard.FILE + " ("
          + e.getMessage() + ")");
    }
  }

  private static byte[] readModelBytes(String key, String uri, Configuration conf) {
    byte[] bytes;
    try {
      bytes = HadoopFiles.readAll(uri, -1, conf);
    } catch (FileNotFoundException e) {
      throw ConfigError.of(key, uri, "an existing model file (not found)");
    } catch (IOException e) {
      throw ConfigError.of(key, uri, "a readable model file (" + e.getMessage() + ")");
    }
    if (bytes.length == 0) {
      throw ConfigError.of(key, uri, "a model file (the file is empty)");
    }
    return bytes;
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
