package io.litescore.testing;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.regexp_replace;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** Reads a run's output tables back, wherever they are, in a short-lived local session. */
public final class Outputs {
  private Outputs() {}

  /** A {@code local[1]} session with these Hadoop settings; stop it when done. */
  public static SparkSession session(Map<String, String> hadoopConf) {
    SparkSession.Builder b = SparkSession.builder().master("local[1]").appName("litescore-it-reader")
        .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false");
    hadoopConf.forEach((k, v) -> b.config("spark.hadoop." + k, v));
    return b.getOrCreate();
  }

  /**
   * One model's predictions of one run as sorted strings, every column but {@code run_id}, {@code model} and
   * {@code file_modified} (each store stamps its own copy), with the path cut to what follows
   * {@code /<datasetFolder>/}: equal lists mean the same rows, wherever they were read.
   */
  public static List<String> predictions(SparkSession spark, String output, String runId, String model,
      String datasetFolder) {
    var df = spark.read().parquet(output + "/predictions")
        .where(col("run_id").equalTo(runId).and(col("model").equalTo(model)));
    List<Column> cols = new ArrayList<>();
    for (String c : df.columns()) {
      if (c.equals("path")) {
        cols.add(regexp_replace(col("path"), "^.*?/" + datasetFolder + "/", "").as("path"));
      } else if (!c.equals("run_id") && !c.equals("model") && !c.equals("file_modified")) {
        cols.add(col(c));
      }
    }
    List<String> rows = new ArrayList<>();
    for (Row r : df.select(cols.toArray(Column[]::new)).collectAsList()) {
      rows.add(r.toString());
    }
    rows.sort(null);
    return rows;
  }

  /** The metrics row of one model in one run. */
  public static Row metrics(SparkSession spark, String output, String runId, String model) {
    return spark.read().parquet(output + "/metrics")
        .where(col("run_id").equalTo(runId).and(col("model").equalTo(model))).first();
  }

  /** Every row of the three tables, as JSON text: what a secret must never be part of. */
  public static String allTablesAsText(SparkSession spark, String output) {
    StringBuilder s = new StringBuilder();
    for (String t : Arrays.asList("predictions", "metrics", "class_metrics")) {
      for (String json : spark.read().parquet(output + "/" + t).toJSON().collectAsList()) {
        s.append(json).append('\n');
      }
    }
    return s.toString();
  }
}
