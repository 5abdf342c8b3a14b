package io.litescore.ml;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import io.litescore.testing.SharedSpark;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** Row functions on internal rows: the same rows as a Dataset's own, and Spark's laziness kept. */
class CatalystRowsTest {
  private static final StructType IN = new StructType()
      .add("path", DataTypes.StringType, false)
      .add("label", DataTypes.StringType, true)
      .add("length", DataTypes.LongType, false)
      .add("content", DataTypes.BinaryType, true)
      .add("when", DataTypes.TimestampType, true);
  private static final StructType OUT = IN
      .add("prediction", new StructType()
          .add("class", DataTypes.StringType, true)
          .add("top5", DataTypes.createArrayType(DataTypes.FloatType, false), true), true);

  private static List<Row> rows() {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      rows.add(RowFactory.create("file:/d/" + i + ".jpg", i % 3 == 0 ? null : "class" + (i % 5), (long) i * 1000,
          i % 4 == 0 ? null : new byte[] {(byte) i, 2, 3}, i % 7 == 0 ? null : new Timestamp(1_700_000_000_000L + i)));
    }
    return rows;
  }

  /** Appends a prediction struct to each row: what a classifier pass does. */
  private static final MapPartitionsFunction<Row, Row> PREDICT = it -> {
    List<Row> out = new ArrayList<>();
    while (it.hasNext()) {
      Row r = it.next();
      Object[] v = new Object[r.size() + 1];
      for (int i = 0; i < r.size(); i++) {
        v[i] = r.get(i);
      }
      v[r.size()] = r.isNullAt(1) ? null : RowFactory.create(r.getString(1).toUpperCase(),
          new float[] {r.getLong(2) / 1000f, 0.5f});
      out.add(RowFactory.create(v));
    }
    return out.iterator();
  };

  private static List<String> shown(Dataset<Row> d) {
    // arrays and binaries as text: Row.equals compares them by reference
    return d.orderBy("path").toJSON().collectAsList();
  }

  @Test
  void mapsABatchDatasetOnInternalRowsToTheRowsOfItsOwnMapPartitions() {
    SparkSession spark = SharedSpark.get();
    Dataset<Row> source = CatalystRows.fromRows(spark,
        JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(rows(), 3), IN);
    Dataset<Row> mapped = CatalystRows.mapPartitions(source, PREDICT, OUT);
    Dataset<Row> expected = spark.createDataFrame(rows(), IN).mapPartitions(PREDICT, Encoders.row(OUT));

    assertThat(shown(mapped)).isEqualTo(shown(expected)).hasSize(40);
    assertThat(mapped.schema()).isEqualTo(OUT);
    // no row encoder in the plan: neither an object deserializer nor a serializer
    String plan = mapped.queryExecution().executedPlan().toString()
        + source.queryExecution().executedPlan().toString();
    assertThat(plan).doesNotContain("DeserializeToObject").doesNotContain("SerializeFromObject");
    assertThat(expected.queryExecution().executedPlan().toString()).contains("DeserializeToObject");
  }

  @Test
  void mapsEachRow() {
    SparkSession spark = SharedSpark.get();
    Dataset<Row> source = spark.createDataFrame(rows(), IN);
    StructType schema = new StructType().add("path", DataTypes.StringType).add("twice", DataTypes.LongType);
    Dataset<Row> mapped = CatalystRows.map(source, r -> RowFactory.create(r.getString(0), 2 * r.getLong(2)), schema);
    assertThat(mapped.orderBy(col("twice")).collectAsList()).extracting(r -> r.getLong(1))
        .containsExactlyElementsOf(rows().stream().map(r -> 2 * r.getLong(2)).toList());
  }

  @Test
  void aShuffledSourceIsMappedLazilyByItsOwnMapPartitions() {
    SparkSession spark = SharedSpark.get();
    String group = "catalyst-rows-lazy";
    Dataset<Row> shuffled = spark.createDataFrame(rows(), IN).repartition(3, col("label"));
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    jsc.setJobGroup(group, "lazy", false);
    try {
      Dataset<Row> mapped = CatalystRows.mapPartitions(shuffled, PREDICT, OUT);
      // planned, not run: toRdd on an adaptive plan would have run its shuffle stage already
      assertThat(spark.sparkContext().statusTracker().getJobIdsForGroup(group)).isEmpty();
      assertThat(mapped.queryExecution().analyzed().toString()).contains("MapPartitions");
      assertThat(mapped.count()).isEqualTo(40);
    } finally {
      jsc.clearJobGroup();
    }
  }

  @Test
  void aStreamingDatasetStaysAStreamingDataset() {
    SparkSession spark = SharedSpark.get();
    Dataset<Row> stream = spark.readStream().format("rate").load()
        .selectExpr("cast(value as string) as path", "cast(null as string) as label", "value as length",
            "cast(null as binary) as content", "timestamp as when");
    Dataset<Row> mapped = CatalystRows.mapPartitions(stream, PREDICT, OUT);
    assertThat(mapped.isStreaming()).isTrue();
    assertThat(mapped.schema()).isEqualTo(OUT);
  }

  @Test
  void noRowsMakeAnEmptyDataFrameOfTheSchema() {
    SparkSession spark = SharedSpark.get();
    Dataset<Row> empty = CatalystRows.fromRows(spark, JavaSparkContext.fromSparkContext(spark.sparkContext())
        .parallelize(List.of(), 1), IN);
    assertThat(empty.schema()).isEqualTo(IN);
    assertThat(empty.count()).isZero();
  }
}
