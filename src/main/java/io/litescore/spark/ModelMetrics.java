package io.litescore.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.litescore.metrics.ClassificationMetrics;
import io.litescore.metrics.ClassificationMetrics.ClassCounts;
import io.litescore.metrics.ClassificationMetrics.ClassMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Accuracy of one model over its written predictions: Spark counts, {@link ClassificationMetrics} divides. Only
 * counts come back to the driver (a handful of numbers per class).
 */
record ModelMetrics(long images, long scored, long failed, Double top1, Double top5, Double meanClassAccuracy,
    List<ClassMetrics> classes) {

  /** Metrics of one model's predictions in a run; all zero when the run wrote none (nothing new to score). */
  static ModelMetrics of(SparkSession spark, String predictionsPath, String runId, String model) {
    org.apache.hadoop.fs.Path dir = new org.apache.hadoop.fs.Path(predictionsPath + "/run_id=" + runId + "/model="
        + model);
    try {
      if (!dir.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(dir)) {
        return new ModelMetrics(0, 0, 0, null, null, null, List.of());
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return of(spark.read().parquet(predictionsPath)
        .where(col("run_id").equalTo(runId).and(col("model").equalTo(model))));
  }

  static ModelMetrics of(Dataset<Row> predictions) {
    Row totals = predictions.agg(
        count(lit(1)),
        count(col("error")),
        sum(when(col("error").isNull().and(col("label_index").isNotNull()), 1).otherwise(0)),
        sum(when(col("correct_top1"), 1).otherwise(0)),
        sum(when(col("correct_top5"), 1).otherwise(0))).first();
    long images = totals.getLong(0);
    long failed = totals.getLong(1);
    long labelled = totals.isNullAt(2) ? 0 : totals.getLong(2);
    long correct1 = totals.isNullAt(3) ? 0 : totals.getLong(3);
    long correct5 = totals.isNullAt(4) ? 0 : totals.getLong(4);

    Dataset<Row> scoredLabelled = predictions.where(col("error").isNull().and(col("label_index").isNotNull()));
    TreeMap<String, long[]> counts = new TreeMap<>();
    for (Row r : scoredLabelled.groupBy("label")
        .agg(count(lit(1)), sum(when(col("correct_top1"), 1).otherwise(0))).collectAsList()) {
      long[] c = counts.computeIfAbsent(r.getString(0), k -> new long[3]);
      c[0] = r.getLong(1);
      c[2] = r.getLong(2);
    }
    for (Row r : scoredLabelled.groupBy("pred_label").agg(count(lit(1))).collectAsList()) {
      counts.computeIfAbsent(r.getString(0), k -> new long[3])[1] = r.getLong(1);
    }
    List<ClassMetrics> classes = new ArrayList<>();
    counts.forEach((label, c) -> classes.add(ClassificationMetrics.of(new ClassCounts(label, c[0], c[1], c[2]))));
    return new ModelMetrics(images, images - failed, failed,
        ClassificationMetrics.ratio(correct1, labelled), ClassificationMetrics.ratio(correct5, labelled),
        ClassificationMetrics.meanClassAccuracy(classes), classes);
  }
}
