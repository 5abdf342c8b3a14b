package io.litescore.jobs.score;

import static org.apache.spark.sql.functions.array_contains;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.lit;

import io.litescore.config.ConfigError;
import io.litescore.config.ModelSpec;
import io.litescore.config.ScoreConfig;
import io.litescore.io.HadoopFiles;
import io.litescore.jobs.SparkJob;
import io.litescore.metrics.ClassificationMetrics.ClassMetrics;
import io.litescore.metrics.PassTime;
import io.litescore.metrics.PredictionCounts;
import io.litescore.metrics.TopK;
import io.litescore.ml.ImageClassifier;
import io.litescore.ml.PassCounters;
import io.litescore.ml.ResolvedModel;
import io.litescore.runtime.ModelSource;
import java.io.PrintStream;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;

/**
 * {@code litescore score}: list the images, classify them with every model of the config in one pass (the
 * {@link ImageClassifier} code path), compute each model's metrics, publish. Predictions, metrics and class
 * metrics are written as Parquet under {@code run.output}, replacing only this {@code run.id}.
 */
public final class ScoreJob extends SparkJob {
  /** One model's outcome. */
  public record ModelResult(String model, String sha256, long images, long scored, long failed, Double top1,
      Double top5, Double meanClassAccuracy, double wallSeconds, double imagesPerSecond, long loads) {}

  /**
   * The run's outcome: where it was written and one entry per model; {@code timings} says where the run's wall
   * time went (seconds per step).
   */
  public record Result(String runId, String output, long images, List<ModelResult> models, Timings timings) {
    public long failed() {
      return models.stream().mapToLong(ModelResult::failed).sum();
    }
  }

  /** Wall seconds of each step of a run. */
  public record Timings(double models, double listing, double pass, double metrics, double publish,
      double passCpuSeconds) {}

  /** Default partition size: a few seconds of work per task, small enough to spread over every core. */
  static final int IMAGES_PER_PARTITION = 256;

  private final ScoreConfig config;
  private final PrintStream out;
  private long progressIntervalMillis = 10_000;
  private Consumer<LongSupplier> progressSource = s -> {};

  public ScoreJob(SparkSession spark, ScoreConfig config, PrintStream out) {
    super(spark, "score");
    this.config = config;
    this.out = out;
  }

  public ScoreJob progressEvery(long millis) {
    this.progressIntervalMillis = millis;
    return this;
  }

  /** Receives, when scoring starts, a live count of the images done (benchmarks sample it). */
  public ScoreJob onScoringStart(Consumer<LongSupplier> source) {
    this.progressSource = source;
    return this;
  }

  public Result run() {
    Instant runStartedAt = Instant.now();
    String runId = config.run().id();
    String output = qualify(config.run().output(), "run.output");
    checkOutputOutsideInput(output);
    long t0 = System.nanoTime();

    // 1. Models: read once on the driver, checked with one dry inference, broadcast.
    step(runId, "load models");
    List<ImageClassifier> classifiers = new ArrayList<>();
    List<ResolvedModel> models = new ArrayList<>();
    for (ModelSpec spec : config.models()) {
      ImageClassifier c = classifier(spec);
      ResolvedModel m = c.resolve(spark);
      classifiers.add(c);
      models.add(m);
      out.printf("Model %s: %s (%d bytes, sha256 %s), %d classes, %s%n", m.name(), describe(m), m.sizeBytes(),
          m.sha256().substring(0, 12), m.labels().size(), m.preprocessing());
    }
    long t1 = System.nanoTime();

    // 2. Images: list (paths only), map the dataset's labels to every model's classes, count.
    step(runId, "list images in " + config.dataset().path());
    ImageListing listing = ImageListing.of(spark, config.dataset(), hadoop);
    LabelMap labelMap = LabelMap.of(config.dataset(), listing.labelsAreIndices(), hadoop);
    List<Map<String, Integer>> classOf = new ArrayList<>();
    for (ResolvedModel m : models) {
      classOf.add(labelMap.forModel(listing.labels(), m.labels(), m.name(), m.spec().keys().key("labels"),
          m.spec().labels()));
    }
    for (int i = 0; i < classifiers.size(); i++) {
      ImageClassifier c = classifiers.get(i).setOutputCol("_prediction_" + i);
      c.setInputCol(listing.inputColumn());
      if (listing.listed()) {
        c.setLengthCol("length");
      }
    }
    Dataset<Row> listed = listing.listed() ? listing.images().cache() : listing.images();
    long total = listed.count();
    if (total == 0) {
      throw ConfigError.of("dataset.path", config.dataset().path(), "a folder with at least one image with an "
          + "extension in " + config.dataset().extensions() + " (found none)");
    }
    Dataset<Row> images = listing.listed() ? listed.repartition(partitionsFor(total)).cache()
        : config.dataset().partitions() > 0 ? listed.repartition(config.dataset().partitions()) : listed;
    out.printf("Dataset %s: %d images (%s), %d partitions%n", config.dataset().path(), total,
        config.dataset().layout().key(), images.rdd().getNumPartitions());
    long t2 = System.nanoTime();

    // 3. Score: one pass over the images feeds every model (each file read and decoded once); rows are written
    // partitioned by (run_id, model). Everything goes under a hidden staging folder first and is published at the
    // end (RunPublisher): readers never see a half-written run, and a failed run leaves the previous output of its
    // id in place.
    RunPublisher publisher = RunPublisher.start(output, runId, hadoop);
    String staging = publisher.staging();
    String predictionsPath = staging + "/" + Tables.PREDICTIONS;
    List<String> names = models.stream().map(ResolvedModel::name).toList();
    PassCounters counters = PassCounters.create(spark.sparkContext(), names);
    Dataset<Row> todo = images;
    Dataset<Row> remaining = null;
    long rows = total;
    if (config.run().incremental()) {
      step(runId, "find images not scored yet");
      remaining = notYetScored(listed, models, output, runId);
      rows = remaining.count();
      // sized by what is left to score, not by the listing: a daily run's few new images make a few tasks
      todo = remaining.repartition(partitionsFor(rows));
      out.printf("Incremental: %d of %d images not scored before by at least one model%n", rows, total);
    }
    todo = withScoreIf(todo, classifiers, config.run().incremental());
    List<PredictionRows.Model> rowModels = new ArrayList<>();
    for (int i = 0; i < models.size(); i++) {
      rowModels.add(new PredictionRows.Model(models.get(i).name(), classOf.get(i), todo.schema().size() + i));
    }
    String what = models.size() == 1 ? models.get(0).name() : models.size() + " models";
    step(runId, "score " + what);
    Timestamp startedAt = Timestamp.from(Instant.now());
    progressSource.accept(counters.done()::value);
    long cpu0 = processCpuNanos();
    long p0 = System.nanoTime();
    try (Progress p = new Progress(what, rows, counters.done()::value, progressIntervalMillis, out)) {
      ImageClassifier.transformAll(todo, classifiers, models, counters)
          .flatMap(new PredictionRows(runId, rowModels, config.output().topK(), config.output().logits()),
              Encoders.row(Tables.predictions(config.output().logits())))
          .write()
          .mode(SaveMode.Append)
          .partitionBy("run_id", "model")
          .parquet(predictionsPath);
    }
    double passWall = (System.nanoTime() - p0) / 1e9;
    double passCpu = (processCpuNanos() - cpu0) / 1e9;
    if (remaining != null) {
      remaining.unpersist(false);
    }
    long t3 = System.nanoTime();

    // 4. Metrics, from the written predictions: one aggregation for all models.
    step(runId, "metrics");
    Map<String, PredictionCounts> counts = ModelMetrics.counts(HadoopFiles.exists(predictionsPath, hadoop)
        ? spark.read().schema(Tables.predictions(config.output().logits())).parquet(predictionsPath)
            .where(col("run_id").equalTo(runId)) : null, names);
    List<PredictionCounts.Summary> summaries = new ArrayList<>();
    for (ResolvedModel m : models) {
      summaries.add(counts.get(m.name()).summary(m.labels()));
    }
    double[] wall = PassTime.split(passWall, counters.decodeNanos().value(),
        summaries.stream().mapToLong(PredictionCounts.Summary::images).toArray(),
        counters.inferNanos().stream().mapToLong(LongAccumulator::value).toArray());
    List<ModelResult> results = new ArrayList<>();
    List<Row> metricRows = new ArrayList<>();
    List<Row> classRows = new ArrayList<>();
    Tables.RowBuilder metric = new Tables.RowBuilder(Tables.METRICS_SCHEMA);
    Tables.RowBuilder perClass = new Tables.RowBuilder(Tables.CLASS_METRICS_SCHEMA);
    for (int i = 0; i < models.size(); i++) {
      ResolvedModel m = models.get(i);
      PredictionCounts.Summary s = summaries.get(i);
      double ips = wall[i] > 0 ? s.images() / wall[i] : 0;
      long loads = counters.loads().get(i).value();
      results.add(new ModelResult(m.name(), m.sha256(), s.images(), s.scored(), s.failed(), s.top1(), s.top5(),
          s.meanClassAccuracy(), wall[i], ips, loads));
      metricRows.add(metric.set("model", m.name()).set("model_sha256", m.sha256())
          .set("dataset", config.dataset().path()).set("images", s.images()).set("scored", s.scored())
          .set("failed", s.failed()).set("top1", s.top1()).set("top5", s.top5())
          .set("mean_class_accuracy", s.meanClassAccuracy()).set("wall_seconds", wall[i])
          .set("images_per_second", ips).set("batch_size", m.spec().batchSize())
          .set("threads", classifiers.get(i).torchThreads(taskCpus()))
          .set("device", String.join(",", new TreeSet<>(counters.devices().get(i).value())))
          .set("started_at", startedAt).set("model_bytes", m.sizeBytes()).set("params", m.params())
          .set("run_id", runId).build());
      for (ClassMetrics c : s.classes()) {
        classRows.add(perClass.set("model", m.name()).set("class", c.label()).set("support", c.support())
            .set("top1", c.top1()).set("precision", c.precision()).set("recall", c.recall()).set("run_id", runId)
            .build());
      }
      out.printf(Locale.ROOT, "[%s] done: %d images, %d failed; inference %.1f CPU s, share of the pass %.1f s "
          + "(%.1f img/s)%n", m.name(), s.images(), s.failed(), counters.inferNanos().get(i).value() / 1e9, wall[i],
          ips);
      m.bytes().unpersist(false);
    }
    out.printf(Locale.ROOT, "Scored %d images with %d model(s) in one pass: %.1f s, reading + decoding + "
        + "preprocessing %.1f CPU s%s%n", rows, models.size(), passWall, counters.decodeNanos().value() / 1e9,
        spark.sparkContext().isLocal() ? String.format(Locale.ROOT, "; this JVM (driver and executor) used %.1f "
            + "CPU s", passCpu) : "");
    images.unpersist(false);
    listed.unpersist(false);
    long t4 = System.nanoTime();

    // 5. The run's tables, then publish.
    step(runId, "write metrics");
    writeByRun(spark.createDataFrame(metricRows, Tables.METRICS_SCHEMA), staging + "/" + Tables.METRICS);
    writeByRun(spark.createDataFrame(classRows, Tables.CLASS_METRICS_SCHEMA), staging + "/" + Tables.CLASS_METRICS);
    RunInfo.write(spark, config, staging, runStartedAt, hadoop);
    if (publisher.publish()) {
      out.printf("Replaced the earlier output of run %s%n", runId);
    }
    done();
    long t5 = System.nanoTime();
    Timings timings = new Timings((t1 - t0) / 1e9, (t2 - t1) / 1e9, passWall, (t4 - t3) / 1e9, (t5 - t4) / 1e9,
        passCpu);
    return new Result(runId, output, total, List.copyOf(results), timings);
  }

  private ImageClassifier classifier(ModelSpec spec) {
    ImageClassifier c = ImageClassifier.forSpec(spec)
        .setTopK(Math.max(config.output().topK(), TopK.TOP5))
        .setLogits(config.output().logits())
        .setDevice(config.runtime().device())
        .setThreads(config.runtime().threads())
        .setMaxPixels(config.dataset().maxPixels());
    int prefetch = config.runtime().prefetch();
    c.setPrefetch(prefetch == ScoreConfig.Runtime.PREFETCH_AUTO ? -1 : prefetch);
    return c;
  }

  private static String describe(ResolvedModel m) {
    return m.source() instanceof ModelSource.Zoo z ? z.arch() + " (zoo, BatchNorm folded)"
        : m.spec().entry().location();
  }

  /**
   * The rows each model is to score: in an incremental run, the models listed for the image; in an ImageFolder,
   * not the files directly under the root (they have no class folder: error rows instead). One boolean column per
   * model where that can differ by row.
   */
  private Dataset<Row> withScoreIf(Dataset<Row> todo, List<ImageClassifier> classifiers, boolean incremental) {
    boolean rootFiles = config.dataset().layout() == ScoreConfig.Layout.IMAGEFOLDER;
    if (!incremental && !rootFiles) {
      return todo;
    }
    Dataset<Row> d = incremental ? todo : todo.withColumn("models", lit(null).cast("array<string>"));
    for (int i = 0; i < classifiers.size(); i++) {
      String name = config.models().get(i).name();
      Column want = incremental ? array_contains(col("models"), name) : lit(true);
      if (rootFiles) {
        want = want.and(col("label").notEqual(lit(ImageListing.NO_CLASS_FOLDER)));
      }
      String column = "_score_" + i;
      d = d.withColumn(column, want);
      classifiers.get(i).setScoreIfCol(column);
    }
    // the listing's columns, one _score_ column per model; the classifiers' outputs follow
    List<Column> c = new ArrayList<>(List.of(col("path"), col("label"), col("length"), col("modified")));
    if (List.of(d.columns()).contains(ImageListing.CONTENT)) {
      c.add(col(ImageListing.CONTENT));
    }
    for (int i = 0; i < classifiers.size(); i++) {
      c.add(col("_score_" + i));
    }
    return d.select(c.toArray(new Column[0]));
  }

  private void checkOutputOutsideInput(String output) {
    if (!config.dataset().path().isBlank()) {
      String input = qualify(config.dataset().path(), "dataset.path").replaceAll("/+$", "");
      if (output.equals(input) || output.startsWith(input + "/")) {
        throw ConfigError.of("run.output", config.run().output(), "a location outside dataset.path (" + input
            + "), or the next run would read its own output");
      }
    }
  }

  /**
   * Incremental runs: the images each model has not scored yet, one row per image with the {@code models} that
   * need it, so one pass still reads each file once.
   */
  private Dataset<Row> notYetScored(Dataset<Row> listed, List<ResolvedModel> models, String output, String runId) {
    Dataset<Row> union = null;
    for (ResolvedModel m : models) {
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
}
