package io.litescore.jobs.score;

import io.litescore.ml.PredictionColumn;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The tables a score run writes under {@code run.output}, each schema defined here once (README "Output schemas"),
 * and rows built by column name.
 */
public final class Tables {
  public static final String PREDICTIONS = "predictions";
  public static final String METRICS = "metrics";
  public static final String CLASS_METRICS = "class_metrics";

  /** {@code predictions/}: one row per (image, model); partitioned by run_id and model. */
  public static StructType predictions(boolean withLogits) {
    StructType s = new StructType()
        .add("path", DataTypes.StringType, false)
        .add("label", DataTypes.StringType, true)
        .add("label_index", DataTypes.IntegerType, true)
        .add(PredictionColumn.PRED_INDEX_FIELD)
        .add(PredictionColumn.PRED_LABEL_FIELD)
        .add(PredictionColumn.TOPK_INDICES_FIELD)
        .add(PredictionColumn.TOPK_LABELS_FIELD)
        .add(PredictionColumn.TOPK_PROBS_FIELD)
        .add("correct_top1", DataTypes.BooleanType, true)
        .add("correct_top5", DataTypes.BooleanType, true)
        .add("file_size", DataTypes.LongType, true)
        .add("file_modified", DataTypes.TimestampType, true);
    if (withLogits) {
      s = s.add(PredictionColumn.LOGITS_FIELD);
    }
    return s.add(PredictionColumn.ERROR_FIELD)
        .add("run_id", DataTypes.StringType, false)
        .add("model", DataTypes.StringType, false);
  }

  /** {@code metrics/}: one row per (run, model); partitioned by run_id. */
  public static final StructType METRICS_SCHEMA = new StructType()
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

  /** {@code class_metrics/}: one row per (run, model, class); partitioned by run_id. */
  public static final StructType CLASS_METRICS_SCHEMA = new StructType()
      .add("model", DataTypes.StringType, false)
      .add("class", DataTypes.StringType, false)
      .add("support", DataTypes.LongType, false)
      .add("top1", DataTypes.DoubleType, true)
      .add("precision", DataTypes.DoubleType, true)
      .add("recall", DataTypes.DoubleType, true)
      .add("run_id", DataTypes.StringType, false);

  /**
   * {@code batch_metrics/}: one row per (stream run, micro-batch, model): that batch's counts, which add up to the
   * run's {@code metrics} and {@code class_metrics} (per-class arrays indexed by the model's class index).
   */
  public static final String BATCH_METRICS = "batch_metrics";

  public static final StructType BATCH_METRICS_SCHEMA = new StructType()
      .add("batch_id", DataTypes.LongType, false)
      .add("model", DataTypes.StringType, false)
      .add("model_sha256", DataTypes.StringType, false)
      .add("images", DataTypes.LongType, false)
      .add("scored", DataTypes.LongType, false)
      .add("failed", DataTypes.LongType, false)
      .add("labelled", DataTypes.LongType, false)
      .add("correct_top1", DataTypes.LongType, false)
      .add("correct_top5", DataTypes.LongType, false)
      .add("top1", DataTypes.DoubleType, true)
      .add("class_support", DataTypes.createArrayType(DataTypes.LongType, false), false)
      .add("class_predicted", DataTypes.createArrayType(DataTypes.LongType, false), false)
      .add("class_correct", DataTypes.createArrayType(DataTypes.LongType, false), false)
      .add("wall_seconds", DataTypes.DoubleType, false)
      .add("images_per_second", DataTypes.DoubleType, false)
      .add("device", DataTypes.StringType, false)
      .add("started_at", DataTypes.TimestampType, false)
      .add("run_id", DataTypes.StringType, false);

  private Tables() {}

  /** Builds rows of one schema by column name; columns not set are null. */
  public static final class RowBuilder {
    private final Map<String, Integer> index = new HashMap<>();
    private final int width;
    private Object[] values;

    public RowBuilder(StructType schema) {
      String[] names = schema.fieldNames();
      for (int i = 0; i < names.length; i++) {
        index.put(names[i], i);
      }
      width = names.length;
      values = new Object[width];
    }

    /** Sets a column; unknown names fail (a typo is a bug, not a missing value). */
    public RowBuilder set(String column, Object value) {
      Integer i = index.get(column);
      if (i == null) {
        throw new IllegalArgumentException("Cannot build row: no column '" + column + "' in " + index.keySet());
      }
      values[i] = value;
      return this;
    }

    /** Whether the schema has the column. */
    public boolean has(String column) {
      return index.containsKey(column);
    }

    /** Forgets the columns set so far. */
    public RowBuilder clear() {
      Arrays.fill(values, null);
      return this;
    }

    /** The row; the builder starts empty again. */
    public Row build() {
      Row r = RowFactory.create(values);
      values = new Object[width];
      return r;
    }

    @Override
    public String toString() {
      return Arrays.toString(values);
    }
  }
}
