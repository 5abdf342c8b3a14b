package io.litescore.jobs.score;

import static org.assertj.core.api.Assertions.assertThat;

import io.litescore.testing.SharedSpark;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** A listing done on the driver, split into partitions of about the same bytes. */
class ImageListingTest {
  @Test
  void balancedSplitsTheRowsIntoPartitionsOfAboutTheSameBytes() {
    SparkSession spark = SharedSpark.get();
    List<Row> rows = new ArrayList<>();
    long[] sizes = {900, 100, 500, 400, 300, 300, 200, 100, 100, 0};
    for (int i = 0; i < sizes.length; i++) {
      rows.add(RowFactory.create("file:/data/img-" + i + ".jpg", i % 3 == 0 ? null : "class-" + i, sizes[i],
          1_700_000_000_000L + i));
    }
    Dataset<Row> split = ImageListing.balanced(spark, rows, 3);

    assertThat(split.rdd().getNumPartitions()).isEqualTo(3);
    assertThat(split.schema()).isEqualTo(ImageListing.SCHEMA);
    // every row once, each field as listed
    assertThat(split.collectAsList()).containsExactlyInAnyOrderElementsOf(rows);
    // bytes per partition: largest first, each to the lightest (900 100 | 500 300 100 100 | 400 300 200 0)
    List<Long> bytes = split.mapPartitions((MapPartitionsFunction<Row, Long>) it -> {
      long sum = 0;
      while (it.hasNext()) {
        sum += it.next().getLong(ImageListing.LENGTH);
      }
      return List.of(sum).iterator();
    }, Encoders.LONG()).collectAsList();
    assertThat(bytes).containsExactly(1000L, 1000L, 900L);
    assertThat(bytes.stream().max(Comparator.naturalOrder()).orElseThrow()
        - bytes.stream().min(Comparator.naturalOrder()).orElseThrow()).isLessThanOrEqualTo(100);
    // read again (a second job over the same partitions): the same rows
    assertThat(split.count()).isEqualTo(rows.size());
  }

  @Test
  void morePartitionsThanRowsLeavesSomeEmpty() {
    SparkSession spark = SharedSpark.get();
    List<Row> rows = List.of(RowFactory.create("file:/a.png", null, 10L, 1L),
        RowFactory.create("file:/b.png", null, 20L, 2L));
    Dataset<Row> split = ImageListing.balanced(spark, rows, 4);
    assertThat(split.rdd().getNumPartitions()).isEqualTo(4);
    assertThat(split.collectAsList()).containsExactlyInAnyOrderElementsOf(rows);
  }

  @Test
  void rowsListedHereKeepTheirOrderInOneSlicePerCore() {
    SparkSession spark = SharedSpark.get();
    int cores = spark.sparkContext().defaultParallelism();
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 2 * cores + 1; i++) {
      rows.add(RowFactory.create("file:/data/img-" + i + ".png", i % 2 == 0 ? null : "class-" + i, 10L * i,
          1_700_000_000_000L + i));
    }
    Dataset<Row> all = ImageListing.rows(spark, rows);
    assertThat(all.rdd().getNumPartitions()).isEqualTo(cores);
    assertThat(all.schema()).isEqualTo(ImageListing.SCHEMA);
    assertThat(all.collectAsList()).containsExactlyElementsOf(rows);
    List<Integer> sizes = all.mapPartitions((MapPartitionsFunction<Row, Integer>) it -> {
      int n = 0;
      for (; it.hasNext(); it.next()) {
        n++;
      }
      return List.of(n).iterator();
    }, Encoders.INT()).collectAsList();
    assertThat(sizes.stream().mapToInt(Integer::intValue).max().orElseThrow()
        - sizes.stream().mapToInt(Integer::intValue).min().orElseThrow()).isLessThanOrEqualTo(1);

    List<Row> one = rows.subList(0, 1);
    Dataset<Row> single = ImageListing.rows(spark, one);
    assertThat(single.rdd().getNumPartitions()).isEqualTo(1);
    assertThat(single.collectAsList()).containsExactlyElementsOf(one);
  }
}
