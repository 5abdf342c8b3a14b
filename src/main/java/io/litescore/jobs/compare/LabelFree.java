package io.litescore.jobs.compare;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_intersect;
import static org.apache.spark.sql.functions.asc;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.desc;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.percentile_approx;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.slice;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.try_element_at;
import static org.apache.spark.sql.functions.when;

import io.litescore.compare.ConfidenceHistogram;
import io.litescore.compare.PairAgreement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * What the predictions tell without labels, aggregated by Spark and collected small: per model its top-1
 * probability histogram, mean and median, its predicted-class counts; per pair of models the per-class counts of
 * their agreement on common images; the images the models disagree on most (candidates, ranked in
 * {@code io.litescore.compare.Disagreement}'s order). Models are numbered by their position in the comparison.
 *
 * <p>A class is a predicted label ({@code pred_label}, else the index as text), so models with different label
 * files agree when they name the same class. Only rows without an error count; a path a model scored twice counts
 * once. What reaches the driver: at most models x bins, models x classes, pairs x classes x 2 and
 * {@code disagreements} rows.
 */
final class LabelFree implements AutoCloseable {
  /** Median top-1 probabilities are Spark's {@code percentile_approx} with this accuracy (rank error n / 10,000). */
  static final int MEDIAN_ACCURACY = 10_000;

  /** One model's confidence figures. */
  record Confidence(ConfidenceHistogram histogram, long scored, Double mean, Double median) {}

  private final Dataset<Row> ok;
  private final int models;

  /**
   * @param predictions prediction rows of the compared runs
   * @param keys (run_id, model) of each compared model, in comparison order
   */
  LabelFree(SparkSession spark, Dataset<Row> predictions, List<String[]> keys) {
    models = keys.size();
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      rows.add(RowFactory.create(keys.get(i)[0], keys.get(i)[1], i));
    }
    Dataset<Row> index = spark.createDataFrame(rows, new StructType()
        .add("run_id", DataTypes.StringType, false)
        .add("model", DataTypes.StringType, false)
        .add("idx", DataTypes.IntegerType, false));
    ok = predictions.where(col("error").isNull().and(col("pred_index").isNotNull()))
        .join(broadcast(index), List.of("run_id", "model").toArray(new String[0]))
        .select(col("idx"), col("path"),
            coalesce(col("pred_label"), col("pred_index").cast("string")).as("cls"),
            try_element_at(col("topk_probs"), lit(1)).cast("double").as("p"),
            coalesce(slice(col("topk_labels"), 1, 5), array()).as("top5"))
        .dropDuplicates("idx", "path")
        .persist(StorageLevel.MEMORY_AND_DISK());
  }

  /** Per model (index): the histogram of its top-1 probabilities in {@code bins} bins, mean and median. */
  Map<Integer, Confidence> confidence(int bins) {
    Map<Integer, ConfidenceHistogram> histograms = new HashMap<>();
    for (int i = 0; i < models; i++) {
      histograms.put(i, ConfidenceHistogram.empty(bins));
    }
    // the bin as ConfidenceHistogram.bin has it: floor(p * bins) of the double, the last bin closed
    for (Row r : ok.where(col("p").between(0, 1))
        .groupBy(col("idx"), least(floor(col("p").multiply(bins)), lit(bins - 1)).as("bin")).count()
        .collectAsList()) {
      histograms.get(r.getInt(0)).add((int) r.getLong(1), r.getLong(2));
    }
    Map<Integer, Confidence> out = new TreeMap<>();
    Map<Integer, Row> summary = new HashMap<>();
    for (Row r : ok.where(col("p").between(0, 1)).groupBy("idx")
        .agg(count(lit(1)), avg("p"), percentile_approx(col("p"), lit(0.5), lit(MEDIAN_ACCURACY)))
        .collectAsList()) {
      summary.put(r.getInt(0), r);
    }
    for (int i = 0; i < models; i++) {
      Row s = summary.get(i);
      out.put(i, new Confidence(histograms.get(i), s == null ? 0 : s.getLong(1),
          s == null ? null : s.getDouble(2), s == null ? null : s.getDouble(3)));
    }
    return out;
  }

  /** Per model (index): its predicted classes over the images it scored, counted. */
  Map<Integer, Map<String, Long>> classCounts() {
    Map<Integer, Map<String, Long>> out = new TreeMap<>();
    for (int i = 0; i < models; i++) {
      out.put(i, new TreeMap<>());
    }
    for (Row r : ok.groupBy("idx", "cls").count().collectAsList()) {
      out.get(r.getInt(0)).put(r.getString(1), r.getLong(2));
    }
    return out;
  }

  /**
   * Every pair of models {@code a < b} with their agreement on the images both scored (joined on path); pairs
   * without common images have an empty one.
   */
  Map<List<Integer>, PairAgreement> agreement() {
    Map<List<Integer>, PairAgreement.Builder> builders = new LinkedHashMap<>();
    for (int a = 0; a < models; a++) {
      for (int b = a + 1; b < models; b++) {
        builders.put(List.of(a, b), PairAgreement.builder());
      }
    }
    if (models > 1) {
      Dataset<Row> first = ok.select(col("idx").as("ia"), col("path"), col("cls").as("ca"), col("top5").as("ta"));
      Dataset<Row> second = ok.select(col("idx").as("ib"), col("path"), col("cls").as("cb"), col("top5").as("tb"));
      var shorter = least(size(col("ta")), size(col("tb")));
      Dataset<Row> pairs = first.join(second, "path").where(col("ia").lt(col("ib")))
          .select(col("ia"), col("ib"), col("ca").equalTo(col("cb")).cast("long").as("agree"),
              // PairAgreement.top5Overlap: shared classes of the two top-5 lists over the shorter list
              when(shorter.gt(0), size(array_intersect(col("ta"), col("tb"))).cast("double").divide(shorter))
                  .otherwise(lit(0.0)).as("overlap"),
              explode(array(struct(lit(0).as("side"), col("ca").as("cls")),
                  struct(lit(1).as("side"), col("cb").as("cls")))).as("s"));
      for (Row r : pairs.groupBy(col("ia"), col("ib"), col("s.side").as("side"), col("s.cls").as("cls"))
          .agg(count(lit(1)), sum("agree"), sum("overlap")).collectAsList()) {
        PairAgreement.Builder b = builders.get(List.of(r.getInt(0), r.getInt(1)));
        if (r.getInt(2) == 0) {
          b.first(r.getString(3), r.getLong(4), r.getLong(5), r.getDouble(6));
        } else {
          b.second(r.getString(3), r.getLong(4));
        }
      }
    }
    Map<List<Integer>, PairAgreement> out = new LinkedHashMap<>();
    builders.forEach((k, b) -> out.put(k, b.build()));
    return out;
  }

  /**
   * The paths of the {@code limit} images scored by at least two models with at least two distinct top-1 classes,
   * most disagreed first: more distinct classes, then a smaller majority share, then a lower mean top-1
   * probability, then the path.
   */
  List<String> mostDisagreed(int limit) {
    if (limit == 0 || models < 2) {
      return List.of();
    }
    Dataset<Row> votes = ok.groupBy("path", "cls").agg(count(lit(1)).as("votes"), sum("p").as("psum"));
    return votes.groupBy("path")
        .agg(sum("votes").as("models"), count(lit(1)).as("distinct"), max("votes").as("majority"),
            sum("psum").as("psum"))
        .where(col("models").geq(2).and(col("distinct").geq(2)))
        .withColumn("share", col("majority").cast("double").divide(col("models")))
        .withColumn("mean_p", col("psum").divide(col("models")))
        .orderBy(desc("distinct"), asc("share"), asc("mean_p"), asc("path"))
        .select("path").limit(limit).collectAsList().stream().map(r -> r.getString(0)).toList();
  }

  @Override
  public void close() {
    ok.unpersist();
  }
}
