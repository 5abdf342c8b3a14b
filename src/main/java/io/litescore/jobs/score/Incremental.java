package io.litescore.jobs.score;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.unix_millis;

import java.io.IOException;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Incremental scoring for scheduled runs: an image counts as already scored by a model version when an earlier
 * run's prediction for that model, made with the same model bytes (sha256 in metrics), has the same path, file
 * size and modification time, and no error. Path + size + mtime is chosen over a content hash because it costs
 * nothing (the listing has it); a file rewritten in place with a new mtime is scored again.
 */
final class Incremental {
  private Incremental() {}

  static Dataset<Row> notYetScored(SparkSession spark, Dataset<Row> images, String output, String runId,
      String model, String sha256) {
    Path predictions = new Path(output, "predictions");
    Path metrics = new Path(output, "metrics");
    try {
      var fs = predictions.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(predictions) || !fs.exists(metrics)) {
        return images;
      }
    } catch (IOException e) {
      return images;
    }
    Dataset<Row> runs = spark.read().parquet(metrics.toString())
        .where(col("model").equalTo(model).and(col("model_sha256").equalTo(sha256))
            .and(col("run_id").notEqual(runId)))
        .select("run_id").distinct();
    Dataset<Row> done = spark.read().parquet(predictions.toString())
        .where(col("model").equalTo(model).and(col("error").isNull()).and(col("file_size").isNotNull()))
        .join(runs, "run_id")
        .select(col("path").as("done_path"), col("file_size").as("done_size"),
            col("file_modified").cast("timestamp").as("done_modified"))
        .distinct();
    return images.join(done,
            col("path").equalTo(col("done_path"))
                .and(col("length").equalTo(col("done_size")))
                .and(col("modified").equalTo(unix_millis(col("done_modified")))),
            "left_anti");
  }
}
