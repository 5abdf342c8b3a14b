package io.litescore.ml;

import java.util.Iterator;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.CatalystTypeConverters$;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.execution.adaptive.AdaptiveSparkPlanExec;
import org.apache.spark.sql.types.StructType;
import scala.Function1;

/**
 * Row functions over DataFrames whose rows are images: each row costs milliseconds of decoding and inference, and
 * a Dataset's {@code map}/{@code mapPartitions} with a row encoder costs each task a deserializer and a serializer
 * compiled by Janino, and its first task the initialisation of Scala's runtime reflection universe (Catalyst's
 * {@code Invoke} names its method through it): about a second of a fresh JVM's two cores. These functions run on
 * Spark's internal rows instead and convert each row with Catalyst's interpreted type converters (microseconds).
 *
 * <p>Only where that keeps Spark's laziness: a streaming Dataset, or one planned adaptively (it has a shuffle,
 * whose stages {@code toRdd} would run at once), goes through the Dataset's own {@code mapPartitions}.
 */
public final class CatalystRows {
  private CatalystRows() {}

  /** {@code function} over each partition of {@code source}, giving rows of {@code schema}. */
  public static Dataset<Row> mapPartitions(Dataset<Row> source, MapPartitionsFunction<Row, Row> function,
      StructType schema) {
    if (source.isStreaming()
        || source.queryExecution().executedPlan() instanceof AdaptiveSparkPlanExec) {
      return source.mapPartitions(function, Encoders.row(schema));
    }
    JavaRDD<InternalRow> in = source.queryExecution().toRdd().toJavaRDD();
    return internal(source.sparkSession(), in.mapPartitions(new Converted(function, source.schema(), schema)),
        schema);
  }

  /** {@code function} over each row of {@code source}, giving rows of {@code schema}. */
  public static Dataset<Row> map(Dataset<Row> source, MapFunction<Row, Row> function, StructType schema) {
    return mapPartitions(source, (MapPartitionsFunction<Row, Row>) rows -> mapped(rows, r -> {
      try {
        return function.call(r);
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }), schema);
  }

  /** {@code rows} of {@code schema} as a DataFrame, each row converted in its task. */
  public static Dataset<Row> fromRows(SparkSession spark, JavaRDD<Row> rows, StructType schema) {
    return internal(spark, rows.mapPartitions((FlatMapFunction<Iterator<Row>, InternalRow>) it ->
        toInternal(it, schema)), schema);
  }

  /**
   * {@code slices} of rows of {@code schema} held here, as a DataFrame with one partition per slice (in order),
   * converted once on the driver ({@link RowSlices}).
   */
  public static Dataset<Row> fromSlices(SparkSession spark, java.util.List<java.util.List<Row>> slices,
      StructType schema) {
    return ((org.apache.spark.sql.classic.SparkSession) spark).internalCreateDataFrame(
        new RowSlices(spark.sparkContext(), slices, schema), schema, false);
  }

  private static Dataset<Row> internal(SparkSession spark, JavaRDD<InternalRow> rows, StructType schema) {
    return ((org.apache.spark.sql.classic.SparkSession) spark).internalCreateDataFrame(rows.rdd(), schema, false);
  }

  private static Iterator<InternalRow> toInternal(Iterator<Row> rows, StructType schema) {
    Function1<Object, Object> convert = CatalystTypeConverters$.MODULE$.createToCatalystConverter(schema);
    return mapped(rows, r -> (InternalRow) convert.apply(r));
  }

  /** {@code rows}, each passed through {@code f} as it is read. */
  private static <A, B> Iterator<B> mapped(Iterator<A> rows, java.util.function.Function<A, B> f) {
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return rows.hasNext();
      }

      @Override
      public B next() {
        return f.apply(rows.next());
      }
    };
  }

  /** A row function between internal rows: each input row becomes a {@link Row} (copied), each output row back. */
  private static final class Converted implements FlatMapFunction<Iterator<InternalRow>, InternalRow> {
    private final MapPartitionsFunction<Row, Row> function;
    private final StructType in;
    private final StructType out;

    Converted(MapPartitionsFunction<Row, Row> function, StructType in, StructType out) {
      this.function = function;
      this.in = in;
      this.out = out;
    }

    @Override
    public Iterator<InternalRow> call(Iterator<InternalRow> rows) throws Exception {
      Function1<Object, Object> toRow = CatalystTypeConverters$.MODULE$.createToScalaConverter(in);
      Iterator<Row> external = mapped(rows, r -> (Row) toRow.apply(r));
      return toInternal(function.call(external), out);
    }
  }
}
