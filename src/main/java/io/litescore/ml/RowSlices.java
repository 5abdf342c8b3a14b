package io.litescore.ml;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.Partition;
import org.apache.spark.SparkContext;
import org.apache.spark.TaskContext;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.CatalystTypeConverters$;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.StructType;
import scala.Function1;
import scala.collection.Iterator;
import scala.jdk.javaapi.CollectionConverters;
import scala.reflect.ClassTag$;

/**
 * Rows held on the driver, as an RDD of Spark's internal rows with one partition per given slice: each task gets
 * its own slice (inside its partition, as Spark's {@code parallelize} does) and nothing else.
 *
 * <p>What {@code parallelize(slices).flatMap(...)} followed by a row conversion gave, without three RDD operations:
 * each of those records an operation scope (JSON) and cleans its closure (ASM reads the lambda's class), about
 * 0.1 s of a fresh JVM's start on 2 cores, where the rows themselves take microseconds.
 */
final class RowSlices extends RDD<InternalRow> {
  private static final long serialVersionUID = 1L;

  private final transient Partition[] slices;

  @SuppressWarnings({"unchecked", "rawtypes"})
  RowSlices(SparkContext sc, List<List<Row>> rows, StructType schema) {
    super(sc, (scala.collection.immutable.Seq) scala.collection.immutable.Nil$.MODULE$,
        ClassTag$.MODULE$.apply(InternalRow.class));
    Function1<Object, Object> convert = CatalystTypeConverters$.MODULE$.createToCatalystConverter(schema);
    slices = new Partition[rows.size()];
    for (int i = 0; i < slices.length; i++) {
      ArrayList<InternalRow> internal = new ArrayList<>(rows.get(i).size());
      for (Row r : rows.get(i)) {
        internal.add((InternalRow) convert.apply(r));
      }
      slices[i] = new Slice(i, internal);
    }
  }

  @Override
  public Iterator<InternalRow> compute(Partition split, TaskContext context) {
    return CollectionConverters.asScala(((Slice) split).rows.iterator());
  }

  @Override
  public Partition[] getPartitions() {
    return slices;
  }

  /** One task's rows. */
  private static final class Slice implements Partition {
    private static final long serialVersionUID = 1L;
    private final int index;
    private final ArrayList<InternalRow> rows;

    Slice(int index, ArrayList<InternalRow> rows) {
      this.index = index;
      this.rows = rows;
    }

    @Override
    public int index() {
      return index;
    }

    @Override
    public int hashCode() {
      return index;
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Slice s && s.index == index;
    }
  }
}
