package io.litescore.config;

import io.litescore.image.Preprocessing;
import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * The whole configuration of one {@code score} run, parsed and validated once on the driver by {@link
 * ConfigLoader}. Every key is documented in README.md ("Configuration reference").
 */
public record ScoreConfig(
    Run run, Dataset dataset, List<Model> models, Output output, Runtime runtime, Map<String, String> sparkConf)
    implements Serializable {

  /** {@code run.*}: the run's id (its partition in every output table) and the output root URI. */
  public record Run(String id, String output) implements Serializable {}

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

  /** One entry of {@code models}: a TorchScript classifier, its class names and its input transform. */
  public record Model(
      String name, String uri, String labels, String sha256, Preprocessing preprocessing, int batchSize, String key)
      implements Serializable {}

  /** {@code output.*}: what each prediction row carries. */
  public record Output(int topK, boolean logits) implements Serializable {}

  /** {@code runtime.*}: where and with how many threads libtorch runs. */
  public record Runtime(String device, int threads) implements Serializable {}
}
