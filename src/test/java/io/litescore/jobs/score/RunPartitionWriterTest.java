package io.litescore.jobs.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.litescore.testing.SharedSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run tables written on the driver are the files a one-task Spark write of the same rows makes. */
class RunPartitionWriterTest {
  private static List<Row> metricRows(String runId) {
    Tables.RowBuilder b = new Tables.RowBuilder(Tables.METRICS_SCHEMA);
    Timestamp at = Timestamp.valueOf("2026-12-07 21:30:15.123456");
    return List.of(
        b.set("model", "m1").set("model_sha256", "ab").set("dataset", "file:/d").set("images", 440L)
            .set("scored", 439L).set("failed", 1L).set("top1", 0.5).set("top5", null).set("mean_class_accuracy", null)
            .set("wall_seconds", 4.5).set("images_per_second", 97.7).set("batch_size", 8).set("threads", 1)
            .set("device", "cpu").set("started_at", at).set("model_bytes", 5_000_000L).set("params", null)
            .set("run_id", runId).build(),
        b.set("model", "m2 ünï").set("model_sha256", "cd").set("dataset", "file:/d").set("images", 0L)
            .set("scored", 0L).set("failed", 0L).set("wall_seconds", 0.0).set("images_per_second", 0.0)
            .set("batch_size", 16).set("threads", 2).set("device", "cpu,gpu:0").set("started_at", at)
            .set("model_bytes", 1L).set("params", 1_234_567L).set("run_id", runId).build());
  }

  private static List<Row> batchRows(String runId) {
    Tables.RowBuilder b = new Tables.RowBuilder(Tables.BATCH_METRICS_SCHEMA);
    return List.of(b.set("batch_id", 3L).set("model", "m").set("model_sha256", "ab").set("images", 5L)
        .set("scored", 5L).set("failed", 0L).set("labelled", 5L).set("correct_top1", 4L).set("correct_top5", 5L)
        .set("top1", 0.8).set("class_support", scala.jdk.javaapi.CollectionConverters.asScala(List.of(2L, 3L)).toSeq())
        .set("class_predicted", scala.jdk.javaapi.CollectionConverters.asScala(List.of(1L, 4L)).toSeq())
        .set("class_correct", scala.jdk.javaapi.CollectionConverters.asScala(List.of(1L, 3L)).toSeq())
        .set("wall_seconds", 1.5).set("images_per_second", 3.3).set("device", "cpu")
        .set("started_at", new Timestamp(1_765_000_000_000L)).set("run_id", runId).build());
  }

  private static Path onlyFile(Path folder, String suffix) throws Exception {
    try (Stream<Path> files = Files.list(folder)) {
      List<Path> found = files.filter(f -> f.getFileName().toString().endsWith(suffix)).toList();
      assertThat(found).hasSize(1);
      return found.get(0);
    }
  }

  private static Map<String, String> footer(Path file) throws Exception {
    try (ParquetFileReader r = ParquetFileReader.open(HadoopInputFile.fromPath(
        new org.apache.hadoop.fs.Path(file.toUri()), new Configuration()))) {
      ParquetMetadata m = r.getFooter();
      return Map.of("schema", m.getFileMetaData().getSchema().toString(),
          "spark", m.getFileMetaData().getKeyValueMetaData().get("org.apache.spark.sql.parquet.row.metadata"),
          "codec", m.getBlocks().get(0).getColumns().get(0).getCodec().name());
    }
  }

  private static void sameAsSparksWrite(SparkSession spark, Path dir, List<Row> rows, StructType schema)
      throws Exception {
    String runId = rows.get(0).getString(schema.fieldIndex("run_id"));
    Path ours = dir.resolve("ours");
    Path sparks = dir.resolve("spark");
    RunPartitionWriter.write(spark, rows, schema, ours.toUri().toString());
    spark.createDataFrame(rows, schema).coalesce(1).write().mode(SaveMode.Append).partitionBy("run_id")
        .parquet(sparks.toUri().toString());

    // the same layout: one data file in the run's folder, and the marker
    Path ourFile = onlyFile(ours.resolve("run_id=" + runId), ".snappy.parquet");
    Path sparkFile = onlyFile(sparks.resolve("run_id=" + runId), ".snappy.parquet");
    assertThat(ourFile.getFileName().toString()).matches("part-00000-[0-9a-f-]{36}\\.c000\\.snappy\\.parquet");
    assertThat(ours.resolve("_SUCCESS")).exists();
    // the same Parquet schema, Spark schema in the footer and codec
    assertThat(footer(ourFile)).isEqualTo(footer(sparkFile));
    // the same rows and column types, read back by Spark
    Dataset<Row> a = spark.read().parquet(ours.toUri().toString());
    Dataset<Row> b = spark.read().parquet(sparks.toUri().toString());
    assertThat(a.schema()).isEqualTo(b.schema());
    assertThat(a.collectAsList()).containsExactlyInAnyOrderElementsOf(b.collectAsList());
    assertThat(a.count()).isEqualTo(rows.size());
  }

  @Test
  void metricRowsAreWrittenAsSparkWritesThem(@TempDir Path dir) throws Exception {
    sameAsSparksWrite(SharedSpark.get(), dir, metricRows("r-1"), Tables.METRICS_SCHEMA);
  }

  @Test
  void arraysOfBatchMetricsAreWrittenAsSparkWritesThem(@TempDir Path dir) throws Exception {
    sameAsSparksWrite(SharedSpark.get(), dir, batchRows("stream.2"), Tables.BATCH_METRICS_SCHEMA);
  }

  @Test
  void noRowsWriteNothingAndRowsOfTwoRunsFail(@TempDir Path dir) {
    SparkSession spark = SharedSpark.get();
    RunPartitionWriter.write(spark, List.of(), Tables.CLASS_METRICS_SCHEMA, dir.resolve("none").toUri().toString());
    assertThat(dir.resolve("none")).doesNotExist();
    List<Row> two = Stream.concat(metricRows("a").stream(), metricRows("b").stream()).toList();
    assertThatThrownBy(() -> RunPartitionWriter.write(spark, two, Tables.METRICS_SCHEMA,
        dir.resolve("two").toUri().toString()))
        .hasMessageContaining("Cannot write").hasMessageContaining("runs a and b");
  }
}
