package io.litescore.spark;


import ai.djl.Model;
import io.litescore.config.ConfigError;
import io.litescore.config.ScoreConfig;
import io.litescore.metrics.ClassificationMetrics.ClassMetrics;
import io.litescore.runtime.BatchScorer;
import io.litescore.runtime.ModelCache;
import io.litescore.runtime.ParameterCount;
import io.litescore.runtime.TensorBatch;
import java.io.IOException;
import java.io.PrintStream;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.LongAccumulator;

/**
 * {@code litescore score}: every model of the config scores every image of the dataset; predictions, metrics and
 * class metrics are written as Parquet under {@code run.output}, replacing only this {@code run.id}.
 */
public final class ScoreImagesJob {
  static final StructType METRICS = new StructType()
      .add("model", DataTypes.StringType, false)
      .add("model_sha256", DataTypes.StringType, false)
      .add("dataset", DataTypes.StringType, false)
      .add("images", DataTypes.LongType, false)
      .add("scored", DataTypes.LongType, false)
      .add("failed", DataTypes.LongType, false)
      .add("top1", DataTypes.DoubleType, true)
      .add("top5", DataTypes.DoubleType, true)
      .add("mean_class_accuracy", DataTypes.DoubleType, true)
      .add("wall_seconds", DataTypes.DoubleType, false)
      .add("images_per_second", DataTypes.DoubleType, false)
      .add("batch_size", DataTypes.IntegerType, false)
      .add("threads", DataTypes.IntegerType, false)
      .add("device", DataTypes.StringType, false)
      .add("started_at", DataTypes.TimestampType, false)
      .add("model_bytes", DataTypes.LongType, false)
      .add("params", DataTypes.LongType, true)
      .add("run_id", DataTypes.StringType, false);

  static final StructType CLASS_METRICS = new StructType()
      .add("model", DataTypes.StringType, false)
      .add("class", DataTypes.StringType, false)
      .add("support", DataTypes.LongType, false)
      .add("top1", DataTypes.DoubleType, true)
      .add("precision", DataTypes.DoubleType, true)
      .add("recall", DataTypes.DoubleType, true)
      .add("run_id", DataTypes.StringType, false);

  /** One model's outcome. */
  public record ModelResult(String model, String sha256, long images, long scored, long failed, Double top1,
      Double top5, Double meanClassAccuracy, double wallSeconds, double imagesPerSecond, long loads) {}

  /** The run's outcome: where it was written and one entry per model. */
  public record Result(String runId, String output, long images, List<ModelResult> models) {
    public long failed() {
      return models.stream().mapToLong(ModelResult::failed).sum();
    }
  }

  /** Default partition size: a few seconds of work per task, small enough to spread over every core. */
  static final int IMAGES_PER_PARTITION = 256;

  private final SparkSession spark;
  private final ScoreConfig config;
  private final PrintStream out;
  private long progressIntervalMillis = 10_000;

  public ScoreImagesJob(SparkSession spark, ScoreConfig config, PrintStream out) {
    this.spark = spark;
    this.config = config;
    this.out = out;
  }

  public ScoreImagesJob progressEvery(long millis) {
    this.progressIntervalMillis = millis;
    return this;
  }

  public Result run() {
    Instant runStartedAt = Instant.now();
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    String runId = config.run().id();
    String output = qualify(config.run().output(), hadoop, "run.output");
    if (!config.dataset().path().isBlank()) {
      String input = qualify(config.dataset().path(), hadoop, "dataset.path").replaceAll("/+$", "");
      if (output.equals(input) || output.startsWith(input + "/")) {
        throw ConfigError.of("run.output", config.run().output(), "a location outside dataset.path (" + input
            + "), or the next run would read its own output");
      }
    }
    int threads = threads();
    spark.conf().set("spark.sql.sources.partitionColumnTypeInference.enabled", "false");
    String group = "litescore-" + runId;

    // 1. Models: read once on the driver, check, broadcast.
    jsc.setJobGroup(group, "litescore " + runId + ": load models", false);
    List<ModelArtifact> models = new ArrayList<>();
    Map<String, Long> params = new HashMap<>();
    for (ScoreConfig.Model spec : config.models()) {
      ModelArtifact m = ModelArtifact.load(spec, hadoop, jsc);
      models.add(m);
      params.put(m.name(), dryRun(m, threads));
      out.printf("Model %s: %s (%d bytes, sha256 %s), %d classes, %s%n", m.name(),
          m.source().isZoo() ? m.source().arch() + " (zoo, BatchNorm folded)" : spec.uri(), m.sizeBytes(),
          m.sha256().substring(0, 12), m.labels().size(), m.preprocessing());
    }

    // 2. Images: list (paths only), check labels against every model, count.
    jsc.setJobGroup(group, "litescore " + runId + ": list images in " + config.dataset().path(), false);
    ImageListing listing = ImageListing.of(spark, config.dataset(), hadoop);
    for (ModelArtifact m : models) {
      TreeSet<String> unknown = new TreeSet<>(listing.labels());
      unknown.removeAll(m.labelIndex().keySet());
      if (!unknown.isEmpty()) {
        throw ConfigError.of(m.spec().key() + ".labels", m.spec().labels(), "class names covering every dataset "
            + "label, but model " + m.name() + " does not know " + unknown);
      }
    }
    Dataset<Row> listed = listing.images().cache();
    long total = listed.count();
    if (total == 0) {
      throw ConfigError.of("dataset.path", config.dataset().path(), "a folder with at least one image with an "
          + "extension in " + config.dataset().extensions() + " (found none)");
    }
    int partitions = config.dataset().partitions() > 0 ? config.dataset().partitions()
        : (int) Math.max(spark.sparkContext().defaultParallelism(), (total + IMAGES_PER_PARTITION - 1)
            / IMAGES_PER_PARTITION);
    Dataset<Row> images = listed.repartition(partitions).cache();
    out.printf("Dataset %s: %d images (%s), %d partitions%n", config.dataset().path(), total,
        config.dataset().layout().key(), partitions);

    // 3. Score, one model at a time; each replaces its own (run_id, model) partition.
    // Everything is written under a hidden staging folder first and published at the end (RunPublisher): readers
    // never see a half-written run, and a failed run leaves the previous output of its id in place.
    RunPublisher publisher = RunPublisher.start(output, runId, hadoop);
    String staging = publisher.staging();
    String predictionsPath = staging + "/predictions";
    SerializableHadoopConf conf = new SerializableHadoopConf(hadoop);
    List<ModelResult> results = new ArrayList<>();
    List<Row> metricRows = new ArrayList<>();
    List<Row> classRows = new ArrayList<>();
    for (ModelArtifact m : models) {
      LongAccumulator done = jsc.sc().longAccumulator("images done " + m.name());
      LongAccumulator loads = jsc.sc().longAccumulator("model loads " + m.name());
      CollectionAccumulator<String> devices = jsc.sc().collectionAccumulator("devices " + m.name());
      ScorePartition score = new ScorePartition(runId, m, config.output(), config.dataset().maxPixels(), threads,
          conf, done, loads, config.runtime().device(), devices);
      jsc.setJobGroup(group, "litescore " + runId + ": score " + m.name(), false);
      Timestamp startedAt = Timestamp.from(Instant.now());
      long t0 = System.nanoTime();
      Dataset<Row> todo = images;
      long count = total;
      if (config.run().incremental()) {
        todo = Incremental.notYetScored(spark, images, output, runId, m.name(), m.sha256());
        count = todo.count();
        out.printf("[%s] incremental: %d of %d images not scored before with this model%n", m.name(), count, total);
      }
      long modelTotal = count;
      try (Progress p = new Progress(m.name(), modelTotal, done::value, progressIntervalMillis, out)) {
        todo.mapPartitions(score, Encoders.row(Predictions.schema(config.output().logits())))
            .write()
            .mode(SaveMode.Append)
            .partitionBy("run_id", "model")
            .parquet(predictionsPath);
      }
      double wall = (System.nanoTime() - t0) / 1e9;

      jsc.setJobGroup(group, "litescore " + runId + ": metrics " + m.name(), false);
      ModelMetrics mm = ModelMetrics.of(spark, predictionsPath, runId, m.name());
      ModelResult r = new ModelResult(m.name(), m.sha256(), mm.images(), mm.scored(), mm.failed(), mm.top1(),
          mm.top5(), mm.meanClassAccuracy(), wall, mm.images() / wall, loads.value());
      results.add(r);
      metricRows.add(RowFactory.create(m.name(), m.sha256(), config.dataset().path(), mm.images(), mm.scored(),
          mm.failed(), mm.top1(), mm.top5(), mm.meanClassAccuracy(), wall, r.imagesPerSecond(),
          m.spec().batchSize(), threads, String.join(",", new TreeSet<>(devices.value())), startedAt,
          m.sizeBytes(), params.get(m.name()), runId));
      for (ClassMetrics c : mm.classes()) {
        classRows.add(RowFactory.create(m.name(), c.label(), c.support(), c.top1(), c.precision(), c.recall(),
            runId));
      }
      out.printf("[%s] done: %d images in %.1f s (%.1f img/s), %d failed%n", m.name(), mm.images(), wall,
          r.imagesPerSecond(), mm.failed());
      m.bytes().unpersist(false);
    }

    images.unpersist(false);
    listed.unpersist(false);
    jsc.setJobGroup(group, "litescore " + runId + ": write metrics", false);
    writeByRun(spark.createDataFrame(metricRows, METRICS), staging + "/metrics");
    writeByRun(spark.createDataFrame(classRows, CLASS_METRICS), staging + "/class_metrics");
    RunInfo.write(spark, config, staging, runStartedAt, hadoop);
    if (publisher.publish()) {
      out.printf("Replaced the earlier output of run %s%n", runId);
    }
    jsc.clearJobGroup();
    return new Result(runId, output, total, List.copyOf(results));
  }

  /**
   * Appends into the run's fresh staging folder (see {@link RunPublisher}). Not a dynamic partition overwrite,
   * which the S3A committers refuse.
   */
  private static void writeByRun(Dataset<Row> df, String path) {
    df.coalesce(1).write().mode(SaveMode.Append).partitionBy("run_id").parquet(path);
  }

  /** Threads per task for libtorch: {@code runtime.threads}, else {@code spark.task.cpus}. */
  private int threads() {
    if (config.runtime().threads() > 0) {
      return config.runtime().threads();
    }
    return Integer.parseInt(spark.sparkContext().getConf().get("spark.task.cpus", "1"));
  }

  /**
   * Loads the model into this JVM's cache (on a local master, the executors' cache too) and runs one blank image,
   * so a broken file or a labels file of the wrong length fails before any image is read. Returns the model's
   * parameter count (null when unknown).
   */
  private Long dryRun(ModelArtifact m, int threads) {
    ModelCache.Entry e;
    try {
      e = ModelCache.get(m.source(), m.sha256(), () -> m.bytes().value(), threads);
    } catch (RuntimeException ex) {
      boolean ts = !m.source().isZoo();
      throw ConfigError.of(m.spec().key() + (ts ? ".uri" : m.spec().artifact() != null ? ".artifact" : ".weights"),
          ts ? m.spec().uri() : m.spec().artifact() != null ? m.spec().artifact() : m.spec().weights(),
          ts ? "a TorchScript model libtorch can load (" + ex.getMessage() + ")"
              : "weights that fit the architecture (" + ex.getMessage() + ")");
    }
    Model model = e.model();
    int crop = m.preprocessing().crop();
    float[][] logits;
    try (BatchScorer scorer = new BatchScorer(model)) {
      logits = scorer.logits(new TensorBatch(new float[3 * crop * crop], 1, 3, crop, crop));
    } catch (RuntimeException ex) {
      throw ConfigError.of(m.spec().key() + ".preprocessing.crop", crop, "an input size model " + m.name()
          + " accepts (a 1x3x" + crop + "x" + crop + " input failed: " + ex.getMessage() + ")");
    }
    if (logits[0].length != m.labels().size()) {
      throw ConfigError.of(m.spec().key() + ".labels", m.spec().labels(), "as many class names as model "
          + m.name() + " has outputs (" + logits[0].length + "), found " + m.labels().size());
    }
    return ParameterCount.of(model);
  }

  private static String qualify(String uri, Configuration conf, String key) {
    try {
      return HadoopFiles.qualify(uri, conf);
    } catch (IOException | IllegalArgumentException e) {
      throw ConfigError.of(key, uri, "a Hadoop URI (file://, hdfs://, s3a://) (" + e.getMessage() + ")");
    }
  }
}
