package io.litescore.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import io.litescore.config.ConfigError;
import io.litescore.config.ConfigLoader;
import io.litescore.jobs.score.ScoreJob;
import io.litescore.runtime.ModelCache;
import io.litescore.testing.Fixtures;
import io.litescore.testing.Parity;
import io.litescore.testing.SharedSpark;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ImageClassifier} on the eight reference photos and one corrupt file, with torchvision's seed-0
 * squeezenet1_1: over bytes, URIs and a Hugging Face-style Parquet struct column it gives the very logits
 * {@code score} writes for the same files; corrupt rows get an error and never fail the task; it saves and loads
 * inside a PipelineModel; chained classifiers read each image once; a model loads once per JVM; it works on a
 * streaming DataFrame.
 */
class ImageClassifierTest {
  @TempDir static Path dir;
  static Path photos;
  static Path model;
  static Path labels;
  /** file name -> logits, from the score job. */
  static Map<String, float[]> scored = new HashMap<>();
  static final String CORRUPT = "corrupt.jpg";

  @BeforeAll
  static void scoreWithTheJob() {
    photos = Parity.copyPhotos(dir.resolve("photos"));
    Fixtures.write(photos.resolve(CORRUPT), "not an image at all".getBytes());
    model = Fixtures.copyResource("reference/models/squeezenet1_1.pt", dir.resolve("squeezenet1_1.pt"));
    labels = Parity.labels(dir.resolve("imagenet.labels"), 1000);
    String conf = """
        run { id = api, output = "%s" }
        dataset { path = "%s", layout = unlabeled, partitions = 2 }
        models = [ { name = squeezenet1_1, uri = "%s", labels = "%s", batch-size = 1 } ]
        output.logits = true
        """.formatted(Fixtures.hocon(dir.resolve("out")), Fixtures.hocon(photos), Fixtures.hocon(model),
        Fixtures.hocon(labels));
    new ScoreJob(SharedSpark.get(), ConfigLoader.parse(ConfigFactory.parseString(conf)),
        new PrintStream(new ByteArrayOutputStream())).run();
    for (Row r : SharedSpark.get().read().parquet(dir.resolve("out/predictions").toString()).collectAsList()) {
      String name = io.litescore.io.HadoopFiles.fileName(r.getAs("path"));
      scored.put(name, r.isNullAt(r.fieldIndex("logits")) ? null : Parity.floats(r.getList(r.fieldIndex("logits"))));
    }
    assertThat(scored).hasSize(9);
    assertThat(scored.get(CORRUPT)).isNull();
  }

  static ImageClassifier classifier(String inputCol) {
    return new ImageClassifier().setInputCol(inputCol).setModelUri(model.toString()).setLabelsUri(labels.toString())
        .setBatchSize(1).setLogits(true);
  }

  /** Rows (name, bytes, uri) for every file. */
  static Dataset<Row> files() throws Exception {
    List<Row> rows = new ArrayList<>();
    try (Stream<Path> s = Files.list(photos)) {
      for (Path p : s.sorted().toList()) {
        rows.add(RowFactory.create(p.getFileName().toString(), Files.readAllBytes(p), p.toUri().toString()));
      }
    }
    StructType schema = new StructType().add("name", DataTypes.StringType).add("bytes", DataTypes.BinaryType)
        .add("uri", DataTypes.StringType);
    return SharedSpark.get().createDataFrame(rows, schema).repartition(3);
  }

  /** Checks every row against the score job: same logits bit for bit, the corrupt file an error. */
  static void assertSameAsScore(List<Row> rows, String nameCol, String outCol) {
    assertThat(rows).hasSize(9);
    for (Row r : rows) {
      String name = io.litescore.io.HadoopFiles.fileName(r.getAs(nameCol));
      Row p = r.getStruct(r.fieldIndex(outCol));
      if (name.equals(CORRUPT)) {
        assertThat(p.<String>getAs("error")).contains("not a recognised image format");
        assertThat(p.isNullAt(p.fieldIndex("pred_index"))).isTrue();
        continue;
      }
      assertThat(p.<String>getAs("error")).as(name).isNull();
      float[] logits = Parity.floats(p.getList(p.fieldIndex("logits")));
      assertThat(logits).as("logits of %s", name).containsExactly(scored.get(name));
      assertThat(p.getList(p.fieldIndex("topk_indices"))).hasSize(5);
      assertThat(p.<String>getAs("pred_label")).isEqualTo("class" + p.<Integer>getAs("pred_index"));
    }
  }

  @Test
  void binaryAndUriColumnsGiveTheScoreJobsLogitsAndKeepEveryColumn() throws Exception {
    Dataset<Row> in = files();
    Dataset<Row> byBytes = classifier("bytes").setOutputCol("p").transform(in);
    assertThat(byBytes.columns()).containsExactly("name", "bytes", "uri", "p");
    assertSameAsScore(byBytes.collectAsList(), "name", "p");
    Dataset<Row> byUri = classifier("uri").transform(in.drop("bytes"));
    assertThat(byUri.columns()).containsExactly("name", "uri", "prediction");
    assertSameAsScore(byUri.collectAsList(), "name", "prediction");
  }

  @Test
  void aLoneTaskPreparesOnTheIdleSlotAndGivesTheSameLogits() throws Exception {
    // one partition on local[2]: the other task slot is idle, so with prefetch auto the task's batches after the
    // first are read, decoded and preprocessed on helper threads; with prefetch 0 all of it stays on the task's thread
    Dataset<Row> one = files().coalesce(1);
    long before = ClassifierPass.HELPED.get();
    assertSameAsScore(classifier("bytes").transform(one).collectAsList(), "name", "prediction");
    long helped = ClassifierPass.HELPED.get() - before;
    assertThat(helped).isEqualTo(8); // every batch (of one image) but the first
    before = ClassifierPass.HELPED.get();
    assertSameAsScore(classifier("bytes").setPrefetch(0).transform(one).collectAsList(), "name", "prediction");
    assertThat(ClassifierPass.HELPED.get() - before).isZero();
  }

  @Test
  void huggingFaceParquetStructColumnAndTheTableLayoutOfScore() throws Exception {
    // image: struct<bytes: binary, path: string>, label: int64, as Hugging Face's image datasets are stored
    List<Row> rows = new ArrayList<>();
    List<String> names = new ArrayList<>();
    try (Stream<Path> s = Files.list(photos)) {
      for (Path p : s.sorted().toList()) {
        names.add(p.getFileName().toString());
        rows.add(RowFactory.create(RowFactory.create(Files.readAllBytes(p), p.getFileName().toString()),
            (long) (rows.size() % 3)));
      }
    }
    StructType image = new StructType().add("bytes", DataTypes.BinaryType).add("path", DataTypes.StringType);
    StructType schema = new StructType().add("image", image).add("label", DataTypes.LongType);
    Path table = dir.resolve("hf.parquet");
    SparkSession spark = SharedSpark.get();
    spark.createDataFrame(rows, schema).repartition(2).write().parquet(table.toString());

    Dataset<Row> out = classifier("image").transform(spark.read().parquet(table.toString()));
    List<Row> got = out.selectExpr("image.path AS name", "prediction").collectAsList();
    assertSameAsScore(got, "name", "prediction");

    // score with dataset.layout = table: the same predictions; integer labels are class indices
    String conf = """
        run { id = table, output = "%s" }
        dataset { layout = table, path = "%s", label-column = label }
        models = [ { name = squeezenet1_1, uri = "%s", labels = "%s", batch-size = 1 } ]
        output.logits = true
        """.formatted(Fixtures.hocon(dir.resolve("out-table")), Fixtures.hocon(table), Fixtures.hocon(model),
        Fixtures.hocon(labels));
    ScoreJob.Result r = new ScoreJob(spark, ConfigLoader.parse(ConfigFactory.parseString(conf)),
        new PrintStream(new ByteArrayOutputStream())).run();
    assertThat(r.images()).isEqualTo(9);
    assertThat(r.models().get(0).failed()).isEqualTo(1);
    List<Row> predictions = spark.read().parquet(dir.resolve("out-table/predictions").toString()).collectAsList();
    assertThat(predictions).extracting(p -> p.<String>getAs("path")).containsExactlyInAnyOrderElementsOf(names);
    for (Row p : predictions) {
      String name = p.getAs("path");
      long label = names.indexOf(name) % 3;
      assertThat(p.<String>getAs("label")).isEqualTo(Long.toString(label));
      if (name.equals(CORRUPT)) {
        assertThat(p.<String>getAs("error")).contains("not a recognised image format");
        continue;
      }
      assertThat(p.<Integer>getAs("label_index")).isEqualTo((int) label);
      assertThat(Parity.floats(p.getList(p.fieldIndex("logits")))).containsExactly(scored.get(name));
      assertThat(p.<Boolean>getAs("correct_top1")).isEqualTo(p.<Integer>getAs("pred_index") == label);
    }
  }

  @Test
  void pipelineOfTwoClassifiersReadsEachFileOnceAndSavesAndLoads() throws Exception {
    Dataset<Row> in = files().drop("bytes");
    Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {
        classifier("uri").setOutputCol("a"), classifier("uri").setOutputCol("b").setBatchSize(4).setTopK(3)});
    PipelineModel fitted = pipeline.fit(in);
    long before = ImageClassifier.filesReadInThisJvm();
    List<Row> rows = fitted.transform(in).collectAsList();
    assertThat(ImageClassifier.filesReadInThisJvm() - before).as("files read for two classifiers").isEqualTo(9);
    assertSameAsScore(rows, "name", "a");
    for (Row r : rows) {
      Row b = r.getStruct(r.fieldIndex("b"));
      Row a = r.getStruct(r.fieldIndex("a"));
      assertThat(b.<String>getAs("error")).isEqualTo(a.<String>getAs("error"));
      if (a.<String>getAs("error") == null) {
        assertThat(b.getList(b.fieldIndex("topk_indices"))).hasSize(3);
        assertThat(b.<Integer>getAs("pred_index")).isEqualTo(a.<Integer>getAs("pred_index"));
      }
    }

    Path saved = dir.resolve("pipeline");
    fitted.write().overwrite().save(saved.toString());
    PipelineModel loaded = PipelineModel.load(saved.toString());
    ImageClassifier second = (ImageClassifier) loaded.stages()[1];
    assertThat(second.getOutputCol()).isEqualTo("b");
    assertThat(second.getOrDefault(second.batchSize())).isEqualTo(4);
    assertThat(second.getParam("topK")).isSameAs(second.topK());
    int loads = ModelCache.loads();
    assertSameAsScore(loaded.transform(in).collectAsList(), "name", "a");
    assertSameAsScore(loaded.transform(in).collectAsList(), "name", "a");
    assertThat(ModelCache.loads()).as("model loads over more transforms").isEqualTo(loads);
  }

  @Test
  void schemaChecksNameTheParamTheValueAndTheExpectation() throws Exception {
    Dataset<Row> in = files().selectExpr("name", "length(bytes) AS size");
    assertThatThrownBy(() -> classifier("size").transformSchema(in.schema()))
        .hasMessageContaining("Cannot classify: inputCol = \"size\" is of type int: expected binary");
    assertThatThrownBy(() -> classifier("nope").transformSchema(in.schema()))
        .hasMessageContaining("inputCol = \"nope\": expected a column of the input");
    assertThatThrownBy(() -> new ImageClassifier().setInputCol("name").transformSchema(in.schema()))
        .isInstanceOf(ConfigError.class).hasMessageContaining("Cannot classify:")
        .hasMessageContaining("exactly one of modelUri");
    assertThatThrownBy(() -> classifier("name").setOutputCol("name").transformSchema(in.schema()))
        .hasMessageContaining("outputCol = \"name\"");
    assertThatThrownBy(() -> classifier("name").setBatchSize(0).transform(files().drop("bytes")))
        .isInstanceOf(ConfigError.class).hasMessageContaining("batchSize = 0: expected an integer >= 1");
    assertThatThrownBy(() -> classifier("uri").setLabelsUri(dir.resolve("missing.labels").toString())
        .transform(files())).hasMessageContaining("labelsUri").hasMessageContaining("not found");
  }

  @Test
  void streamingDataFrame() throws Exception {
    SparkSession spark = SharedSpark.get();
    Path incoming = Files.createDirectories(dir.resolve("incoming"));
    Files.copy(photos.resolve("grace_hopper.jpg"), incoming.resolve("grace_hopper.jpg"));
    Files.copy(photos.resolve("home.jpg"), incoming.resolve("home.jpg"));
    Dataset<Row> stream = spark.readStream().format("binaryFile")
        .schema("path STRING, modificationTime TIMESTAMP, length BIGINT, content BINARY").load(incoming.toString());
    Dataset<Row> scoredStream = classifier("content").transform(stream).selectExpr("path", "prediction");
    StreamingQuery q = scoredStream.writeStream().format("memory").queryName("classified")
        .option("checkpointLocation", dir.resolve("checkpoint").toString())
        .trigger(Trigger.AvailableNow()).start();
    q.awaitTermination();
    List<Row> rows = spark.sql("SELECT * FROM classified").collectAsList();
    assertThat(rows).hasSize(2);
    for (Row r : rows) {
      Row p = r.getStruct(1);
      String name = io.litescore.io.HadoopFiles.fileName(r.getString(0));
      assertThat(Parity.floats(p.getList(p.fieldIndex("logits")))).containsExactly(scored.get(name));
    }
  }
}
