package io.litescore.jobs.score;

import static org.apache.spark.sql.functions.col;

import io.litescore.metrics.PredictionCounts;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Accuracy of every model of a run over its written predictions, in one Spark aggregation: counts per (model, true
 * class, predicted class, top-5 hit, error) come back to the driver (a few rows per class) and
 * {@link PredictionCounts} divides.
 */
public final class ModelMetrics {
  private ModelMetrics() {}

  /**
   * Counts per model of {@code predictions} (one run's rows; null when the run wrote none); models without rows
   * have empty counts.
   */
  public static Map<String, PredictionCounts> counts(Dataset<Row> predictions, List<String> models) {
    Map<String, PredictionCounts> out = new LinkedHashMap<>();
    models.forEach(m -> out.put(m, new PredictionCounts()));
    if (predictions == null) {
      return out;
    }
    for (Row r : predictions
        .groupBy(col("model"), col("label_index"), col("pred_index"), col("correct_top5"),
            col("error").isNotNull().as("failed"))
        .count().collectAsList()) {
      PredictionCounts c = out.computeIfAbsent(r.getString(0), k -> new PredictionCounts());
      c.add(r.isNullAt(1) ? null : r.getInt(1), r.isNullAt(2) ? null : r.getInt(2),
          r.isNullAt(3) ? null : r.getBoolean(3), r.getBoolean(4), r.getLong(5));
    }
    return out;
  }
}
