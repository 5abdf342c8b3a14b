package io.litescore.jobs.score;

import static org.apache.spark.sql.functions.array_contains;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.litescore.config.ModelSpec;
import io.litescore.config.ScoreConfig;
import io.litescore.metrics.ClassificationMetrics.ClassMetrics;
import io.litescore.metrics.PredictionCounts;
import io.litescore.metrics.TopK;
import io.litescore.ml.ImageClassifier;
import io.litescore.ml.PassCounters;
import io.litescore.ml.ResolvedModel;
import io.litescore.runtime.ModelSource;
import java.io.PrintStream;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The models of a score config as {@link ImageClassifier}s, resolved once on the driver, and what turns listed
 * images into {@code predictions} rows with them: what a batch run and a stream's micro-batches share.
 */
public final class ScoringPlan {
  private final ScoreConfig config;
  private final List<ImageClassifier> classifiers;
  private final List<ResolvedModel> models;
  private final int threads;

  private ScoringPlan(ScoreConfig config, List<ImageClassifier> classifiers, List<ResolvedModel> models,
      int threads) {
    this.config = config;
    this.classifiers = classifiers;
    this.models = models;
    this.threads = threads;
  }

  /** Reads, checks (one dry inference) and broadcasts every model of the config; prints one line per model. */
  public static ScoringPlan resolve(SparkSession spark, ScoreConfig config, PrintStream out) {
    int taskCpus = Integer.parseInt(spark.sparkContext().getConf().get("spark.task.cpus", "1"));
    List<ImageClassifier> classifiers = new ArrayList<>();
    List<ResolvedModel> models = new ArrayList<>();
    for (ModelSpec spec : config.models()) {
      int prefetch = config.runtime().prefetch();
      ImageClassifier c = ImageClassifier.forSpec(spec)
          .setOutputCol("_prediction_" + classifiers.size())
          .setTopK(Math.max(config.output().topK(), TopK.TOP5))
          .setLogits(config.output().logits())
          .setDevice(config.runtime().device())
          .setThreads(config.runtime().threads())
          .setMaxPixels(config.dataset().maxPixels())
          .setPrefetch(prefetch == ScoreConfig.Runtime.PREFETCH_AUTO ? -1 : prefetch);
      ResolvedModel m = c.resolve(spark);
      classifiers.add(c);
      models.add(m);
      out.printf("Model %s: %s (%d bytes, sha256 %s), %d classes, %s%n", m.name(),
          m.source() instanceof ModelSource.Zoo z ? z.arch() + " (zoo, BatchNorm folded, "
              + (z.onnxRuntime() ? "ONNX Runtime on CPU" : "libtorch") + ")" : spec.entry().location(),
          m.sizeBytes(), m.sha256().substring(0, 12), m.labels().size(), m.preprocessing());
    }
    return new ScoringPlan(config, classifiers, models,
        classifiers.isEmpty() ? 1 : classifiers.get(0).torchThreads(taskCpus));
  }

  public List<ResolvedModel> models() {
    return models;
  }

  /** A fresh counter of prediction rows, registered with the session's context. */
  public CountsAccumulator newCounts(SparkSession spark, String name) {
    CountsAccumulator c = new CountsAccumulator();
    spark.sparkContext().register(c, name);
    return c;
  }

  public List<String> names() {
    return models.stream().map(ResolvedModel::name).toList();
  }

  /** The classifiers read {@code column}: file paths (with their sizes in {@code length}) or a table's images. */
  public void readFrom(String column, boolean files) {
    for (ImageClassifier c : classifiers) {
      c.setInputCol(column);
      if (files) {
        c.setLengthCol("length");
      }
    }
  }

  /**
   * The rows each model is to score: in an incremental run, the models listed for the image (column
   * {@code models}); in an ImageFolder, not the files directly under the root (they have no class folder: error
   * rows instead). One boolean column per model where that can differ by row; {@code todo} as it is otherwise.
   */
  public Dataset<Row> withScoreIf(Dataset<Row> todo, boolean incremental) {
    boolean rootFiles = config.dataset().layout() == ScoreConfig.Layout.IMAGEFOLDER;
    if (!incremental && !rootFiles) {
      return todo;
    }
    List<Column> c = new ArrayList<>(List.of(col("path"), col("label"), col("length"), col("modified")));
    if (List.of(todo.columns()).contains(ImageListing.CONTENT)) {
      c.add(col(ImageListing.CONTENT));
    }
    for (int i = 0; i < classifiers.size(); i++) {
      Column want = incremental ? array_contains(col("models"), models.get(i).name()) : lit(true);
      if (rootFiles) {
        want = want.and(col("label").isNull().or(col("label").notEqual(lit(ImageListing.NO_CLASS_FOLDER))));
      }
      String column = "_score_" + i;
      c.add(want.as(column));
      classifiers.get(i).setScoreIfCol(column);
    }
    return todo.select(c.toArray(new Column[0]));
  }

  /**
   * The {@code predictions} rows of {@code todo} (listing rows, see {@link #withScoreIf}): one pass of every
   * classifier, then one row per (image, model); {@code classOf} maps each model's dataset labels to its classes;
   * {@code counts} (registered with the context) counts the rows for the metrics once they are written.
   */
  public Dataset<Row> predictions(Dataset<Row> todo, List<Map<String, Integer>> classOf, PassCounters counters,
      String runId, CountsAccumulator counts) {
    List<PredictionRows.Model> rowModels = new ArrayList<>();
    for (int i = 0; i < models.size(); i++) {
      rowModels.add(new PredictionRows.Model(models.get(i).name(), classOf.get(i), todo.schema().size() + i));
    }
    return ImageClassifier.transformAll(todo, classifiers, models, counters,
        new PredictionRows(runId, rowModels, config.output().topK(), config.output().logits(), counts),
        Tables.predictions(config.output().logits()));
  }

  /** The {@code metrics} row of model {@code i}. */
  public Row metricsRow(int i, PredictionCounts.Summary s, double wallSeconds, String devices, Timestamp startedAt,
      String runId) {
    ResolvedModel m = models.get(i);
    double ips = wallSeconds > 0 ? s.images() / wallSeconds : 0;
    return new Tables.RowBuilder(Tables.METRICS_SCHEMA).set("model", m.name()).set("model_sha256", m.sha256())
        .set("dataset", config.dataset().path()).set("images", s.images()).set("scored", s.scored())
        .set("failed", s.failed()).set("top1", s.top1()).set("top5", s.top5())
        .set("mean_class_accuracy", s.meanClassAccuracy()).set("wall_seconds", wallSeconds)
        .set("images_per_second", ips).set("batch_size", m.spec().batchSize()).set("threads", threads)
        .set("device", devices).set("started_at", startedAt).set("model_bytes", m.sizeBytes())
        .set("params", m.params()).set("run_id", runId).build();
  }

  /** The {@code class_metrics} rows of model {@code i}. */
  public List<Row> classRows(int i, PredictionCounts.Summary s, String runId) {
    Tables.RowBuilder b = new Tables.RowBuilder(Tables.CLASS_METRICS_SCHEMA);
    List<Row> rows = new ArrayList<>();
    for (ClassMetrics c : s.classes()) {
      rows.add(b.set("model", models.get(i).name()).set("class", c.label()).set("support", c.support())
          .set("top1", c.top1()).set("precision", c.precision()).set("recall", c.recall()).set("run_id", runId)
          .build());
    }
    return rows;
  }
}
