package io.litescore.spark;


import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.lit;

import ai.djl.Model;
import io.litescore.config.ConfigError;
import io.litescore.config.ScoreConfig;
import io.litescore.metrics.ClassificationMetrics.ClassMetrics;
import io.litescore.metrics.PassTime;
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

  private java.util.function.Consumer<java.util.function.LongSupplier> progressSource = s -> {};

  /** Receives, when scoring starts, a live count of the images done (benchmarks sample it). */
  public ScoreImagesJob onScoringStart(java.util.function.Consumer<java.util.function.LongSupplier> source) {
    this.progressSource = source;
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
    int partitions = partitionsFor(total);
    Dataset<Row> images = listed.repartition(partitions).cache();
    out.printf("Dataset %s: %d images (%s), %d partitions%n", config.dataset().path(), total,
        config.dataset().layout().key(), partitions);

    // 3. Score: one pass over the images feeds every model (each file read and decoded once); rows are written
    // partitioned by (run_id, model). Everything goes under a hidden staging folder first and is published at the
    // end (RunPublisher): readers never see a half-written run, and a failed run leaves the previous output of its
    // id in place.
    RunPublisher publisher = RunPublisher.start(output, runId, hadoop);
    String staging = publisher.staging();
    String predictionsPath = staging + "/predictions";
    SerializableHadoopConf conf = new SerializableHadoopConf(hadoop);
    List<LongAccumulator> loads = new ArrayList<>();
    List<LongAccumulator> inferNanos = new ArrayList<>();
    List<CollectionAccumulator<String>> devices = new ArrayList<>();
    for (ModelArtifact m : models) {
      loads.add(jsc.sc().longAccumulator("model loads " + m.name()));
      inferNanos.add(jsc.sc().longAccumulator("inference ns " + m.name()));
      devices.add(jsc.sc().collectionAccumulator("devices " + m.name()));
    }
    ScorePartition.Counters counters = new ScorePartition.Counters(jsc.sc().longAccumulator("images done"),
        jsc.sc().longAccumulator("decode ns"), loads, inferNanos, devices);
    ScorePartition score = new ScorePartition(runId, models, config.output(), config.dataset().maxPixels(), threads,
        config.runtime().prefetchFor(taskCpus(), threads), conf, config.runtime().device(), counters);
    Dataset<Row> todo = images;
    Dataset<Row> remaining = null;
    long rows = total;
    if (config.run().incremental()) {
      jsc.setJobGroup(group, "litescore " + runId + ": find images not scored yet", false);
      remaining = notYetScored(listed, models, output, runId);
      rows = remaining.count();
      // sized by what is left to score, not by the listing: a daily run's few new images make a few tasks
      todo = remaining.repartition(partitionsFor(rows));
      out.printf("Incremental: %d of %d images not scored before by at least one model%n", rows, total);
    }
    String what = models.size() == 1 ? models.get(0).name() : models.size() + " models";
    jsc.setJobGroup(group, "litescore " + runId + ": score " + what, false);
    Timestamp startedAt = Timestamp.from(Instant.now());
    progressSource.accept(counters.done()::value);
    long cpu0 = processCpuNanos();
    long t0 = System.nanoTime();
    try (Progress p = new Progress(what, rows, counters.done()::value, progressIntervalMillis, out)) {
      todo.mapPartitions(score, Encoders.row(Predictions.schema(config.output().logits())))
          .write()
          .mode(SaveMode.Append)
          .partitionBy("run_id", "model")
          .parquet(predictionsPath);
    }
    double passWall = (System.nanoTime() - t0) / 1e9;
    double passCpu = (processCpuNanos() - cpu0) / 1e9;
    if (remaining != null) {
      remaining.unpersist(false);
    }

    List<ModelResult> results = new ArrayList<>();
    List<Row> metricRows = new ArrayList<>();
    List<Row> classRows = new ArrayList<>();
    List<ModelMetrics> all = new ArrayList<>();
    for (ModelArtifact m : models) {
      jsc.setJobGroup(group, "litescore " + runId + ": metrics " + m.name(), false);
      all.add(ModelMetrics.of(spark, predictionsPath, runId, m.name()));
    }
    double[] wall = PassTime.split(passWall, counters.decodeNanos().value(),
        all.stream().mapToLong(ModelMetrics::images).toArray(),
        inferNanos.stream().mapToLong(LongAccumulator::value).toArray());
    for (int i = 0; i < models.size(); i++) {
      ModelArtifact m = models.get(i);
      ModelMetrics mm = all.get(i);
      double ips = wall[i] > 0 ? mm.images() / wall[i] : 0;
      ModelResult r = new ModelResult(m.name(), m.sha256(), mm.images(), mm.scored(), mm.failed(), mm.top1(),
          mm.top5(), mm.meanClassAccuracy(), wall[i], ips, loads.get(i).value());
      results.add(r);
      metricRows.add(RowFactory.create(m.name(), m.sha256(), config.dataset().path(), mm.images(), mm.scored(),
          mm.failed(), mm.top1(), mm.top5(), mm.meanClassAccuracy(), wall[i], ips,
          m.spec().batchSize(), threads, String.join(",", new TreeSet<>(devices.get(i).value())), startedAt,
          m.sizeBytes(), params.get(m.name()), runId));
      for (ClassMetrics c : mm.classes()) {
        classRows.add(RowFactory.create(m.name(), c.label(), c.support(), c.top1(), c.precision(), c.recall(),
            runId));
      }
      out.printf(java.util.Locale.ROOT, "[%s] done: %d images, %d failed; inference %.1f CPU s, "
          + "share of the pass %.1f s (%.1f img/s)%n", m.name(), mm.images(), mm.failed(),
          inferNanos.get(i).value() / 1e9, wall[i], ips);
      m.bytes().unpersist(false);
    }
    out.printf(java.util.Locale.ROOT, "Scored %d images with %d model(s) in one pass: %.1f s, reading + decoding + "
        + "preprocessing %.1f CPU s%s%n", rows, models.size(), passWall, counters.decodeNanos().value() / 1e9,
        spark.sparkContext().isLocal() ? String.format(java.util.Locale.ROOT, "; this JVM (driver and executor) "
            + "used %.1f CPU s", passCpu) : "");

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
   * Incremental runs: the images each model has not scored yet, one row per image with the {@code models} that
   * need it, so one pass still reads each file once.
   */
  private Dataset<Row> notYetScored(Dataset<Row> listed, List<ModelArtifact> models, String output, String runId) {
    Dataset<Row> union = null;
    for (ModelArtifact m : models) {
      Dataset<Row> t = Incremental.notYetScored(spark, listed, output, runId, m.name(), m.sha256())
          .select(col("path"), col("label"), col("length"), col("modified"), lit(m.name()).as("model"));
      union = union == null ? t : union.unionAll(t);
    }
    return union.groupBy("path", "label", "length", "modified")
        .agg(collect_list("model").as("models"))
        .cache();
  }

  /**
   * Appends into the run's fresh staging folder (see {@link RunPublisher}). Not a dynamic partition overwrite,
   * which the S3A committers refuse.
   */
  private static void writeByRun(Dataset<Row> df, String path) {
    df.coalesce(1).write().mode(SaveMode.Append).partitionBy("run_id").parquet(path);
  }

  /** {@code dataset.partitions}, else about {@link #IMAGES_PER_PARTITION} images per task, at least one per core. */
  private int partitionsFor(long images) {
    return config.dataset().partitions() > 0 ? config.dataset().partitions()
        : (int) Math.max(spark.sparkContext().defaultParallelism(), (images + IMAGES_PER_PARTITION - 1)
            / IMAGES_PER_PARTITION);
  }

  private int taskCpus() {
    return Integer.parseInt(spark.sparkContext().getConf().get("spark.task.cpus", "1"));
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

  /** CPU time of this JVM, all threads (in local mode: driver and executor). */
  static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
        .getOperatingSystemMXBean()).getProcessCpuTime();
  }

  private static String qualify(String uri, Configuration conf, String key) {
    try {
      return HadoopFiles.qualify(uri, conf);
    } catch (IOException | IllegalArgumentException e) {
      throw ConfigError.of(key, uri, "a Hadoop URI (file://, hdfs://, s3a://) (" + e.getMessage() + ")");
    }
  }
}
