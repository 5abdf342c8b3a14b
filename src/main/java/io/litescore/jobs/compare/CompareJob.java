package io.litescore.jobs.compare;

import static org.apache.spark.sql.functions.asc;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.desc;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.litescore.compare.Comparison;
import io.litescore.compare.ComparisonRow;
import io.litescore.compare.ConfidenceHistogram;
import io.litescore.compare.ConfusionMatrix;
import io.litescore.compare.Csv;
import io.litescore.compare.Disagreement;
import io.litescore.compare.ModelScore;
import io.litescore.compare.PairAgreement;
import io.litescore.compare.PredictionDrift;
import io.litescore.compare.ReportData;
import io.litescore.compare.ReportPage;
import io.litescore.compare.Thumbnail;
import io.litescore.config.ConfigError;
import io.litescore.image.ImageDecodeException;
import io.litescore.io.HadoopFiles;
import io.litescore.jobs.SparkJob;
import io.litescore.jobs.score.RunInfo;
import io.litescore.jobs.score.Tables;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@code litescore compare}: reads the metrics, class metrics and predictions of one or more score runs and writes
 * a ranked comparison ({@code comparison/} Parquet and {@code comparison.csv}), the CSV exports the notebooks read
 * ({@code class_metrics.csv}, {@code confusion.csv}), what the predictions tell without labels ({@code agreement/},
 * {@code confidence/}, {@code disagreements/}, {@code drift/}, {@code drift_classes/}, each as Parquet and CSV;
 * aggregated in {@link LabelFree}) and {@code report.html}. The arithmetic (ranks, Pareto front, confusion
 * matrices, agreement, histograms, disagreement ranks, drift) is in {@code io.litescore.compare}; this class reads
 * and writes.
 */
public final class CompareJob extends SparkJob {
  /**
   * {@code comparison/}: the score run's {@code metrics} columns (their types from {@link Tables#METRICS_SCHEMA};
   * nullable where older runs lack them), then the Pareto flag, the ranks and the confidence.
   */
  static final StructType COMPARISON = new StructType()
      .add(metric("run_id", false))
      .add(metric("model", false))
      .add(metric("dataset", true))
      .add(metric("images", false))
      .add(metric("scored", false))
      .add(metric("failed", false))
      .add(metric("top1", true))
      .add(metric("top5", true))
      .add(metric("mean_class_accuracy", true))
      .add(metric("images_per_second", false))
      .add(metric("wall_seconds", false))
      .add(metric("params", true))
      .add(metric("model_bytes", true))
      .add(metric("model_sha256", true))
      .add(metric("batch_size", true))
      .add(metric("threads", true))
      .add(metric("device", true))
      .add("pareto_front", DataTypes.BooleanType, false)
      .add("rank_top1", DataTypes.IntegerType, true)
      .add("rank_top5", DataTypes.IntegerType, true)
      .add("rank_mean_class_accuracy", DataTypes.IntegerType, true)
      .add("rank_images_per_second", DataTypes.IntegerType, true)
      .add("rank_params", DataTypes.IntegerType, true)
      .add("rank_model_bytes", DataTypes.IntegerType, true)
      .add("mean_confidence", DataTypes.DoubleType, true)
      .add("median_confidence", DataTypes.DoubleType, true);

  private static org.apache.spark.sql.types.StructField metric(String name, boolean nullable) {
    return DataTypes.createStructField(name, Tables.METRICS_SCHEMA.apply(name).dataType(), nullable);
  }

  /** {@code agreement/}: one row per pair of compared models, a before b in comparison order. */
  static final StructType AGREEMENT = new StructType()
      .add("run_id_a", DataTypes.StringType, false)
      .add("model_a", DataTypes.StringType, false)
      .add("run_id_b", DataTypes.StringType, false)
      .add("model_b", DataTypes.StringType, false)
      .add("common_images", DataTypes.LongType, false)
      .add("agreed", DataTypes.LongType, false)
      .add("top1_agreement", DataTypes.DoubleType, true)
      .add("cohen_kappa", DataTypes.DoubleType, true)
      .add("top5_overlap", DataTypes.DoubleType, true)
      .add("same_model_name", DataTypes.BooleanType, false)
      .add("same_weights", DataTypes.BooleanType, false);

  /** {@code confidence/}: one row per (run, model, bin) of the top-1 probability histogram, empty bins too. */
  static final StructType CONFIDENCE = new StructType()
      .add("run_id", DataTypes.StringType, false)
      .add("model", DataTypes.StringType, false)
      .add("bin", DataTypes.IntegerType, false)
      .add("lower", DataTypes.DoubleType, false)
      .add("upper", DataTypes.DoubleType, false)
      .add("images", DataTypes.LongType, false)
      .add("share", DataTypes.DoubleType, false);

  /** {@code disagreements/}: one row per (image, compared model) for the most disagreed images. */
  static final StructType DISAGREEMENTS = new StructType()
      .add("rank", DataTypes.IntegerType, false)
      .add("path", DataTypes.StringType, false)
      .add("label", DataTypes.StringType, true)
      .add("models", DataTypes.IntegerType, false)
      .add("distinct_top1", DataTypes.IntegerType, false)
      .add("majority_label", DataTypes.StringType, false)
      .add("majority_share", DataTypes.DoubleType, false)
      .add("mean_top1_prob", DataTypes.DoubleType, false)
      .add("run_id", DataTypes.StringType, false)
      .add("model", DataTypes.StringType, false)
      .add("pred_label", DataTypes.StringType, true)
      .add("pred_index", DataTypes.IntegerType, true)
      .add("top1_prob", DataTypes.DoubleType, true)
      .add("agrees_with_majority", DataTypes.BooleanType, true)
      .add("error", DataTypes.StringType, true);

  /** {@code drift/}: one row per model scored by two runs, each run against the previous one with that model. */
  static final StructType DRIFT = new StructType()
      .add("model", DataTypes.StringType, false)
      .add("run_id_from", DataTypes.StringType, false)
      .add("run_id_to", DataTypes.StringType, false)
      .add("model_sha256_from", DataTypes.StringType, true)
      .add("model_sha256_to", DataTypes.StringType, true)
      .add("same_weights", DataTypes.BooleanType, false)
      .add("dataset_from", DataTypes.StringType, true)
      .add("dataset_to", DataTypes.StringType, true)
      .add("images_from", DataTypes.LongType, false)
      .add("images_to", DataTypes.LongType, false)
      .add("common_images", DataTypes.LongType, false)
      .add("changed", DataTypes.LongType, false)
      .add("changed_share", DataTypes.DoubleType, true)
      .add("class_tvd", DataTypes.DoubleType, true);

  /** {@code drift_classes/}: one row per (drift row, class predicted in either run), the largest shift first. */
  static final StructType DRIFT_CLASSES = new StructType()
      .add("model", DataTypes.StringType, false)
      .add("run_id_from", DataTypes.StringType, false)
      .add("run_id_to", DataTypes.StringType, false)
      .add("class", DataTypes.StringType, false)
      .add("shift_rank", DataTypes.IntegerType, false)
      .add("images_from", DataTypes.LongType, false)
      .add("images_to", DataTypes.LongType, false)
      .add("share_from", DataTypes.DoubleType, false)
      .add("share_to", DataTypes.DoubleType, false)
      .add("share_delta", DataTypes.DoubleType, false)
      .add("moved_out", DataTypes.LongType, false)
      .add("moved_in", DataTypes.LongType, false);

  /** Drift charts show at most this many classes, those whose share moved most. */
  static final int DRIFT_CLASSES_SHOWN = 20;

  /** Files larger than this get no thumbnail. */
  static final long MAX_THUMBNAIL_SOURCE_BYTES = 64L << 20;

  /**
   * What to compare and how much to show.
   *
   * @param runs score output roots (each holds {@code metrics/}, {@code class_metrics/}, {@code predictions/})
   * @param runIds the runs to compare; empty: every run found
   * @param output where the comparison and the report are written
   * @param misclassified how many images the "most often misclassified" section shows
   * @param disagreements how many images the "most disagreed" section and {@code disagreements/} hold
   * @param thumbnailSize thumbnails fit a square of this many pixels
   * @param failedListed failed images listed per run in the run details
   * @param maxClasses confusion matrices and the per-class heatmap show at most this many classes
   */
  public record Options(List<String> runs, List<String> runIds, String output, int misclassified,
      int disagreements, int thumbnailSize, int failedListed, int maxClasses) {
    public Options {
      runs = List.copyOf(runs);
      runIds = List.copyOf(runIds);
      if (runs.isEmpty()) {
        throw new ConfigError("Cannot compare: --runs: expected at least one score output folder");
      }
      positive("--misclassified", misclassified, 0);
      positive("--disagreements", disagreements, 0);
      positive("--thumbnail-size", thumbnailSize, 1);
      positive("--failed-listed", failedListed, 0);
      positive("--max-classes", maxClasses, 2);
    }

    public static Options of(List<String> runs, List<String> runIds, String output) {
      return new Options(runs, runIds, output, 24, 24, 96, 50, 40);
    }

    private static void positive(String key, int value, int min) {
      if (value < min) {
        throw new ConfigError("Cannot compare: " + key + " = " + value + ": expected an integer >= " + min);
      }
    }
  }

  /**
   * What was compared and where it was written.
   *
   * @param thumbnails thumbnails in the report, misclassified and disagreed images together
   * @param agreementPairs pairs of models in {@code agreement/}
   * @param drift models in {@code drift/} (one per pair of runs)
   */
  public record Result(String output, String report, List<String> runIds, List<ComparisonRow> rows,
      int misclassified, int thumbnails, int disagreements, int agreementPairs, int drift) {}

  private record RunModelKey(String runId, String model) {}

  private final Options options;
  private final PrintStream out;

  public CompareJob(SparkSession spark, Options options, PrintStream out) {
    super(spark, "compare");
    this.options = options;
    this.out = out;
  }

  public Result run() {
    String output = qualify(options.output(), "--output");
    List<String> roots = new ArrayList<>();
    for (String r : options.runs()) {
      String root = qualify(r, "--runs");
      if (!HadoopFiles.exists(root + "/metrics", hadoop) || !HadoopFiles.exists(root + "/predictions", hadoop)) {
        throw new ConfigError("Cannot compare: --runs = \"" + r + "\": expected the output folder of a score run "
            + "(with metrics/ and predictions/), found none there");
      }
      roots.add(root);
    }

    // 1. Metrics: one row per (run, model); which runs, from which root.
    Dataset<Row> metrics = read(roots, "metrics", Tables.METRICS_SCHEMA);
    Set<String> available = new TreeSet<>();
    metrics.select("run_id").distinct().collectAsList().forEach(r -> available.add(r.getString(0)));
    List<String> missing = options.runIds().stream().filter(id -> !available.contains(id)).toList();
    if (!missing.isEmpty() || available.isEmpty()) {
      throw new ConfigError("Cannot compare: --run-id = " + (missing.isEmpty() ? "(all)" : missing) + ": expected "
          + "runs found under --runs " + options.runs() + ", which hold " + (available.isEmpty() ? "no run"
          : "runs " + available));
    }
    List<String> runIds = options.runIds().isEmpty() ? List.copyOf(available)
        : options.runIds().stream().distinct().toList();
    metrics = metrics.where(col("run_id").isin(runIds.toArray()));
    Map<String, String> rootOfRun = new LinkedHashMap<>();
    for (Row r : metrics.select("run_id", "runs_root").distinct().collectAsList()) {
      String previous = rootOfRun.put(r.getString(0), r.getString(1));
      if (previous != null) {
        throw new ConfigError("Cannot compare: --run-id = \"" + r.getString(0) + "\": expected a run in one of "
            + "--runs, found it in both " + previous + " and " + r.getString(1) + " (pass --run-id for the runs "
            + "to compare, or one --runs)");
      }
    }
    List<Row> metricRows = metrics.orderBy("run_id", "model").collectAsList();
    List<ModelScore> scores = new ArrayList<>();
    for (Row r : metricRows) {
      scores.add(new ModelScore(r.getAs("run_id"), r.getAs("model"), r.getAs("dataset"), r.<Long>getAs("images"),
          r.<Long>getAs("scored"), r.<Long>getAs("failed"), r.getAs("top1"), r.getAs("top5"),
          r.getAs("mean_class_accuracy"), r.<Double>getAs("images_per_second"), r.<Double>getAs("wall_seconds"),
          r.getAs("params"), r.getAs("model_bytes"), r.getAs("model_sha256"), r.getAs("batch_size"),
          r.getAs("threads"), r.getAs("device")));
    }
    List<ComparisonRow> rows = new ArrayList<>(Comparison.of(scores));
    boolean manyRuns = runIds.size() > 1;
    Map<RunModelKey, Integer> modelIndex = new LinkedHashMap<>();
    List<String> keys = new ArrayList<>();
    for (ModelScore s : scores) {
      modelIndex.put(new RunModelKey(s.runId(), s.model()), keys.size());
      keys.add(manyRuns ? s.runId() + "/" + s.model() : s.model());
    }
    out.printf("Comparing %d models of %d run%s: %s%n", scores.size(), runIds.size(), manyRuns ? "s" : "", runIds);

    // 2. Predictions of these runs: confusion counts, the most misclassified images, failures.
    Dataset<Row> predictions = read(roots, "predictions", Tables.predictions(false))
        .where(col("run_id").isin(runIds.toArray()));
    Map<RunModelKey, ConfusionMatrix.Builder> builders = new LinkedHashMap<>();
    List<Row> confusionRows = predictions.where(col("error").isNull().and(col("label_index").isNotNull()))
        .groupBy("run_id", "model", "label_index", "label", "pred_index", "pred_label").count()
        .orderBy("run_id", "model", "label_index", "pred_index").collectAsList();
    for (Row r : confusionRows) {
      builders.computeIfAbsent(new RunModelKey(r.getString(0), r.getString(1)), k -> ConfusionMatrix.builder())
          .add(r.getInt(2), r.getString(3), r.getInt(4), r.getString(5), r.getLong(6));
    }
    Map<RunModelKey, ConfusionMatrix> matrices = new LinkedHashMap<>();
    for (RunModelKey k : modelIndex.keySet()) {
      if (builders.containsKey(k)) {
        matrices.put(k, builders.get(k).build());
      }
    }

    // 3. Class metrics, in the models' class order.
    List<Row> classRows = read(roots, "class_metrics", Tables.CLASS_METRICS_SCHEMA)
        .where(col("run_id").isin(runIds.toArray())).orderBy("run_id", "model", "class").collectAsList();
    LinkedHashSet<String> classOrder = new LinkedHashSet<>();
    matrices.values().forEach(m -> classOrder.addAll(m.classes()));
    classRows.forEach(r -> classOrder.add(r.getAs("class")));
    List<String> classes = new ArrayList<>(classOrder);

    // 4. What needs no label: confidence, agreement, disagreements, drift (aggregated by Spark, collected small).
    List<String[]> modelKeys = scores.stream().map(sc -> new String[] {sc.runId(), sc.model()}).toList();
    List<Disagreed> disagreed;
    List<Drift> drift;
    Map<List<Integer>, PairAgreement> agreement;
    Map<Integer, LabelFree.Confidence> confidence;
    try (LabelFree free = new LabelFree(spark, predictions, modelKeys)) {
      confidence = free.confidence(ConfidenceHistogram.BINS);
      for (int i = 0; i < rows.size(); i++) {
        rows.set(i, rows.get(i).withConfidence(confidence.get(i).mean(), confidence.get(i).median()));
      }
      agreement = free.agreement();
      drift = drift(scores, metricRows, agreement, free.classCounts());
      disagreed = disagreements(free.mostDisagreed(options.disagreements()), predictions, modelIndex, hadoop);
    }

    // 5. Outputs other tools read: Parquet and CSV.
    writeComparison(rows, output, hadoop);
    writeCsvs(classRows, classes, confusionRows, output, hadoop);
    writeAgreement(scores, agreement, output);
    writeConfidence(scores, confidence, output);
    writeDisagreements(scores, disagreed, output);
    writeDrift(drift, scores, output);

    // 6. The report.
    List<ReportData.Misclassified> misclassified = misclassified(predictions, modelIndex, keys, hadoop);
    int thumbnails = (int) (misclassified.stream().filter(m -> m.thumbnail() != null).count()
        + disagreed.stream().filter(d -> d.thumbnail() != null).count());
    List<ReportData.Run> runs = runs(runIds, metricRows, rootOfRun, predictions, hadoop);
    ReportData data = reportData(rows, keys, classes, classRows, modelIndex, matrices, misclassified, runs,
        agreement, confidence, disagreed, drift);
    String report = output + "/report.html";
    HadoopFiles.writeText(report, ReportPage.render(data), hadoop);
    out.printf("Wrote %s/{comparison,agreement,confidence,disagreements,drift,drift_classes}/ with a .csv each, "
        + "class_metrics.csv, confusion.csv%n", output);
    out.printf("Report: %s (%d models, %d misclassified images, %d disagreed images, %d with a thumbnail; "
        + "%d model pairs compared, %d drift between runs)%n", report, rows.size(), misclassified.size(),
        disagreed.size(), thumbnails, agreement.size(), drift.size());
    return new Result(output, report, runIds, rows, misclassified.size(), thumbnails, disagreed.size(),
        agreement.size(), drift.size());
  }

  /** One model in two runs: their indices in the comparison and how its predictions moved. */
  record Drift(int from, int to, PredictionDrift shift) {}

  /**
   * For every model name scored by more than one compared run: each run against the previous one with that model
   * (runs ordered by start time, then id), whether or not the file changed (model_sha256 tells).
   */
  private static List<Drift> drift(List<ModelScore> scores, List<Row> metricRows,
      Map<List<Integer>, PairAgreement> agreement, Map<Integer, Map<String, Long>> classCounts) {
    Map<String, String> runStart = new HashMap<>();
    for (Row r : metricRows) {
      Object started = r.getAs("started_at");
      String t = started == null ? "" : started.toString();
      runStart.merge(r.getAs("run_id"), t, (x, y) -> x.compareTo(y) <= 0 ? x : y);
    }
    Map<String, List<Integer>> byName = new TreeMap<>();
    for (int i = 0; i < scores.size(); i++) {
      byName.computeIfAbsent(scores.get(i).model(), k -> new ArrayList<>()).add(i);
    }
    List<Drift> out = new ArrayList<>();
    for (List<Integer> same : byName.values()) {
      List<Integer> ordered = new ArrayList<>(same);
      ordered.sort(Comparator.comparing((Integer i) -> runStart.getOrDefault(scores.get(i).runId(), ""))
          .thenComparing(i -> scores.get(i).runId()));
      for (int k = 1; k < ordered.size(); k++) {
        int from = ordered.get(k - 1);
        int to = ordered.get(k);
        PairAgreement pair = from < to ? agreement.get(List.of(from, to)) : agreement.get(List.of(to, from)).swapped();
        out.add(new Drift(from, to, PredictionDrift.of(classCounts.get(from), classCounts.get(to), pair)));
      }
    }
    return out;
  }

  /**
   * One of the most disagreed images: its ranking figures, its label when a run had one, its thumbnail (or why
   * there is none) and each compared model's prediction row on it, by model index.
   */
  record Disagreed(Disagreement rank, String label, String thumbnail, String thumbnailError,
      Map<Integer, Row> rows) {
    /** Whether the runs listed the file with different sizes or modification times: it changed between them. */
    boolean fileChanged() {
      return rows.values().stream().filter(r -> !r.isNullAt(10)).map(r -> r.get(9) + "@" + r.get(10)).distinct()
          .count() > 1;
    }
  }

  /** The most disagreed images with every compared model's row and a thumbnail, most disagreed first. */
  private List<Disagreed> disagreements(List<String> paths, Dataset<Row> predictions,
      Map<RunModelKey, Integer> modelIndex, Configuration hadoop) {
    if (paths.isEmpty()) {
      return List.of();
    }
    Map<String, Map<Integer, Row>> byPath = new HashMap<>();
    for (Row r : predictions.where(col("path").isin(paths.toArray()))
        .select("run_id", "model", "path", "label", "pred_index", "pred_label", "topk_labels", "topk_probs",
            "error", "file_size", "file_modified").collectAsList()) {
      Integer i = modelIndex.get(new RunModelKey(r.getString(0), r.getString(1)));
      if (i != null) {
        // a path a model scored twice counts once; a scored row wins over an error row
        byPath.computeIfAbsent(r.getString(2), p -> new TreeMap<>()).merge(i, r,
            (x, y) -> x.isNullAt(8) ? x : y);
      }
    }
    List<Disagreement> ranked = new ArrayList<>();
    for (String path : paths) {
      List<Disagreement.Vote> votes = new ArrayList<>();
      for (Row r : byPath.getOrDefault(path, Map.of()).values()) {
        if (r.isNullAt(8) && !r.isNullAt(4)) {
          votes.add(new Disagreement.Vote(className(r), confidenceOf(r)));
        }
      }
      if (!votes.isEmpty()) {
        ranked.add(Disagreement.of(path, votes));
      }
    }
    ranked.sort(Disagreement.MOST_FIRST);
    List<Disagreed> out = new ArrayList<>();
    for (Disagreement d : ranked) {
      Map<Integer, Row> rows = byPath.get(d.path());
      String label = rows.values().stream().filter(r -> !r.isNullAt(3)).map(r -> r.getString(3)).findFirst()
          .orElse(null);
      String[] thumbnail = thumbnail(d.path(), hadoop);
      out.add(new Disagreed(d, label, thumbnail[0], thumbnail[1], rows));
    }
    return out;
  }

  /** The report's card of a disagreed image: every compared model's top-k on it, or its error. */
  private static ReportData.Disagreed card(Disagreed d, List<String> keys) {
    List<ReportData.Prediction> preds = new ArrayList<>();
    d.rows().forEach((i, r) -> preds.add(new ReportData.Prediction(keys.get(i), r.isNullAt(8) ? null
        : r.getString(8), r.isNullAt(6) ? List.of() : r.getList(6), r.isNullAt(7) ? List.of() : r.getList(7))));
    Disagreement rank = d.rank();
    return new ReportData.Disagreed(rank.path(), HadoopFiles.fileName(rank.path()), d.label(), d.thumbnail(),
        d.thumbnailError(), d.fileChanged(), rank.models(), rank.distinct(), rank.majorityLabel(),
        rank.majorityVotes(), rank.meanConfidence(), preds);
  }

  /** A prediction row's class as the comparison names it: its label, else its index. */
  private static String className(Row r) {
    int label = r.fieldIndex("pred_label");
    return r.isNullAt(label) ? String.valueOf(r.<Integer>getAs("pred_index")) : r.getString(label);
  }

  private static double confidenceOf(Row r) {
    List<Float> probs = r.getList(r.fieldIndex("topk_probs"));
    return probs == null || probs.isEmpty() || probs.get(0) == null ? Double.NaN : probs.get(0);
  }

  /** A thumbnail data URI and null, or null and why there is none. */
  private String[] thumbnail(String path, Configuration hadoop) {
    try {
      return new String[] {Thumbnail.dataUri(readImage(path, hadoop), options.thumbnailSize()), null};
    } catch (FileNotFoundException e) {
      return new String[] {null, "image not found"};
    } catch (IOException | ImageDecodeException | RuntimeException e) {
      return new String[] {null, "image not readable: " + e.getMessage()};
    }
  }

  /** Writes {@code <name>/} (Parquet, one file) and {@code <name>.csv}, the same rows. */
  private void writeTable(String name, StructType schema, List<List<Object>> rows, String output) {
    List<Row> sparkRows = new ArrayList<>();
    Csv csv = new Csv(Arrays.asList(schema.fieldNames()));
    for (List<Object> r : rows) {
      sparkRows.add(RowFactory.create(r.toArray()));
      csv.row(r);
    }
    spark.createDataFrame(sparkRows, schema).coalesce(1).write().mode(SaveMode.Overwrite)
        .parquet(output + "/" + name);
    HadoopFiles.writeText(output + "/" + name + ".csv", csv.toString(), hadoop);
  }

  private void writeAgreement(List<ModelScore> scores, Map<List<Integer>, PairAgreement> agreement,
      String output) {
    List<List<Object>> rows = new ArrayList<>();
    agreement.forEach((pair, p) -> {
      ModelScore a = scores.get(pair.get(0));
      ModelScore b = scores.get(pair.get(1));
      rows.add(Arrays.asList(a.runId(), a.model(), b.runId(), b.model(), p.common(), p.agreed(),
          p.top1Agreement(), p.cohenKappa(), p.top5Overlap(), a.model().equals(b.model()),
          a.modelSha256() != null && a.modelSha256().equals(b.modelSha256())));
    });
    writeTable("agreement", AGREEMENT, rows, output);
  }

  private void writeConfidence(List<ModelScore> scores, Map<Integer, LabelFree.Confidence> confidence,
      String output) {
    List<List<Object>> rows = new ArrayList<>();
    for (int i = 0; i < scores.size(); i++) {
      ConfidenceHistogram h = confidence.get(i).histogram();
      long[] counts = h.counts();
      List<Double> shares = h.shares();
      for (int b = 0; b < h.bins(); b++) {
        rows.add(Arrays.asList(scores.get(i).runId(), scores.get(i).model(), b, h.lower(b), h.upper(b), counts[b],
            shares.get(b)));
      }
    }
    writeTable("confidence", CONFIDENCE, rows, output);
  }

  private void writeDisagreements(List<ModelScore> scores, List<Disagreed> disagreed, String output) {
    List<List<Object>> rows = new ArrayList<>();
    for (int rank = 0; rank < disagreed.size(); rank++) {
      Disagreed d = disagreed.get(rank);
      Disagreement r = d.rank();
      for (Map.Entry<Integer, Row> e : d.rows().entrySet()) {
        Row p = e.getValue();
        boolean scored = p.isNullAt(8) && !p.isNullAt(4);
        String cls = scored ? className(p) : null;
        double confidence = scored ? confidenceOf(p) : Double.NaN;
        rows.add(Arrays.asList(rank + 1, r.path(), d.label(), r.models(), r.distinct(), r.majorityLabel(),
            r.majorityShare().value(), r.meanConfidence(), scores.get(e.getKey()).runId(),
            scores.get(e.getKey()).model(), cls, scored ? p.getInt(4) : null,
            Double.isNaN(confidence) ? null : confidence, scored ? cls.equals(r.majorityLabel()) : null,
            p.isNullAt(8) ? null : p.getString(8)));
      }
    }
    writeTable("disagreements", DISAGREEMENTS, rows, output);
  }

  private void writeDrift(List<Drift> drift, List<ModelScore> scores, String output) {
    List<List<Object>> rows = new ArrayList<>();
    List<List<Object>> classRows = new ArrayList<>();
    for (Drift d : drift) {
      ModelScore from = scores.get(d.from());
      ModelScore to = scores.get(d.to());
      PredictionDrift s = d.shift();
      rows.add(Arrays.asList(from.model(), from.runId(), to.runId(), from.modelSha256(), to.modelSha256(),
          from.modelSha256() != null && from.modelSha256().equals(to.modelSha256()), from.dataset(), to.dataset(),
          s.imagesFrom(), s.imagesTo(), s.common().common(), s.common().changed(), s.changedShare(),
          s.totalVariation()));
      for (int k = 0; k < s.classes().size(); k++) {
        PredictionDrift.ClassShift c = s.classes().get(k);
        classRows.add(Arrays.asList(from.model(), from.runId(), to.runId(), c.label(), k + 1, c.from(), c.to(),
            c.shareFrom(), c.shareTo(), c.shareDelta(), c.movedOut(), c.movedIn()));
      }
    }
    writeTable("drift", DRIFT, rows, output);
    writeTable("drift_classes", DRIFT_CLASSES, classRows, output);
  }

  private Dataset<Row> read(List<String> roots, String table, StructType schema) {
    Dataset<Row> all = null;
    for (String root : roots) {
      if (!HadoopFiles.exists(root + "/" + table, hadoop)) {
        continue;
      }
      Dataset<Row> d = spark.read().schema(schema).parquet(root + "/" + table).withColumn("runs_root", lit(root));
      all = all == null ? d : all.unionByName(d);
    }
    return all != null ? all : spark.createDataFrame(List.of(), schema).withColumn("runs_root", lit(""));
  }

  private void writeComparison(List<ComparisonRow> rows, String output, Configuration hadoop) {
    List<Row> sparkRows = new ArrayList<>();
    Csv csv = new Csv(ComparisonRow.COLUMNS);
    for (ComparisonRow r : rows) {
      sparkRows.add(RowFactory.create(r.values().toArray()));
      csv.row(r.values());
    }
    spark.createDataFrame(sparkRows, COMPARISON).coalesce(1).write().mode(SaveMode.Overwrite)
        .parquet(output + "/comparison");
    HadoopFiles.writeText(output + "/comparison.csv", csv.toString(), hadoop);
  }

  private void writeCsvs(List<Row> classRows, List<String> classes, List<Row> confusionRows, String output,
      Configuration hadoop) {
    Csv classCsv = new Csv(List.of("run_id", "model", "class", "class_order", "support", "top1", "precision",
        "recall"));
    List<Row> sorted = new ArrayList<>(classRows);
    sorted.sort(Comparator.comparing((Row r) -> r.<String>getAs("run_id")).thenComparing(r -> r.<String>getAs("model"))
        .thenComparingInt(r -> classes.indexOf(r.<String>getAs("class"))));
    for (Row r : sorted) {
      classCsv.row(Arrays.asList(value(r, "run_id"), value(r, "model"), value(r, "class"),
          classes.indexOf(r.<String>getAs("class")), value(r, "support"), value(r, "top1"), value(r, "precision"),
          value(r, "recall")));
    }
    HadoopFiles.writeText(output + "/class_metrics.csv", classCsv.toString(), hadoop);
    Csv confusion = new Csv(List.of("run_id", "model", "label", "label_index", "pred_label", "pred_index",
        "count"));
    for (Row r : confusionRows) {
      confusion.row(Arrays.asList(r.getString(0), r.getString(1), r.getString(3), r.getInt(2), r.getString(5),
          r.getInt(4), r.getLong(6)));
    }
    HadoopFiles.writeText(output + "/confusion.csv", confusion.toString(), hadoop);
  }

  /** The images the most (run, model) pairs got wrong, with every model's top-k and a thumbnail. */
  private List<ReportData.Misclassified> misclassified(Dataset<Row> predictions,
      Map<RunModelKey, Integer> modelIndex, List<String> keys, Configuration hadoop) {
    if (options.misclassified() == 0) {
      return List.of();
    }
    List<Row> worst = predictions.where(col("correct_top1").equalTo(false))
        .groupBy("path").agg(count(lit(1)).as("wrong"), first("label", true).as("label"))
        .orderBy(desc("wrong"), asc("path")).limit(options.misclassified()).collectAsList();
    if (worst.isEmpty()) {
      return List.of();
    }
    Object[] paths = worst.stream().map(r -> r.getString(0)).toArray();
    Map<String, List<Row>> byPath = new HashMap<>();
    for (Row r : predictions.where(col("path").isin(paths))
        .select("run_id", "model", "path", "topk_labels", "topk_probs", "correct_top1", "error").collectAsList()) {
      byPath.computeIfAbsent(r.getString(2), p -> new ArrayList<>()).add(r);
    }
    List<ReportData.Misclassified> result = new ArrayList<>();
    for (Row w : worst) {
      String path = w.getString(0);
      List<Row> answers = new ArrayList<>(byPath.getOrDefault(path, List.of()));
      answers.sort(Comparator.comparingInt(r -> modelIndex.getOrDefault(
          new RunModelKey(r.getString(0), r.getString(1)), Integer.MAX_VALUE)));
      List<ReportData.Prediction> preds = new ArrayList<>();
      int judged = 0;
      for (Row r : answers) {
        Integer i = modelIndex.get(new RunModelKey(r.getString(0), r.getString(1)));
        if (i == null) {
          continue;
        }
        if (!r.isNullAt(5)) {
          judged++;
        }
        preds.add(new ReportData.Prediction(keys.get(i), r.isNullAt(6) ? null : r.getString(6),
            r.isNullAt(3) ? List.of() : r.getList(3), r.isNullAt(4) ? List.of() : r.getList(4)));
      }
      String[] thumbnail = thumbnail(path, hadoop);
      result.add(new ReportData.Misclassified(path, HadoopFiles.fileName(path), w.getString(2), thumbnail[0],
          thumbnail[1], (int) w.getLong(1), judged, preds));
    }
    return result;
  }

  private static byte[] readImage(String uri, Configuration hadoop) throws IOException {
    Path p = HadoopFiles.path(uri);
    long len = HadoopFiles.readerFor(p, hadoop).getFileStatus(p).getLen();
    if (len > MAX_THUMBNAIL_SOURCE_BYTES) {
      throw new IOException("larger than " + (MAX_THUMBNAIL_SOURCE_BYTES >> 20) + " MiB");
    }
    return HadoopFiles.readAll(uri, len, hadoop);
  }

  private List<ReportData.Run> runs(List<String> runIds, List<Row> metricRows, Map<String, String> rootOfRun,
      Dataset<Row> predictions, Configuration hadoop) {
    Dataset<Row> failed = predictions.where(col("error").isNotNull()).select("run_id", "path", "error").distinct()
        .cache();
    Map<String, Long> failedRows = new HashMap<>();
    predictions.where(col("error").isNotNull()).groupBy("run_id").count().collectAsList()
        .forEach(r -> failedRows.put(r.getString(0), r.getLong(1)));
    Map<String, Long> failedImages = new HashMap<>();
    failed.select("run_id", "path").distinct().groupBy("run_id").count().collectAsList()
        .forEach(r -> failedImages.put(r.getString(0), r.getLong(1)));
    Map<String, List<ReportData.Reason>> reasons = new HashMap<>();
    failed.groupBy("run_id", "error").count().orderBy(desc("count"), asc("error")).collectAsList()
        .forEach(r -> reasons.computeIfAbsent(r.getString(0), k -> new ArrayList<>())
            .add(new ReportData.Reason(r.getString(1), r.getLong(2))));
    List<ReportData.Run> runs = new ArrayList<>();
    for (String runId : runIds) {
      List<Row> ms = metricRows.stream().filter(r -> runId.equals(r.getAs("run_id"))).toList();
      JsonObject info = RunInfo.read(rootOfRun.get(runId), runId, hadoop);
      List<ReportData.RunModel> models = new ArrayList<>();
      for (Row m : ms) {
        models.add(new ReportData.RunModel(m.getAs("model"), source(info, m.getAs("model")), m.getAs("model_sha256")));
      }
      List<ReportData.FailedImage> examples = new ArrayList<>();
      long images = failedImages.getOrDefault(runId, 0L);
      if (images > 0 && options.failedListed() > 0) {
        failed.where(col("run_id").equalTo(runId)).orderBy("path", "error").limit(options.failedListed())
            .collectAsList().forEach(r -> examples.add(new ReportData.FailedImage(r.getString(1), r.getString(2))));
      }
      ReportData.Failures failures = new ReportData.Failures(failedRows.getOrDefault(runId, 0L), images,
          reasons.getOrDefault(runId, List.of()), examples, images > examples.size());
      Object started = ms.stream().map(r -> r.getAs("started_at")).filter(s -> s != null)
          .map(Object::toString).sorted().findFirst().orElse(null);
      runs.add(new ReportData.Run(runId, ms.isEmpty() ? null : ms.get(0).getAs("dataset"),
          ms.stream().mapToLong(r -> r.<Long>getAs("images")).max().orElse(0), (String) started, models, info,
          failures));
    }
    failed.unpersist();
    return runs;
  }

  /** Where a model came from, per the run's recorded config: its TorchScript URI, zoo arch + weights, or artifact. */
  private static String source(JsonObject info, String model) {
    if (info == null || !info.has("config") || !info.getAsJsonObject("config").has("models")) {
      return null;
    }
    for (JsonElement e : info.getAsJsonObject("config").getAsJsonArray("models")) {
      JsonObject m = e.getAsJsonObject();
      if (!model.equals(string(m, "name"))) {
        continue;
      }
      if (string(m, "uri") != null) {
        return string(m, "uri");
      }
      if (string(m, "artifact") != null) {
        return "artifact " + string(m, "artifact");
      }
      return "zoo " + string(m, "arch") + " + " + string(m, "weights");
    }
    return null;
  }

  private static String string(JsonObject o, String key) {
    return o.has(key) && !o.get(key).isJsonNull() ? o.get(key).getAsString() : null;
  }

  private ReportData reportData(List<ComparisonRow> rows, List<String> keys, List<String> classes,
      List<Row> classRows, Map<RunModelKey, Integer> modelIndex, Map<RunModelKey, ConfusionMatrix> matrices,
      List<ReportData.Misclassified> misclassified, List<ReportData.Run> runs,
      Map<List<Integer>, PairAgreement> agreement, Map<Integer, LabelFree.Confidence> confidence,
      List<Disagreed> disagreed, List<Drift> drift) {
    List<Map<String, Object>> models = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("key", keys.get(i));
      List<Object> values = rows.get(i).values();
      for (int c = 0; c < ComparisonRow.COLUMNS.size(); c++) {
        Object v = values.get(c);
        m.put(ComparisonRow.COLUMNS.get(c), v instanceof Double d && !Double.isFinite(d) ? null : v);
      }
      models.add(m);
    }

    // Per-class accuracy; with many classes, the ones with the lowest mean accuracy.
    Map<String, double[]> sums = new HashMap<>();
    List<ReportData.ClassCell> cells = new ArrayList<>();
    for (Row r : classRows) {
      Integer mi = modelIndex.get(new RunModelKey(r.getAs("run_id"), r.getAs("model")));
      Double top1 = r.getAs("top1");
      if (mi != null && top1 != null) {
        double[] s = sums.computeIfAbsent(r.getAs("class"), k -> new double[2]);
        s[0] += top1;
        s[1]++;
      }
    }
    List<String> shown = classes;
    int heatmapLimit = Math.max(options.maxClasses(), 100);
    if (classes.size() > heatmapLimit) {
      shown = classes.stream().filter(sums::containsKey)
          .sorted(Comparator.comparingDouble(c -> sums.get(c)[0] / sums.get(c)[1])).limit(heatmapLimit)
          .sorted(Comparator.comparingInt(classes::indexOf)).toList();
    }
    Map<String, Integer> shownIndex = new HashMap<>();
    for (int i = 0; i < shown.size(); i++) {
      shownIndex.put(shown.get(i), i);
    }
    for (Row r : classRows) {
      Integer mi = modelIndex.get(new RunModelKey(r.getAs("run_id"), r.getAs("model")));
      Integer ci = shownIndex.get(r.<String>getAs("class"));
      if (mi != null && ci != null && r.<Long>getAs("support") > 0) {
        cells.add(new ReportData.ClassCell(mi, ci, r.getAs("top1"), r.<Long>getAs("support")));
      }
    }

    List<ReportData.Confusion> confusion = new ArrayList<>();
    matrices.forEach((k, full) -> {
      ConfusionMatrix m = full.restrictTo(options.maxClasses());
      confusion.add(new ReportData.Confusion(keys.get(modelIndex.get(k)), m.classes(), m.counts(),
          full.accuracy(), full.total(), full.classes().size()));
    });

    Map<String, String> tool = new LinkedHashMap<>();
    String version = CompareJob.class.getPackage().getImplementationVersion();
    tool.put("litescore", version == null ? "(development build)" : version);
    tool.put("spark", spark.version());
    tool.put("java", System.getProperty("java.version"));
    tool.put("echarts", ReportPage.echartsVersion());
    String title = "litescore: " + (rows.size() == 1 ? "1 model" : rows.size() + " models") + " compared ("
        + String.join(", ", runs.stream().map(ReportData.Run::runId).toList()) + ")";
    boolean labelled = rows.stream().anyMatch(r -> r.score().top1() != null);
    List<ReportData.AgreementCell> agreementCells = new ArrayList<>();
    agreement.forEach((pair, p) -> agreementCells.add(new ReportData.AgreementCell(pair.get(0), pair.get(1),
        p.common(), p.agreed(), p.top1Agreement(), p.cohenKappa(), p.top5Overlap())));
    List<ReportData.Confidence> histograms = new ArrayList<>();
    confidence.forEach((i, c) -> histograms.add(new ReportData.Confidence(keys.get(i), c.histogram().counts(),
        c.scored(), c.mean(), c.median())));
    List<ReportData.Drift> drifts = new ArrayList<>();
    for (Drift d : drift) {
      ComparisonRow from = rows.get(d.from());
      ComparisonRow to = rows.get(d.to());
      PredictionDrift s = d.shift();
      List<ReportData.DriftClass> shifts = s.classes().stream().limit(DRIFT_CLASSES_SHOWN)
          .map(c -> new ReportData.DriftClass(c.label(), c.from(), c.to(), c.shareFrom(), c.shareTo(), c.movedOut(),
              c.movedIn())).toList();
      drifts.add(new ReportData.Drift(from.score().model(), keys.get(d.from()), keys.get(d.to()),
          from.score().runId(), to.score().runId(),
          from.score().modelSha256() != null && from.score().modelSha256().equals(to.score().modelSha256()),
          java.util.Objects.equals(from.score().dataset(), to.score().dataset()), s.imagesFrom(), s.imagesTo(),
          s.common().common(), s.common().changed(), s.changedShare(), s.totalVariation(), shifts,
          s.classes().size()));
    }
    return new ReportData(title, Instant.now().toString(), tool, runs, models, shown, shown.size(), classes.size(),
        cells, confusion, misclassified, labelled, agreementCells, histograms,
        disagreed.stream().map(d -> card(d, keys)).toList(), drifts);
  }

  private static Object value(Row r, String column) {
    return r.get(r.fieldIndex(column));
  }
}
