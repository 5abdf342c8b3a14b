package io.litescore.jobs.score;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.lit;

import io.litescore.config.ConfigError;
import io.litescore.config.ScoreConfig;
import io.litescore.jobs.SparkJob;
import io.litescore.metrics.PassTime;
import io.litescore.metrics.PredictionCounts;
import io.litescore.ml.ImageClassifier;
import io.litescore.ml.PassCounters;
import io.litescore.ml.ResolvedModel;
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
import org.apache.spark.sql.Dataset;
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

  /** Wall seconds of each step of a run ({@code incremental}: finding the images not scored yet, else 0). */
  public record Timings(double models, double listing, double incremental, double pass, double metrics,
      double publish, double passCpuSeconds) {}

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
    checkOutputOutsideInput(config, output, qualify(config.dataset().path().isBlank() ? output
        : config.dataset().path(), "dataset.path"));
    long t0 = System.nanoTime();

    // 1. Models: read once on the driver, checked with one dry inference, broadcast.
    step(runId, "load models");
    ScoringPlan plan = ScoringPlan.resolve(spark, config, out);
    List<ResolvedModel> models = plan.models();
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
    plan.readFrom(listing.inputColumn(), listing.listed());
    boolean here = listing.onDriver() != null;
    // rows listed here: their Dataset is made only where an incremental run needs it
    Dataset<Row> listed = here ? null : listing.listed() ? listing.images().cache() : listing.images();
    long total = here ? listing.onDriver().size() : listed.count();
    if (total == 0) {
      throw ConfigError.of("dataset.path", config.dataset().path(), "a folder with at least one image with an "
          + "extension in " + config.dataset().extensions() + " (found none)");
    }
    // 0: a table read with its own splits. Known here, so the count printed below needs no images.rdd(), which
    // would plan the Dataset (~0.5 s of a fresh run).
    int split = here || listing.listed() || config.dataset().partitions() > 0 ? partitionsFor(total) : 0;
    Dataset<Row> images = here ? ImageListing.balanced(spark, listing.onDriver(), split)
        : listing.listed() ? listed.repartition(split).cache()
        : split > 0 ? listed.repartition(split) : listed;
    int partitions = split > 0 ? split : images.rdd().getNumPartitions();
    out.printf("Dataset %s: %d images (%s), %d partitions%n", config.dataset().path(), total,
        config.dataset().layout().key(), partitions);
    long t2 = System.nanoTime();

    // 3. Score: one pass over the images feeds every model (each file read and decoded once); rows are written
    // partitioned by (run_id, model). Everything goes under a hidden staging folder first and is published at the
    // end (RunPublisher): readers never see a half-written run, and a failed run leaves the previous output of its
    // id in place.
    RunPublisher publisher = RunPublisher.start(output, runId, hadoop);
    String staging = publisher.staging();
    String predictionsPath = staging + "/" + Tables.PREDICTIONS;
    List<String> names = plan.names();
    PassCounters counters = PassCounters.create(spark.sparkContext(), names);
    CountsAccumulator counts = plan.newCounts(spark, "prediction counts");
    Dataset<Row> todo = images;
    Dataset<Row> remaining = null;
    long rows = total;
    long i0 = System.nanoTime();
    if (config.run().incremental()) {
      step(runId, "find images not scored yet");
      remaining = notYetScored(here ? listing.images() : listed, models, output, runId);
      rows = remaining.count();
      // sized by what is left to score, not by the listing: a daily run's few new images make a few tasks
      todo = remaining.repartition(partitionsFor(rows));
      out.printf("Incremental: %d of %d images not scored before by at least one model%n", rows, total);
    }
    todo = plan.withScoreIf(todo, config.run().incremental());
    double incremental = config.run().incremental() ? (System.nanoTime() - i0) / 1e9 : 0;
    String what = models.size() == 1 ? models.get(0).name() : models.size() + " models";
    step(runId, "score " + what);
    Timestamp startedAt = Timestamp.from(Instant.now());
    progressSource.accept(counters.done()::value);
    long cpu0 = processCpuNanos();
    long p0 = System.nanoTime();
    try (LiveCount live = new LiveCount(spark.sparkContext(), counters.done());
        Progress p = new Progress(what, rows, live, progressIntervalMillis, out)) {
      Dataset<Row> scored = todo;
      scoringWrite(() -> plan.predictions(scored, classOf, counters, runId, counts)
          .write()
          .mode(SaveMode.Append)
          .partitionBy("run_id", "model")
          .parquet(predictionsPath));
    }
    double passWall = (System.nanoTime() - p0) / 1e9;
    double passCpu = (processCpuNanos() - cpu0) / 1e9;
    if (remaining != null) {
      remaining.unpersist(false);
    }
    long t3 = System.nanoTime();

    // 4. Metrics, from the counts the writing tasks kept: no second pass over the predictions.
    List<PredictionCounts.Summary> summaries = new ArrayList<>();
    for (ResolvedModel m : models) {
      summaries.add(counts.value().getOrDefault(m.name(), new PredictionCounts()).summary(m.labels()));
    }
    double[] wall = PassTime.split(passWall, counters.decodeNanos().value(),
        summaries.stream().mapToLong(PredictionCounts.Summary::images).toArray(),
        counters.inferNanos().stream().mapToLong(LongAccumulator::value).toArray());
    List<ModelResult> results = new ArrayList<>();
    List<Row> metricRows = new ArrayList<>();
    List<Row> classRows = new ArrayList<>();
    for (int i = 0; i < models.size(); i++) {
      ResolvedModel m = models.get(i);
      PredictionCounts.Summary s = summaries.get(i);
      double ips = wall[i] > 0 ? s.images() / wall[i] : 0;
      results.add(new ModelResult(m.name(), m.sha256(), s.images(), s.scored(), s.failed(), s.top1(), s.top5(),
          s.meanClassAccuracy(), wall[i], ips, counters.loads().get(i).value()));
      metricRows.add(plan.metricsRow(i, s, wall[i], String.join(",", new TreeSet<>(counters.devices().get(i)
          .value())), startedAt, runId));
      classRows.addAll(plan.classRows(i, s, runId));
      out.printf(Locale.ROOT, "[%s] done: %d images, %d failed; inference %.1f CPU s, share of the pass %.1f s "
          + "(%.1f img/s)%n", m.name(), s.images(), s.failed(), counters.inferNanos().get(i).value() / 1e9, wall[i],
          ips);
      m.bytes().release();
    }
    out.printf(Locale.ROOT, "Scored %d images with %d model(s) in one pass: %.1f s, reading + decoding + "
        + "preprocessing %.1f CPU s%s%n", rows, models.size(), passWall, counters.decodeNanos().value() / 1e9,
        spark.sparkContext().isLocal() ? String.format(Locale.ROOT, "; this JVM (driver and executor) used %.1f "
            + "CPU s", passCpu) : "");
    if (!here && listing.listed()) {
      images.unpersist(false);
      listed.unpersist(false);
    }
    long t4 = System.nanoTime();

    // 5. The run's tables, then publish.
    step(runId, "write metrics");
    // three small writes on the driver: side by side
    inParallel(
        () -> RunPartitionWriter.write(spark, metricRows, Tables.METRICS_SCHEMA, staging + "/" + Tables.METRICS),
        () -> RunPartitionWriter.write(spark, classRows, Tables.CLASS_METRICS_SCHEMA, staging + "/"
            + Tables.CLASS_METRICS),
        () -> RunInfo.write(spark, config, staging, runStartedAt, hadoop));
    if (publisher.publish()) {
      out.printf("Replaced the earlier output of run %s%n", runId);
    }
    done();
    long t5 = System.nanoTime();
    Timings timings = new Timings((t1 - t0) / 1e9, (t2 - t1) / 1e9, incremental, passWall, (t4 - t3) / 1e9,
        (t5 - t4) / 1e9, passCpu);
    return new Result(runId, output, total, List.copyOf(results), timings);
  }

  /** Fails when the output lies inside the dataset: the next run would read its own output. */
  public static void checkOutputOutsideInput(ScoreConfig config, String output, String qualifiedInput) {
    if (!config.dataset().path().isBlank()) {
      String input = qualifiedInput.replaceAll("/+$", "");
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

  /** {@code dataset.partitions}, else about {@link #IMAGES_PER_PARTITION} images per task, at least one per core. */
  private int partitionsFor(long images) {
    return config.dataset().partitions() > 0 ? config.dataset().partitions()
        : (int) Math.max(spark.sparkContext().defaultParallelism(), (images + IMAGES_PER_PARTITION - 1)
            / IMAGES_PER_PARTITION);
  }
}
