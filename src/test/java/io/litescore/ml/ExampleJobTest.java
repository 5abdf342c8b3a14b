package io.litescore.ml;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import io.litescore.testing.Fixtures;
import io.litescore.testing.Parity;
import io.litescore.testing.SharedSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Java example of README's "Use it from your own Spark job", run as it is printed there. */
class ExampleJobTest {
  @TempDir Path dir;

  /** README: a user's nightly job: read a table of new images, classify, join with the orders table, write. */
  static void nightly(SparkSession spark, String images, String orders, String out, String model, String labels) {
    Dataset<Row> photos = spark.read().parquet(images);            // id, image: struct<bytes, path>
    ImageClassifier classifier = new ImageClassifier()
        .setInputCol("image")                                       // binary, URI string or struct with bytes
        .setOutputCol("prediction")
        .setModelUri(model)                                         // TorchScript (.pt) or ONNX (.onnx)
        .setLabelsUri(labels)
        .setTopK(3);
    classifier.transform(photos)
        .select(col("id"), col("prediction.pred_label").as("category"),
            col("prediction.topk_probs").getItem(0).as("confidence"), col("prediction.error"))
        .join(spark.read().parquet(orders), "id")
        .write().mode(SaveMode.Overwrite).parquet(out);
  }

  @Test
  void theReadmeExampleRuns() throws Exception {
    SparkSession spark = SharedSpark.get();
    Path photos = Parity.copyPhotos(dir.resolve("photos"));
    Path model = Fixtures.copyResource("reference/models/squeezenet1_1.pt", dir.resolve("squeezenet1_1.pt"));
    Path labels = Parity.labels(dir.resolve("imagenet.labels"), 1000);
    List<Row> images = new ArrayList<>();
    List<Row> orders = new ArrayList<>();
    try (var s = Files.list(photos)) {
      for (Path p : s.sorted().toList()) {
        long id = images.size();
        images.add(RowFactory.create(id, RowFactory.create(Files.readAllBytes(p), p.getFileName().toString())));
        orders.add(RowFactory.create(id, "order-" + id));
      }
    }
    StructType image = new StructType().add("bytes", DataTypes.BinaryType).add("path", DataTypes.StringType);
    spark.createDataFrame(images, new StructType().add("id", DataTypes.LongType).add("image", image))
        .write().parquet(dir.resolve("images").toString());
    spark.createDataFrame(orders, new StructType().add("id", DataTypes.LongType).add("order", DataTypes.StringType))
        .write().parquet(dir.resolve("orders").toString());

    nightly(spark, dir.resolve("images").toString(), dir.resolve("orders").toString(),
        dir.resolve("out").toString(), model.toString(), labels.toString());

    List<Row> out = spark.read().parquet(dir.resolve("out").toString()).collectAsList();
    assertThat(out).hasSize(8);
    assertThat(out).allSatisfy(r -> {
      assertThat(r.<String>getAs("order")).isEqualTo("order-" + r.<Long>getAs("id"));
      assertThat(r.<String>getAs("category")).startsWith("class");
      assertThat(r.<Float>getAs("confidence")).isBetween(0f, 1f);
      assertThat(r.<String>getAs("error")).isNull();
    });
  }
}
