package io.litescore.config;

import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * The whole configuration of one {@code score} run, parsed and validated once on the driver by {@link
 * ConfigLoader}. Every key is documented in README.md ("Configuration reference").
 */
public record ScoreConfig(
    Run run, Dataset dataset, List<ModelSpec> models, Output output, Runtime runtime, Stream stream,
    Map<String, String> sparkConf)
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
    UNLABELED,
    TABLE;

    public String key() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * {@code dataset.*}: where the images are and how labels are found.
   *
   * @param table for {@code layout = table}: the source's format and columns
   * @param labelMap CSV {@code dataset_label,class} mapping the dataset's labels to the models' classes, or null
   * @param labelsAreIndices integer labels are class indices into each model's labels
   */
  public record Dataset(
      String path, Layout layout, String manifest, List<String> extensions, int partitions, long maxPixels,
      Table table, String labelMap, boolean labelsAreIndices) implements Serializable {
    public boolean labelled() {
      return layout == Layout.IMAGEFOLDER || layout == Layout.MANIFEST
          || (layout == Layout.TABLE && table.labelColumn() != null);
    }

    /** The same dataset at another path, as another layout (benchmarks and the soak test). */
    public Dataset at(String otherPath, Layout otherLayout, String otherManifest) {
      return new Dataset(otherPath, otherLayout, otherManifest, extensions, partitions, maxPixels, table, labelMap,
          labelsAreIndices);
    }
  }

  /**
   * {@code dataset.format}, {@code dataset.content-column}, {@code dataset.label-column}, {@code dataset.id-column}:
   * a table of encoded images any Spark source reads.
   *
   * @param contentColumn binary, or a struct with a binary {@code bytes} field; null: the table's only such column
   * @param labelColumn class name or integer class index; null: unlabelled
   * @param idColumn kept as {@code path} in predictions; null: the struct's {@code path} field, else the row's
   *     position
   */
  public record Table(String format, String contentColumn, String labelColumn, String idColumn)
      implements Serializable {}

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

  /**
   * {@code stream.*}: {@code score --stream} reads the dataset as a Structured Streaming source.
   *
   * @param enabled {@code score --stream}
   * @param checkpoint the query's checkpoint folder (what was scored): keep it between runs
   * @param trigger {@code available-now} (score what arrived, then stop: for cron / Airflow) or an interval such as
   *     {@code 30 seconds} (run until stopped)
   * @param maxFilesPerTrigger at most this many new images per micro-batch; 0: all that arrived
   */
  public record Stream(boolean enabled, String checkpoint, String trigger, long maxFilesPerTrigger)
      implements Serializable {
    public boolean availableNow() {
      return "available-now".equals(trigger);
    }
  }
}
