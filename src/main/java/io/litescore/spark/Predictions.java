package io.litescore.spark;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Schema of {@code <run.output>/predictions}: one row per (image, model). See README "Output schemas". */
final class Predictions {
  private Predictions() {}

  static StructType schema(boolean withLogits) {
    StructType s = new StructType()
        .add("path", DataTypes.StringType, false)
        .add("label", DataTypes.StringType, true)
        .add("label_index", DataTypes.IntegerType, true)
        .add("pred_index", DataTypes.IntegerType, true)
        .add("pred_label", DataTypes.StringType, true)
        .add("topk_indices", DataTypes.createArrayType(DataTypes.IntegerType, false), true)
        .add("topk_labels", DataTypes.createArrayType(DataTypes.StringType, false), true)
        .add("topk_probs", DataTypes.createArrayType(DataTypes.FloatType, false), true)
        .add("correct_top1", DataTypes.BooleanType, true)
        .add("correct_top5", DataTypes.BooleanType, true);
    s = s.add("file_size", DataTypes.LongType, true).add("file_modified", DataTypes.TimestampType, true);
    if (withLogits) {
      s = s.add("logits", DataTypes.createArrayType(DataTypes.FloatType, false), true);
    }
    return s.add("error", DataTypes.StringType, true)
        .add("run_id", DataTypes.StringType, false)
        .add("model", DataTypes.StringType, false);
  }
}
