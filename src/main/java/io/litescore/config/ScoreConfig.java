package io.litescore.config;

import io.litescore.image.Preprocessing;
import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The whole configuration of one {@code score} run, parsed and validated once on the driver by {@link
 * ConfigLoader}. Every key is documented in README.md ("Configuration reference").
 */
public record ScoreConfig(
    Run run, Dataset dataset, List<Model> models, Output output, Runtime runtime, Map<String, String> sparkConf)
    implements Serializable {

  /**
   * {@code run.*}: the run's id (its partition in every output table), the output root URI, and whether to score
   * only images that no earlier run scored with the same model bytes.
   */
  public record Run(String id, String output, boolean incremental) implements Serializable {}

  /** {@code dataset.layout}. */
  public enum Layout {
    IMAGEFOLDER,
    MANIFEST,
    UNLABELED;

    public String key() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** {@code dataset.*}: where the images are and how labels are found. */
  public record Dataset(
      String path, Layout layout, String manifest, List<String> extensions, int partitions, long maxPixels)
      implements Serializable {
    public boolean labelled() {
      return layout == Layout.IMAGEFOLDER || layout == Layout.MANIFEST;
    }
  }

  /**
   * One entry of {@code models}, in one of three forms: a TorchScript file ({@code uri}), a zoo architecture with
   * torchvision-named weights ({@code arch} + {@code weights}), or the folder {@code litescore train} wrote
   * ({@code artifact}: {@code model.json} + {@code weights.safetensors}).
   *
   * @param numClasses outputs of a zoo model; 0 = the number of labels
   * @param stem zoo stem, {@code standard} or {@code small}
   * @param explicitPreprocessing the preprocessing keys the entry itself set; the others come from the zoo
   *     architecture or the artifact's card when there is one, else from {@code model-defaults}
   * @param fastDecode {@code preprocessing.mode = fast}: large JPEGs are decoded at a reduced scale (DCT domain)
   * @param key the entry's place in the config, e.g. {@code models[0]}, for error messages
   */
  public record Model(String name, String key, String uri, String arch, String weights, String artifact,
      String labels, int numClasses, String stem, String sha256, Preprocessing preprocessing,
      Set<String> explicitPreprocessing, int batchSize, boolean fastDecode) implements Serializable {

    /** The file whose bytes are broadcast and hashed. */
    public String bytesUri() {
      return uri != null ? uri : weights;
    }
  }

  /** {@code output.*}: what each prediction row carries. */
  public record Output(int topK, boolean logits) implements Serializable {}

  /**
   * {@code runtime.*}: where and with how many threads libtorch runs, and how many batches each task decodes ahead
   * of the one being scored (0 = decode and infer in turn on the task's thread; {@link #PREFETCH_AUTO}).
   */
  public record Runtime(String device, int threads, int prefetch) implements Serializable {
    /** {@code runtime.prefetch = auto}: one batch ahead when a task has more cores than libtorch threads. */
    public static final int PREFETCH_AUTO = -1;

    /** Batches to decode ahead for tasks of {@code taskCpus} cores running libtorch on {@code torchThreads}. */
    public int prefetchFor(int taskCpus, int torchThreads) {
      return prefetch != PREFETCH_AUTO ? prefetch : taskCpus > torchThreads ? 1 : 0;
    }
  }
}
