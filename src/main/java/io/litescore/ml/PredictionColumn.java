package io.litescore.ml;

import java.util.List;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The struct an {@link ImageClassifier} adds to every row: the same fields, with the same meaning, as the
 * {@code predictions} table of {@code litescore score}. A row that could not be scored has {@code error} set and
 * every other field null.
 */
public final class PredictionColumn {
  public static final String PRED_INDEX = "pred_index";
  public static final String PRED_LABEL = "pred_label";
  public static final String TOPK_INDICES = "topk_indices";
  public static final String TOPK_LABELS = "topk_labels";
  public static final String TOPK_PROBS = "topk_probs";
  public static final String LOGITS = "logits";
  public static final String ERROR = "error";

  public static final StructField PRED_INDEX_FIELD = field(PRED_INDEX, DataTypes.IntegerType);
  public static final StructField PRED_LABEL_FIELD = field(PRED_LABEL, DataTypes.StringType);
  public static final StructField TOPK_INDICES_FIELD =
      field(TOPK_INDICES, DataTypes.createArrayType(DataTypes.IntegerType, false));
  public static final StructField TOPK_LABELS_FIELD =
      field(TOPK_LABELS, DataTypes.createArrayType(DataTypes.StringType, false));
  public static final StructField TOPK_PROBS_FIELD =
      field(TOPK_PROBS, DataTypes.createArrayType(DataTypes.FloatType, false));
  public static final StructField LOGITS_FIELD = field(LOGITS, DataTypes.createArrayType(DataTypes.FloatType, false));
  public static final StructField ERROR_FIELD = field(ERROR, DataTypes.StringType);

  private PredictionColumn() {}

  /**
   * {@code pred_index} (top-1 class), {@code pred_label}, {@code topk_indices} / {@code topk_labels} /
   * {@code topk_probs} (the {@code topK} best classes, best first, softmax probabilities), {@code logits} (the full
   * output vector, only with {@code withLogits}), {@code error} (null, or why the row has no prediction).
   */
  public static StructType schema(boolean withLogits) {
    List<StructField> fields = new java.util.ArrayList<>(List.of(PRED_INDEX_FIELD, PRED_LABEL_FIELD,
        TOPK_INDICES_FIELD, TOPK_LABELS_FIELD, TOPK_PROBS_FIELD));
    if (withLogits) {
      fields.add(LOGITS_FIELD);
    }
    fields.add(ERROR_FIELD);
    return DataTypes.createStructType(fields);
  }

  private static StructField field(String name, org.apache.spark.sql.types.DataType type) {
    return DataTypes.createStructField(name, type, true);
  }
}
