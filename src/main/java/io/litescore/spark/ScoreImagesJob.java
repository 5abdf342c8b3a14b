package io.litescore.spark;

import static org.apache.spark.sql.functions.col;

import ai.djl.Model;
import io.litescore.config.ConfigError;
import io.litescore.config.ScoreConfig;
import io.litescore.metrics.ClassificationMetrics.ClassMetrics;
import io.litescore.runtime.BatchScorer;
import io.litescore.runtime.ModelCache;
import io.litescore.runtime.TensorBatch;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
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
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    String runId = config.run().id();
    String output = qualify(config.run().output(), hadoop, "run.output");
    int threads = threads();
    spark.conf().set("spark.sql.sources.partitionColumnTypeInference.enabled", "false");
    String group = "litescore-" + runId;

    // 1. Models: read once on the driver, check, broadcast.
    jsc.setJobGroup(group, "litescore " + runId + ": load models", false);
    List<ModelArtifact> models = new ArrayList<>();
    for (ScoreConfig.Model spec : config.models()) {
      ModelArtifact m = ModelArtifact.load(spec, hadoop, jsc);
      models.add(m);
      dryRun(m, threads);
      out.printf("Model %s: %s (%d bytes, sha256 %s), %d classes%n",
          m.name(), spec.uri(), m.sizeBytes(), m.sha256().substring(0, 12), m.labels().size());
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
    Dataset<Row> images = config.dataset().partitions() > 0
        ? listing.images().repartition(config.dataset().partitions())
        : listing.images();
    long total = images.count();
    if (total == 0) {
      throw ConfigError.of("dataset.path", config.dataset().path(), "a folder with at least one image with an "
          + "extension in " + config.dataset().extensions() + " (found none)");
    }
    out.printf("Dataset %s: %d images (%s), %d partitions%n", config.dataset().path(), total,
        config.dataset().layout().key(), images.rdd().getNumPartitions());

    // 3. Score, one model at a time, each into its own (run_id, model) partition, appended after the run's old
    //    output is deleted (see writeByRun).
    String predictionsPath = output + "/predictions";
    deleteRun(output, runId, hadoop);
    SerializableHadoopConf conf = new SerializableHadoopConf(hadoop);
    List<ModelResult> results = new ArrayList<>();
    List<Row> metricRows = new ArrayList<>();
    List<Row> classRows = new ArrayList<>();
    for (ModelArtifact m : models) {
      LongAccumulator done = jsc.sc().longAccumulator("images done " + m.name());
      LongAccumulator loads = jsc.sc().longAccumulator("model loads " + m.name());
      ScorePartition score = new ScorePartition(runId, m, config.output(), config.dataset().maxPixels(), threads,
          conf, done, loads);
      jsc.setJobGroup(group, "litescore " + runId + ": score " + m.name(), false);
      Timestamp startedAt = Timestamp.from(Instant.now());
      long t0 = System.nanoTime();
      try (Progress p = new Progress(m.name(), total, done::value, progressIntervalMillis, out)) {
        images.mapPartitions(score, Encoders.row(Predictions.schema(config.output().logits())))
            .write()
            .mode(SaveMode.Append)
            .partitionBy("run_id", "model")
            .parquet(predictionsPath);
      }
      double wall = (System.nanoTime() - t0) / 1e9;

      jsc.setJobGroup(group, "litescore " + runId + ": metrics " + m.name(), false);
      Dataset<Row> written = spark.read().parquet(predictionsPath)
          .where(col("run_id").equalTo(runId).and(col("model").equalTo(m.name())));
      ModelMetrics mm = ModelMetrics.of(written);
      ModelResult r = new ModelResult(m.name(), m.sha256(), mm.images(), mm.scored(), mm.failed(), mm.top1(),
          mm.top5(), mm.meanClassAccuracy(), wall, mm.images() / wall, loads.value());
      results.add(r);
      metricRows.add(RowFactory.create(m.name(), m.sha256(), config.dataset().path(), mm.images(), mm.scored(),
          mm.failed(), mm.top1(), mm.top5(), mm.meanClassAccuracy(), wall, r.imagesPerSecond(),
          m.spec().batchSize(), threads, config.runtime().device(), startedAt, runId));
      for (ClassMetrics c : mm.classes()) {
        classRows.add(RowFactory.create(m.name(), c.label(), c.support(), c.top1(), c.precision(), c.recall(),
            runId));
      }
      out.printf("[%s] done: %d images in %.1f s (%.1f img/s), %d failed%n", m.name(), mm.images(), wall,
          r.imagesPerSecond(), mm.failed());
      m.bytes().unpersist(false);
    }

    jsc.setJobGroup(group, "litescore " + runId + ": write metrics", false);
    writeByRun(spark.createDataFrame(metricRows, METRICS), output + "/metrics");
    writeByRun(spark.createDataFrame(classRows, CLASS_METRICS).coalesce(1), output + "/class_metrics");
    jsc.clearJobGroup();
    return new Result(runId, output, total, List.copyOf(results));
  }

  /**
   * Appends: {@link #deleteRun} already removed this run's partitions. Not a dynamic partition overwrite, which the
   * S3A committers (Spark 4.1's default for s3a://) refuse.
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
   * so a broken file or a labels file of the wrong length fails before any image is read.
   */
  private void dryRun(ModelArtifact m, int threads) {
    ModelCache.Entry e;
    try {
      e = ModelCache.get(m.name(), m.sha256(), () -> m.bytes().value(), threads);
    } catch (RuntimeException ex) {
      throw ConfigError.of(m.spec().key() + ".uri", m.spec().uri(), "a TorchScript model libtorch can load ("
          + ex.getMessage() + ")");
    }
    Model model = e.model();
    int crop = m.spec().preprocessing().crop();
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
  }

  private static String qualify(String uri, Configuration conf, String key) {
    try {
      return HadoopFiles.qualify(uri, conf);
    } catch (IOException | IllegalArgumentException e) {
      throw ConfigError.of(key, uri, "a Hadoop URI (file://, hdfs://, s3a://) (" + e.getMessage() + ")");
    }
  }

  /** Removes an earlier output of the same run id, so that a re-run leaves only its own rows. */
  private void deleteRun(String output, String runId, Configuration conf) {
    for (String table : List.of("predictions", "metrics", "class_metrics")) {
      Path p = new Path(output + "/" + table + "/run_id=" + runId);
      try {
        FileSystem fs = p.getFileSystem(conf);
        if (fs.exists(p)) {
          out.printf("Replacing the earlier output of run %s in %s%n", runId, p.getParent());
          fs.delete(p, true);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot replace earlier output of run " + runId + " at " + p, e);
      }
    }
  }
}
