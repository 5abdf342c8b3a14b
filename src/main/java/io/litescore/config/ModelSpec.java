package io.litescore.config;

import io.litescore.image.Preprocessing;
import java.io.Serializable;
import java.util.Set;

/**
 * One model to score with, as the user described it (a score config's {@code models} entry or an
 * {@code ImageClassifier}'s params), validated but not read yet: {@code io.litescore.model.ModelLoader} reads it.
 *
 * @param name unique in a run; names the model's partition and its output
 * @param entry what the model is and where it is read from
 * @param labels class names file, one per line (optional for artifacts, which carry theirs)
 * @param numClasses outputs of a zoo model; 0 = the number of labels
 * @param stem zoo stem, {@code standard} or {@code small}
 * @param sha256 expected sha256 of the model file, or null
 * @param preprocessing the entry's preprocessing over the defaults
 * @param explicitPreprocessing the preprocessing keys the entry itself set; the others come from the zoo
 *     architecture or the artifact's card when there is one, else from the defaults
 * @param batchSize images per inference call
 * @param fastDecode {@code preprocessing.mode = fast}: large JPEGs are decoded at a reduced scale (DCT domain)
 * @param engine {@code auto}, {@code pytorch} or {@code onnxruntime}: what runs the network ({@link #ENGINES})
 * @param keys how the fields are named in error messages
 */
public record ModelSpec(String name, ModelEntry entry, String labels, int numClasses, String stem, String sha256,
    Preprocessing preprocessing, Set<String> explicitPreprocessing, int batchSize, boolean fastDecode, String engine,
    KeyNames keys) implements Serializable {

  /**
   * The engines a model may run on. {@code auto}: TorchScript on libtorch, ONNX on ONNX Runtime, zoo models on
   * ONNX Runtime as one graph (BatchNorm folded) on CPU and on libtorch on a GPU.
   */
  public static final java.util.List<String> ENGINES = java.util.List.of("auto", "pytorch", "onnxruntime");

  /**
   * Whether this model runs on libtorch: a TorchScript file, {@code engine = pytorch}, or a zoo model on a GPU
   * ({@code gpu}: whether the run may use one). ONNX files, and zoo models on the CPU by default, run on ONNX
   * Runtime.
   */
  public boolean runsOnLibtorch(boolean gpu) {
    return entry instanceof ModelEntry.TorchScript
        || (!(entry instanceof ModelEntry.Onnx) && (engine.equals("pytorch") || gpu));
  }

  /** A copy with another batch size (benchmarks). */
  public ModelSpec withBatchSize(int size) {
    return new ModelSpec(name, entry, labels, numClasses, stem, sha256, preprocessing, explicitPreprocessing, size,
        fastDecode, engine, keys);
  }

  /** A copy on another engine (benchmarks). */
  public ModelSpec withEngine(String other) {
    return new ModelSpec(name, entry, labels, numClasses, stem, sha256, preprocessing, explicitPreprocessing,
        batchSize, fastDecode, other, keys);
  }

  /** The entry as a score config's {@code models} entry (HOCON): what a separate {@code score} run reads back. */
  public String toHocon() {
    StringBuilder s = new StringBuilder("{ name = ").append(quote(name));
    if (entry instanceof ModelEntry.Zoo z) {
      s.append(", arch = ").append(quote(z.arch())).append(", weights = ").append(quote(z.weights()));
    } else if (entry instanceof ModelEntry.Artifact a) {
      s.append(", artifact = ").append(quote(a.folder()));
    } else {
      s.append(", uri = ").append(quote(entry.location()));
    }
    if (labels != null) {
      s.append(", labels = ").append(quote(labels));
    }
    if (sha256 != null) {
      s.append(", sha256 = ").append(quote(sha256));
    }
    s.append(", num-classes = ").append(numClasses).append(", stem = ").append(stem).append(", batch-size = ")
        .append(batchSize).append(", engine = ").append(engine).append(", preprocessing { mode = ")
        .append(fastDecode ? "fast" : "exact");
    if (explicitPreprocessing.contains("resize")) {
      s.append(", resize = ").append(preprocessing.resize());
    }
    if (explicitPreprocessing.contains("crop")) {
      s.append(", crop = ").append(preprocessing.crop());
    }
    if (explicitPreprocessing.contains("mean")) {
      s.append(", mean = ").append(java.util.Arrays.toString(preprocessing.mean()));
    }
    if (explicitPreprocessing.contains("std")) {
      s.append(", std = ").append(java.util.Arrays.toString(preprocessing.std()));
    }
    return s.append(" } }").toString();
  }

  private static String quote(String v) {
    return com.typesafe.config.ConfigUtil.quoteString(v);
  }

  /** The engine, checked against the entry's form: a ConfigError naming the key when they do not fit. */
  public static String checkEngine(String engine, ModelEntry entry, KeyNames keys) {
    String e = engine.toLowerCase(java.util.Locale.ROOT);
    if (!ENGINES.contains(e)) {
      throw keys.error("engine", engine, "one of " + ENGINES);
    }
    if (entry instanceof ModelEntry.TorchScript && e.equals("onnxruntime")) {
      throw keys.error("engine", engine, "auto or pytorch for a TorchScript file (export it to ONNX for ONNX Runtime)");
    }
    if (entry instanceof ModelEntry.Onnx && e.equals("pytorch")) {
      throw keys.error("engine", engine, "auto or onnxruntime for an ONNX file");
    }
    return e;
  }
}
