package io.litescore.jobs.score.stream;

import static org.apache.spark.sql.functions.col;

import io.litescore.config.ScoreConfig;
import io.litescore.io.HadoopFiles;
import io.litescore.jobs.SparkJob;
import io.litescore.jobs.score.ImageListing;
import io.litescore.jobs.score.LabelMap;
import io.litescore.jobs.score.RunInfo;
import io.litescore.jobs.score.RunPartitionWriter;
import io.litescore.jobs.score.RunPublisher;
import io.litescore.jobs.score.ScoreJob;
import io.litescore.jobs.score.ScoringPlan;
import io.litescore.jobs.score.Tables;
import io.litescore.metrics.PassTime;
import io.litescore.metrics.PredictionCounts;
import io.litescore.ml.PassCounters;
import io.litescore.ml.ResolvedModel;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeoutException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryException;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.util.LongAccumulator;

/**
 * {@code litescore score --stream}: the dataset as a Structured Streaming source (a folder through
 * {@link ImageFileSource}, a table through its format's own streaming source), scored micro-batch by micro-batch
 * with the same classifiers as a batch run. Every micro-batch appends its predictions to the run's
 * {@code predictions/run_id=<id>} (files named {@code b<batch id>-...}), its counts to {@code batch_metrics/}, and
 * rewrites the run's {@code metrics/} and {@code class_metrics/} from all its batches' counts. Exactly once across
 * restarts: the source replays an unfinished batch with the same files, and a batch replaces whatever an earlier
 * attempt of the same batch id left.
 */
public final class StreamScoreJob extends SparkJob {
  /** What this start of the stream did, and the run's figures so far. */
  public record Result(String runId, String output, long batches, long images, List<ScoreJob.ModelResult> models) {}

  private final ScoreConfig config;
  private final PrintStream out;
  private String output;
  private ScoringPlan plan;
  private List<Map<String, Integer>> classOf;
  private long batches;
  /** A table's schema (its rows become listing rows in each batch); null for a folder. */
  private org.apache.spark.sql.types.StructType tableSchema;
  private long images;

  public StreamScoreJob(SparkSession spark, ScoreConfig config, PrintStream out) {
    super(spark, "score");
    this.config = config;
    this.out = out;
  }

  public Result run() throws TimeoutException, StreamingQueryException {
    String runId = config.run().id();
    output = qualify(config.run().output(), "run.output");
    ScoreConfig.Dataset ds = config.dataset();
    ScoreJob.checkOutputOutsideInput(config, output, qualify(ds.path(), "dataset.path"));
    step(runId, "load models");
    plan = ScoringPlan.resolve(spark, config, out);

    Dataset<Row> source;
    boolean indices;
    TreeSet<String> startLabels = new TreeSet<>();
    if (ds.layout() == ScoreConfig.Layout.TABLE) {
      tableSchema = ImageListing.readTable(spark, ds).schema();
      indices = ImageListing.TableView.of(tableSchema, ds, "").labelsAreIndices();
      source = spark.readStream().format(ds.table().format()).schema(tableSchema)
          // a file source forgets files older than maxFileAge relative to the newest: never for tables we score
          .option("maxFileAge", "36500d")
          .options(maxFiles("maxFilesPerTrigger"))
          .load(ds.path());
      plan.readFrom(ImageListing.CONTENT, false);
    } else {
      String root = ImageListing.root(ds, hadoop);
      if (ds.layout() == ScoreConfig.Layout.IMAGEFOLDER) {
        startLabels.addAll(folders(root));
      }
      indices = ds.labelsAreIndices();
      source = spark.readStream().format(ImageFileSource.class.getName()).option("path", root)
          .option("layout", ds.layout().key()).option("extensions", String.join(",", ds.extensions()))
          .options(maxFiles("maxFilesPerTrigger")).load();
      plan.readFrom("path", true);
    }
    LabelMap labelMap = LabelMap.of(ds, indices, hadoop);
    classOf = new ArrayList<>();
    for (ResolvedModel m : plan.models()) {
      Map<String, Integer> map = new HashMap<>(labelMap.mappable(m.labels()));
      map.putAll(labelMap.forModel(startLabels, m.labels(), m.name(), m.spec().keys().key("labels"),
          m.spec().labels()));
      classOf.add(map);
    }

    String checkpoint = config.stream().checkpoint() != null ? qualify(config.stream().checkpoint(),
        "stream.checkpoint") : output + "/_checkpoints/" + runId;
    out.printf("Streaming %s (%s) into run %s; checkpoint %s; trigger %s%n", ds.path(), ds.layout().key(), runId,
        checkpoint, config.stream().trigger());
    step(runId, "stream");
    StreamingQuery query = source.writeStream()
        .queryName("litescore-" + runId)
        .option("checkpointLocation", checkpoint)
        .trigger(config.stream().availableNow() ? Trigger.AvailableNow()
            : Trigger.ProcessingTime(config.stream().trigger()))
        .foreachBatch((VoidFunction2<Dataset<Row>, Long>) this::scoreBatch)
        .start();
    query.awaitTermination();
    done();
    List<ScoreJob.ModelResult> totals = new ArrayList<>();
    Map<String, Totals> run = runTotals(runId);
    for (ResolvedModel m : plan.models()) {
      Totals t = run.get(m.name());
      PredictionCounts.Summary s = (t == null ? new PredictionCounts() : t.counts()).summary(m.labels());
      totals.add(new ScoreJob.ModelResult(m.name(), m.sha256(), s.images(), s.scored(), s.failed(), s.top1(),
          s.top5(), s.meanClassAccuracy(), 0, 0, 0));
    }
    return new Result(runId, output, batches, images, totals);
  }

  private Map<String, String> maxFiles(String option) {
    long n = config.stream().maxFilesPerTrigger();
    return n > 0 ? Map.of(option, Long.toString(n)) : Map.of();
  }

  private List<String> folders(String root) {
    List<String> names = new ArrayList<>();
    try {
      Path p = HadoopFiles.path(root);
      for (FileStatus s : p.getFileSystem(hadoop).listStatus(p)) {
        if (s.isDirectory() && !io.litescore.jobs.score.FileWalker.hidden(s.getPath().getName())) {
          names.add(s.getPath().getName());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list " + root + ": " + e.getMessage(), e);
    }
    return names;
  }

  /** One micro-batch: classify, stage, move into the run's tables under batch-named files, update the run's metrics. */
  private void scoreBatch(Dataset<Row> batch, Long batchId) {
    String runId = config.run().id();
    long t0 = System.nanoTime();
    Timestamp startedAt = Timestamp.from(Instant.now());
    List<String> names = plan.names();
    RunPublisher staging = RunPublisher.forBatch(output, runId, batchId, hadoop);
    String staged = staging.staging();
    PassCounters counters = PassCounters.create(spark.sparkContext(), names);
    step(runId, "batch " + batchId);
    Dataset<Row> listed = tableSchema == null ? batch
        : batch.select(ImageListing.TableView.of(tableSchema, config.dataset(), "b" + batchId + "-").columns());
    var rowCounts = plan.newCounts(spark, "prediction counts, batch " + batchId);
    scoringWrite(() -> plan.predictions(plan.withScoreIf(listed, false), classOf, counters, runId, rowCounts)
        .write().mode(SaveMode.Overwrite).partitionBy("run_id", "model").parquet(staged + "/" + Tables.PREDICTIONS));
    Map<String, PredictionCounts> counts = new LinkedHashMap<>();
    names.forEach(n -> counts.put(n, rowCounts.value().getOrDefault(n, new PredictionCounts())));
    double wall = (System.nanoTime() - t0) / 1e9;
    long[] perModel = names.stream().mapToLong(n -> counts.get(n).totals()[0]).toArray();
    long n = java.util.Arrays.stream(perModel).max().orElse(0);
    if (n == 0) {
      deleteQuietly(staged);
      return;
    }
    double[] share = PassTime.split(wall, counters.decodeNanos().value(), perModel,
        counters.inferNanos().stream().mapToLong(LongAccumulator::value).toArray());
    List<Row> rows = new ArrayList<>();
    Tables.RowBuilder b = new Tables.RowBuilder(Tables.BATCH_METRICS_SCHEMA);
    for (int i = 0; i < names.size(); i++) {
      ResolvedModel m = plan.models().get(i);
      PredictionCounts c = counts.get(m.name());
      long[] t = c.totals();
      long[][] perClass = c.perClass(m.labels().size());
      PredictionCounts.Summary s = c.summary(m.labels());
      rows.add(b.set("batch_id", batchId).set("model", m.name()).set("model_sha256", m.sha256())
          .set("images", t[0]).set("scored", t[0] - t[1]).set("failed", t[1]).set("labelled", t[2])
          .set("correct_top1", t[3]).set("correct_top5", t[4]).set("top1", s.top1())
          .set("class_support", seq(perClass[0])).set("class_predicted", seq(perClass[1]))
          .set("class_correct", seq(perClass[2])).set("wall_seconds", share[i])
          .set("images_per_second", share[i] > 0 ? t[0] / share[i] : 0)
          .set("device", String.join(",", new TreeSet<>(counters.devices().get(i).value())))
          .set("started_at", startedAt).set("run_id", runId).build());
    }
    RunPartitionWriter.write(spark, rows, Tables.BATCH_METRICS_SCHEMA, staged + "/" + Tables.BATCH_METRICS);
    BatchFiles.move(staged + "/" + Tables.PREDICTIONS, output + "/" + Tables.PREDICTIONS, batchId, hadoop);
    BatchFiles.move(staged + "/" + Tables.BATCH_METRICS, output + "/" + Tables.BATCH_METRICS, batchId, hadoop);

    // the run's metrics: from the counts of all its batches (a few rows each), not from its predictions
    List<Row> metricRows = new ArrayList<>();
    List<Row> classRows = new ArrayList<>();
    Map<String, Totals> run = runTotals(runId);
    for (int i = 0; i < names.size(); i++) {
      ResolvedModel m = plan.models().get(i);
      Totals t = run.get(m.name());
      PredictionCounts.Summary s = t.counts().summary(m.labels());
      metricRows.add(plan.metricsRow(i, s, t.seconds(), String.join(",", t.devices()), new Timestamp(t.startedMs()),
          runId));
      classRows.addAll(plan.classRows(i, s, runId));
    }
    RunPartitionWriter.write(spark, metricRows, Tables.METRICS_SCHEMA, staged + "/" + Tables.METRICS);
    RunPartitionWriter.write(spark, classRows, Tables.CLASS_METRICS_SCHEMA, staged + "/" + Tables.CLASS_METRICS);
    RunInfo.write(spark, config, staged, startedAt.toInstant(), hadoop);
    staging.publish(List.of(Tables.METRICS, Tables.CLASS_METRICS, RunInfo.TABLE));
    batches++;
    images += n;
    out.printf(Locale.ROOT, "[stream] batch %d: %d images, %d failed, %.1f s; run %s: %d images so far%n", batchId, n,
        counts.get(names.get(0)).totals()[1], (System.nanoTime() - t0) / 1e9, runId,
        run.get(names.get(0)).counts().totals()[0]);
  }

  /** A model's figures over the run so far: its batches' counts, seconds, first start (ms) and devices. */
  private record Totals(PredictionCounts counts, double seconds, long startedMs, TreeSet<String> devices) {}

  /** Per model, the sum of the run's batch rows (a few per batch: never the predictions themselves). */
  private Map<String, Totals> runTotals(String runId) {
    Map<String, Totals> out = new LinkedHashMap<>();
    String path = output + "/" + Tables.BATCH_METRICS;
    if (!HadoopFiles.exists(path, hadoop)) {
      return out;
    }
    for (Row r : spark.read().schema(Tables.BATCH_METRICS_SCHEMA).parquet(path).where(col("run_id").equalTo(runId))
        .select("model", "images", "failed", "labelled", "correct_top1", "correct_top5", "class_support",
            "class_predicted", "class_correct", "wall_seconds", "started_at", "device").collectAsList()) {
      PredictionCounts c = PredictionCounts.of(new long[] {r.getLong(1), r.getLong(2), r.getLong(3), r.getLong(4),
          r.getLong(5)}, longs(r.getList(6)), longs(r.getList(7)), longs(r.getList(8)));
      Totals t = new Totals(c, r.getDouble(9), r.getTimestamp(10).getTime(),
          new TreeSet<>(List.of(r.getString(11).split(","))));
      out.merge(r.getString(0), t, (x, y) -> {
        x.devices().addAll(y.devices());
        return new Totals(x.counts().addAll(y.counts()), x.seconds() + y.seconds(),
            Math.min(x.startedMs(), y.startedMs()), x.devices());
      });
    }
    return out;
  }

  private static long[] longs(List<Long> values) {
    long[] out = new long[values.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = values.get(i);
    }
    return out;
  }

  private static scala.collection.Seq<Long> seq(long[] values) {
    List<Long> list = new ArrayList<>(values.length);
    for (long v : values) {
      list.add(v);
    }
    return scala.jdk.javaapi.CollectionConverters.asScala(list);
  }

  private void deleteQuietly(String uri) {
    try {
      Path p = HadoopFiles.path(uri);
      FileSystem fs = p.getFileSystem(hadoop);
      fs.delete(p, true);
    } catch (IOException e) {
      // a staging folder left behind is removed by the batch's next attempt
    }
  }
}
