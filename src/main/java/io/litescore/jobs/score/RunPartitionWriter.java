package io.litescore.jobs.score;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.mapreduce.Job;
import org.apache.hadoop.mapreduce.JobID;
import org.apache.hadoop.mapreduce.TaskAttemptContext;
import org.apache.hadoop.mapreduce.TaskAttemptID;
import org.apache.hadoop.mapreduce.TaskID;
import org.apache.hadoop.mapreduce.TaskType;
import org.apache.hadoop.mapreduce.task.TaskAttemptContextImpl;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.CatalystTypeConverters$;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.catalog.ExternalCatalogUtils;
import org.apache.spark.sql.execution.datasources.OutputWriter;
import org.apache.spark.sql.execution.datasources.OutputWriterFactory;
import org.apache.spark.sql.execution.datasources.parquet.ParquetFileFormat;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.Function1;

/**
 * Writes a run's few metric rows as one Parquet file in the table's {@code run_id=<id>} folder, from the driver,
 * with Spark's own Parquet writer ({@link ParquetFileFormat#prepareWrite}: the session's codec, timestamp type and
 * Spark schema in the footer): the same file a one-task {@code partitionBy("run_id")} write makes, without the job.
 * A Spark write of a few rows still plans a query, schedules a stage and generates its task's projections: 0.2-0.3
 * s of a fresh 440-image command's end. The file goes to a staging folder that {@link RunPublisher} moves into place,
 * so it needs no commit protocol of its own; like a committed write, it leaves an empty {@code _SUCCESS} marker.
 */
public final class RunPartitionWriter {
  static final String PARTITION = "run_id";
  private static final String SUCCESS_MARKER_KEY = "mapreduce.fileoutputcommitter.marksuccessfuljobs";

  private RunPartitionWriter() {}

  /** Writes {@code rows} (of {@code schema}, all of one run id) under {@code table}; nothing when there are none. */
  public static void write(SparkSession spark, List<Row> rows, StructType schema, String table) {
    if (rows.isEmpty()) {
      return;
    }
    int at = schema.fieldIndex(PARTITION);
    String runId = rows.get(0).getString(at);
    StructType data = new StructType(Arrays.stream(schema.fields()).filter(f -> !f.name().equals(PARTITION))
        .toArray(StructField[]::new));
    List<Object[]> values = new ArrayList<>();
    for (Row r : rows) {
      if (!runId.equals(r.getString(at))) {
        throw new IllegalArgumentException("Cannot write " + table + ": rows of runs " + runId + " and "
            + r.getString(at));
      }
      Object[] v = new Object[data.size()];
      for (int i = 0, j = 0; i < r.size(); i++) {
        if (i != at) {
          v[j++] = r.get(i);
        }
      }
      values.add(v);
    }
    try {
      Job job = Job.getInstance(((org.apache.spark.sql.classic.SparkSession) spark).sessionState().newHadoopConf());
      OutputWriterFactory factory = new ParquetFileFormat().prepareWrite(spark, job,
          scala.collection.immutable.Map$.MODULE$.empty(), data);
      TaskAttemptContext task = new TaskAttemptContextImpl(job.getConfiguration(),
          new TaskAttemptID(new TaskID(new JobID("litescore", 0), TaskType.MAP, 0), 0));
      String file = table + "/" + ExternalCatalogUtils.getPartitionPathString(PARTITION, runId) + "/part-00000-"
          + UUID.randomUUID() + ".c000" + factory.getFileExtension(task);
      OutputWriter writer = factory.newInstance(file, data, task);
      Function1<Object, Object> convert = CatalystTypeConverters$.MODULE$.createToCatalystConverter(data);
      try {
        for (Object[] v : values) {
          writer.write((InternalRow) convert.apply(RowFactory.create(v)));
        }
      } finally {
        writer.close();
      }
      // the empty marker a committed Spark write leaves (pipelines wait for it); RunPublisher moves it too
      if (job.getConfiguration().getBoolean(SUCCESS_MARKER_KEY, true)) {
        Path marker = new Path(table, "_SUCCESS");
        marker.getFileSystem(job.getConfiguration()).create(marker, true).close();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + table + ": " + e.getMessage(), e);
    }
  }
}
