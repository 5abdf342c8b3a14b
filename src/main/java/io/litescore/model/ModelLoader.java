package io.litescore.model;

import io.litescore.config.KeyNames;
import io.litescore.config.ModelEntry;
import io.litescore.config.ModelSpec;
import io.litescore.image.Preprocessing;
import io.litescore.io.HadoopFiles;
import io.litescore.runtime.ModelSource;
import io.litescore.zoo.ModelCard;
import io.litescore.zoo.Safetensors;
import io.litescore.zoo.Variant;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;

/**
 * Reads a {@link ModelSpec} on the driver: the model file (any Hadoop URI) once, its sha256, the labels file or the
 * artifact's card. Bad files fail here, naming the key, the value and what was expected.
 */
public final class ModelLoader {
  private ModelLoader() {}

  public static LoadedModel load(ModelSpec spec, Configuration conf) {
    KeyNames keys = spec.keys();
    ModelEntry entry = spec.entry();
    String bytesUri = entry.location();
    String bytesKey = entry.field();
    List<String> labels;
    Preprocessing pre;
    ModelSource source;
    if (entry instanceof ModelEntry.Artifact a) {
      ModelCard card = readCard(spec, a, conf);
      bytesUri = a.folder().replaceAll("/+$", "") + "/" + card.weights();
      labels = spec.labels() != null ? readLabels(spec, conf) : List.copyOf(card.classes());
      ModelCard.Prep p = card.preprocessing();
      pre = merge(spec, new Preprocessing(p.resize(), p.crop(), p.mean(), p.std()));
      checkArch(keys, "artifact", card.arch());
      source = new ModelSource.Zoo(spec.name(), card.arch(), card.numClasses(), card.stem().toUpperCase(Locale.ROOT),
          pre.crop(), !spec.engine().equals("pytorch"));
    } else if (entry instanceof ModelEntry.Zoo z) {
      Variant v = checkArch(keys, "arch", z.arch());
      labels = readLabels(spec, conf);
      pre = merge(spec, v.preprocessing());
      int classes = spec.numClasses() > 0 ? spec.numClasses() : labels.size();
      source = new ModelSource.Zoo(spec.name(), z.arch(), classes, spec.stem().toUpperCase(Locale.ROOT), pre.crop(),
          !spec.engine().equals("pytorch"));
    } else if (entry instanceof ModelEntry.Onnx) {
      labels = readLabels(spec, conf);
      pre = spec.preprocessing();
      source = new ModelSource.Onnx(spec.name());
    } else {
      labels = readLabels(spec, conf);
      pre = spec.preprocessing();
      source = new ModelSource.TorchScript(spec.name());
    }
    byte[] bytes = readModelBytes(keys, bytesKey, bytesUri, conf);
    String sha = HadoopFiles.sha256(bytes);
    if (spec.sha256() != null && !spec.sha256().equals(sha)) {
      throw keys.error("sha256", spec.sha256(), "the sha256 of " + bytesUri + ", which is " + sha);
    }
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < labels.size(); i++) {
      Integer previous = index.put(labels.get(i), i);
      if (previous != null) {
        throw keys.error("labels", spec.labels(), "one distinct class name per line, but '" + labels.get(i)
            + "' is on lines " + (previous + 1) + " and " + (i + 1));
      }
    }
    Long params = source instanceof ModelSource.Zoo ? weightParams(keys, bytesKey, bytesUri, bytes) : null;
    return new LoadedModel(spec, source, pre, sha, bytes, List.copyOf(labels), Map.copyOf(index), params);
  }

  /**
   * Parameters of a zoo model as torchvision counts them ({@code sum(p.numel() for p in model.parameters())}): every
   * weight tensor but BatchNorm's running statistics, which are buffers.
   */
  private static long weightParams(KeyNames keys, String field, String uri, byte[] bytes) {
    try {
      long n = 0;
      for (var e : Safetensors.read(bytes).tensors().entrySet()) {
        if (!e.getKey().endsWith(".running_mean") && !e.getKey().endsWith(".running_var")) {
          n += e.getValue().data().length;
        }
      }
      return n;
    } catch (IOException | RuntimeException e) {
      throw keys.error(field, uri, "a .safetensors file (" + e.getMessage() + ")");
    }
  }

  /** Entry's own preprocessing keys win; the others come from the model's own defaults. */
  private static Preprocessing merge(ModelSpec spec, Preprocessing modelDefault) {
    Preprocessing own = spec.preprocessing();
    Set<String> e = spec.explicitPreprocessing();
    int resize = e.contains("resize") ? own.resize() : modelDefault.resize();
    int crop = e.contains("crop") ? own.crop() : modelDefault.crop();
    if (crop > resize) {
      throw spec.keys().error("preprocessing.crop", crop, "at most the resize of " + resize);
    }
    return new Preprocessing(resize, crop, e.contains("mean") ? own.mean() : modelDefault.mean(),
        e.contains("std") ? own.std() : modelDefault.std());
  }

  private static Variant checkArch(KeyNames keys, String field, String arch) {
    try {
      return Variant.named(arch);
    } catch (IllegalArgumentException e) {
      throw keys.error(field, arch, "a zoo architecture (jobs/litescore zoo lists them)");
    }
  }

  private static ModelCard readCard(ModelSpec spec, ModelEntry.Artifact a, Configuration conf) {
    String uri = a.folder().replaceAll("/+$", "") + "/" + ModelCard.FILE;
    try {
      return ModelCard.fromJson(HadoopFiles.readText(uri, conf));
    } catch (FileNotFoundException e) {
      throw spec.keys().error("artifact", a.folder(), "a folder with " + ModelCard.FILE + " (not found)");
    } catch (IOException | RuntimeException e) {
      throw spec.keys().error("artifact", a.folder(), "a readable " + ModelCard.FILE + " (" + e.getMessage() + ")");
    }
  }

  private static byte[] readModelBytes(KeyNames keys, String field, String uri, Configuration conf) {
    byte[] bytes;
    try {
      bytes = HadoopFiles.readAll(uri, -1, conf);
    } catch (FileNotFoundException e) {
      throw keys.error(field, uri, "an existing model file (not found)");
    } catch (IOException | IllegalArgumentException e) {
      throw keys.error(field, uri, "a readable model file (" + e.getMessage() + ")");
    }
    if (bytes.length == 0) {
      throw keys.error(field, uri, "a model file (the file is empty)");
    }
    return bytes;
  }

  private static List<String> readLabels(ModelSpec spec, Configuration conf) {
    List<String> lines;
    try {
      lines = HadoopFiles.readLines(spec.labels(), conf);
    } catch (FileNotFoundException e) {
      throw spec.keys().error("labels", spec.labels(), "an existing labels file (not found)");
    } catch (IOException | IllegalArgumentException e) {
      throw spec.keys().error("labels", spec.labels(), "a readable labels file (" + e.getMessage() + ")");
    }
    List<String> labels = new ArrayList<>();
    for (String line : lines) {
      String t = line.strip();
      if (!t.isEmpty()) {
        labels.add(t);
      }
    }
    if (labels.isEmpty()) {
      throw spec.keys().error("labels", spec.labels(), "one class name per line (the file has none)");
    }
    return labels;
  }
}
