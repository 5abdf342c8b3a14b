package io.litescore.jobs.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.typesafe.config.ConfigFactory;
import io.litescore.config.ConfigError;
import io.litescore.config.ConfigLoader;
import io.litescore.config.ScoreConfig;
import io.litescore.testing.Fixtures;
import io.litescore.testing.SharedSpark;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The score job on a fixture whose predictions are known by construction: {@code channel_mean.pt} predicts the
 * dominant colour of a solid image. Folders hold some images of the "wrong" colour and one corrupt file, so every
 * metric below is computed by hand.
 */
public class ScoreJobTest {
  private static final int RED = 0xff0000;
  private static final int GREEN = 0x00ff00;
  private static final int BLUE = 0x0000ff;

  @TempDir public static Path dir;
  static Path data;
  static Path model;
  static Path labels;

  @BeforeAll
  public static void fixture() {
    data = dir.resolve("colours");
    io.litescore.testing.ColourDataset.handCounted(data, 16, 16);
    model = Fixtures.copyResource("models/channel_mean.pt", dir.resolve("models/channel_mean.pt"));
    labels = Fixtures.copyResource("models/channel_mean.labels", dir.resolve("models/channel_mean.labels"));
  }

  public static ScoreConfig config(String runId, Path output, String extra) {
    String conf = """
        run { id = "%s", output = "%s" }
        dataset { path = "%s", partitions = 3 }
        models = [ { name = colours, uri = "%s", labels = "%s", batch-size = 2,
                     preprocessing { resize = 8, crop = 8 } } ]
        spark-conf { }
        %s
        """.formatted(runId, Fixtures.hocon(output), Fixtures.hocon(data), Fixtures.hocon(model),
        Fixtures.hocon(labels), extra);
    return ConfigLoader.parse(ConfigFactory.parseString(conf));
  }

  static ScoreJob.Result run(ScoreConfig config) {
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    return new ScoreJob(SharedSpark.get(), config, new PrintStream(log, true)).run();
  }

  @Test
  void metricsEqualHandComputedValues() {
    Path out = dir.resolve("out-metrics");
    ScoreJob.Result result = run(config("r1", out, ""));
    SparkSession spark = SharedSpark.get();

    assertThat(result.images()).isEqualTo(9);
    ScoreJob.ModelResult m = result.models().get(0);
    assertThat(m.images()).isEqualTo(9);
    assertThat(m.failed()).isEqualTo(1);
    assertThat(m.scored()).isEqualTo(8);
    assertThat(m.top1()).isEqualTo(0.75); // red 3/4, green 2/2, blue 1/2
    assertThat(m.top5()).isEqualTo(1.0); // three classes: the label is always in the top 5
    assertThat(m.meanClassAccuracy()).isCloseTo((0.75 + 1.0 + 0.5) / 3, within(1e-12));

    Row metrics = spark.read().parquet(out + "/metrics").where("run_id = 'r1'").first();
    assertThat(metrics.<Long>getAs("images")).isEqualTo(9L);
    assertThat(metrics.<Long>getAs("failed")).isEqualTo(1L);
    assertThat(metrics.<Double>getAs("top1")).isEqualTo(0.75);
    assertThat(metrics.<Integer>getAs("batch_size")).isEqualTo(2);
    assertThat(metrics.<String>getAs("device")).isEqualTo("cpu");
    assertThat(metrics.<String>getAs("model_sha256")).hasSize(64);

    Map<String, Row> classes = new HashMap<>();
    for (Row r : spark.read().parquet(out + "/class_metrics").where("run_id = 'r1'").collectAsList()) {
      classes.put(r.getAs("class"), r);
    }
    assertThat(classes).containsOnlyKeys("red", "green", "blue");
    assertClass(classes.get("red"), 4, 0.75, 0.75);
    assertClass(classes.get("green"), 2, 2.0 / 3, 1.0);
    assertClass(classes.get("blue"), 2, 1.0, 0.5);

    List<Row> errors = spark.read().parquet(out + "/predictions").where("error is not null").collectAsList();
    assertThat(errors).hasSize(1);
    assertThat(errors.get(0).<String>getAs("path")).endsWith("blue/corrupt.png");
    assertThat(errors.get(0).<String>getAs("error")).contains("not a recognised image format");
    assertThat(errors.get(0).<String>getAs("label")).isEqualTo("blue");
    assertThat(errors.get(0).<Boolean>getAs("correct_top1")).isNull();

    Row nested = spark.read().parquet(out + "/predictions").where("path like '%nested/g2.png'").first();
    assertThat(nested.<String>getAs("label")).isEqualTo("green");
    assertThat(nested.<String>getAs("pred_label")).isEqualTo("green");
    assertThat(nested.<Integer>getAs("label_index")).isEqualTo(1);
    assertThat(nested.getList(nested.fieldIndex("topk_labels"))).containsExactly("green", "blue", "red");
    List<Float> probs = nested.getList(nested.fieldIndex("topk_probs"));
    assertThat(probs.get(0)).isGreaterThan(0.9f);
    assertThat(probs.stream().mapToDouble(Float::doubleValue).sum()).isCloseTo(1.0, within(1e-5));
    assertThat(List.of(spark.read().parquet(out + "/predictions").columns())).doesNotContain("logits");
  }

  private static void assertClass(Row r, long support, double precision, double recall) {
    assertThat(r.<Long>getAs("support")).isEqualTo(support);
    assertThat(r.<Double>getAs("precision")).isCloseTo(precision, within(1e-12));
    assertThat(r.<Double>getAs("recall")).isCloseTo(recall, within(1e-12));
    assertThat(r.<Double>getAs("top1")).isCloseTo(recall, within(1e-12));
  }

  @Test
  void rerunReplacesOnlyItsOwnRunAndModelIsLoadedOncePerJvm() {
    Path out = dir.resolve("out-rerun");
    run(config("a", out, ""));
    int loadsBefore = io.litescore.runtime.ModelCache.loads();
    ScoreJob.Result b1 = run(config("b", out, ""));
    ScoreJob.Result b2 = run(config("b", out, ""));
    // the model is already in this JVM's cache: three partitions and two runs loaded nothing more
    assertThat(io.litescore.runtime.ModelCache.loads()).isEqualTo(loadsBefore);
    assertThat(b1.models().get(0).loads()).isZero();
    assertThat(b2.models().get(0).top1()).isEqualTo(b1.models().get(0).top1());

    SparkSession spark = SharedSpark.get();
    assertThat(spark.read().parquet(out + "/predictions").where("run_id = 'b'").count()).isEqualTo(9);
    assertThat(spark.read().parquet(out + "/predictions").where("run_id = 'a'").count()).isEqualTo(9);
    assertThat(spark.read().parquet(out + "/predictions").select("path").where("run_id = 'b'").distinct().count())
        .isEqualTo(9);
    assertThat(spark.read().parquet(out + "/metrics").count()).isEqualTo(2);
  }

  /** The partition count the run prints is the number of tasks that wrote predictions (one file each). */
  @Test
  void printsThePartitionsItScoresIn() throws Exception {
    // dataset.partitions as given (3 in the fixture, then 2); 0: one per core of local[2] for these 9 images
    Map<String, Integer> expected = Map.of("", 3, "dataset.partitions = 2", 2, "dataset.partitions = 0", 2);
    int i = 0;
    for (Map.Entry<String, Integer> e : expected.entrySet()) {
      Path out = dir.resolve("out-partitions-" + i++);
      ByteArrayOutputStream log = new ByteArrayOutputStream();
      new ScoreJob(SharedSpark.get(), config("p", out, e.getKey()), new PrintStream(log, true)).run();
      assertThat(log.toString(StandardCharsets.UTF_8)).as(e.getKey())
          .contains("9 images (imagefolder), " + e.getValue() + " partitions");
      try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(out.resolve("predictions"))) {
        assertThat(files.filter(f -> f.getFileName().toString().startsWith("part-")).count()).as(e.getKey())
            .isEqualTo(e.getValue().longValue());
      }
    }
  }

  @Test
  void unlabeledLayoutHasNoAccuracy() {
    Path out = dir.resolve("out-unlabeled");
    ScoreJob.Result r = run(config("u", out, "dataset.layout = unlabeled"));
    assertThat(r.models().get(0).top1()).isNull();
    assertThat(r.models().get(0).meanClassAccuracy()).isNull();
    Row row = SharedSpark.get().read().parquet(out + "/predictions").where("error is null").first();
    assertThat(row.<String>getAs("label")).isNull();
    assertThat(row.<Boolean>getAs("correct_top5")).isNull();
  }

  @Test
  void manifestLayoutReadsRelativeAndMissingPaths() {
    Path manifest = Fixtures.write(dir.resolve("manifest.csv"), ("path,label\n"
        + "red/r1.png,red\n"
        + "blue/b1.png,blue\n"
        + "green/g1.png,\n"
        + "red/missing.png,red\n").getBytes(StandardCharsets.UTF_8));
    Path out = dir.resolve("out-manifest");
    ScoreJob.Result r = run(config("m", out, "dataset { layout = manifest, manifest = \""
        + Fixtures.hocon(manifest) + "\" }"));
    assertThat(r.images()).isEqualTo(4);
    assertThat(r.models().get(0).failed()).isEqualTo(1);
    assertThat(r.models().get(0).top1()).isEqualTo(1.0); // two labelled, scored, both right
    Row missing = SharedSpark.get().read().parquet(out + "/predictions").where("error is not null").first();
    assertThat(missing.<String>getAs("error")).isEqualTo("file not found");
  }

  @Test
  void unknownLabelFolderFailsBeforeScoring() {
    Path other = dir.resolve("other");
    Fixtures.solidPng(other.resolve("purple/p.png"), 0x800080, 8, 8);
    Fixtures.solidPng(other.resolve("red/r.png"), RED, 8, 8);
    ScoreConfig c = config("x", dir.resolve("out-x"), "dataset.path = \"" + Fixtures.hocon(other) + "\"");
    assertThatThrownBy(() -> run(c)).isInstanceOf(ConfigError.class)
        .hasMessageContaining("models[0].labels").hasMessageContaining("[purple]");
  }

  @Test
  void labelsOfWrongLengthFailOnTheDriver() {
    Path four = Fixtures.write(dir.resolve("four.labels"), "red\ngreen\nblue\npink\n".getBytes());
    ScoreConfig c = config("y", dir.resolve("out-y"),
        "models = [ { name = colours, uri = \"" + Fixtures.hocon(model) + "\", labels = \"" + Fixtures.hocon(four)
            + "\", preprocessing { resize = 8, crop = 8 } } ]");
    assertThatThrownBy(() -> run(c)).isInstanceOf(ConfigError.class)
        .hasMessageContaining("models[0].labels").hasMessageContaining("(3), found 4");
  }

  @Test
  void missingModelFileAndEmptyDatasetFailFast() {
    ScoreConfig missing = config("z", dir.resolve("out-z"),
        "models = [ { name = m, uri = \"" + Fixtures.hocon(dir.resolve("nope.pt")) + "\", labels = \""
            + Fixtures.hocon(labels) + "\" } ]");
    assertThatThrownBy(() -> run(missing)).isInstanceOf(ConfigError.class)
        .hasMessageContaining("models[0].uri").hasMessageContaining("nope.pt").hasMessageContaining("not found");

    Path empty = dir.resolve("empty/red");
    Fixtures.write(empty.resolve("readme.txt"), "no images".getBytes());
    ScoreConfig none = config("e", dir.resolve("out-e"),
        "dataset.path = \"" + Fixtures.hocon(empty.getParent()) + "\"");
    assertThatThrownBy(() -> run(none)).isInstanceOf(ConfigError.class)
        .hasMessageContaining("dataset.path").hasMessageContaining("found none");

    Path garbage = Fixtures.write(dir.resolve("garbage.pt"), "not a model".getBytes());
    ScoreConfig broken = config("g", dir.resolve("out-g"),
        "models = [ { name = m, uri = \"" + Fixtures.hocon(garbage) + "\", labels = \"" + Fixtures.hocon(labels)
            + "\" } ]");
    assertThatThrownBy(() -> run(broken)).isInstanceOf(ConfigError.class)
        .hasMessageContaining("models[0].uri").hasMessageContaining("TorchScript");
  }

  @Test
  void outputInsideInputAndBadManifestRowsFailFast() {
    ScoreConfig inside = config("o", data.resolve("red/out"), "");
    assertThatThrownBy(() -> run(inside)).isInstanceOf(ConfigError.class)
        .hasMessageContaining("run.output").hasMessageContaining("outside dataset.path");

    Path manifest = Fixtures.write(dir.resolve("bad-manifest.csv"), ("path,label\n"
        + "red/r1.png,red\n"
        + "red/r2.png,red,extra\n"
        + ",blue\n"
        + "blue/b1.png,blue\n").getBytes(StandardCharsets.UTF_8));
    ScoreConfig bad = config("bm", dir.resolve("out-bm"), "dataset { layout = manifest, manifest = \""
        + Fixtures.hocon(manifest) + "\" }");
    assertThatThrownBy(() -> run(bad)).isInstanceOf(ConfigError.class)
        .hasMessageContaining("dataset.manifest")
        .hasMessageContaining("line 3: 3 fields, the header has 2")
        .hasMessageContaining("line 4: empty path");
  }

  @Test
  void failedRunPublishesNothingAndItsRetrySucceeds() throws Exception {
    Path out = dir.resolve("out-fail");
    run(config("f", out, ""));
    Path broken = Fixtures.copyResource("models/fails_on_big_batch.pt", dir.resolve("models/broken.pt"));
    String twoModels = """
        models = [
          { name = colours, uri = "%s", labels = "%s", batch-size = 4, preprocessing { resize = 8, crop = 8 } }
          { name = broken, uri = "%s", labels = "%s", batch-size = 4, preprocessing { resize = 8, crop = 8 } }
        ]
        """.formatted(Fixtures.hocon(model), Fixtures.hocon(labels), Fixtures.hocon(broken), Fixtures.hocon(labels));
    assertThatThrownBy(() -> run(config("f", out, twoModels))).hasStackTraceContaining("simulated failure");

    SparkSession spark = SharedSpark.get();
    // the earlier output of run f is intact: one model, nine rows; nothing of the failed attempt is visible
    assertThat(spark.read().parquet(out + "/predictions").where("run_id = 'f'").count()).isEqualTo(9);
    assertThat(spark.read().parquet(out + "/predictions").select("model").distinct().count()).isEqualTo(1);
    assertThat(spark.read().parquet(out + "/metrics").count()).isEqualTo(1);
    assertThat(java.nio.file.Files.list(out.resolve("_staging")).count()).isEqualTo(1);

    ScoreJob.Result retry = run(config("f", out, ""));
    assertThat(retry.models().get(0).images()).isEqualTo(9);
    assertThat(out.resolve("_staging")).doesNotExist();
    assertThat(spark.read().parquet(out + "/predictions").where("run_id = 'f'").count()).isEqualTo(9);
  }

  @Test
  void incrementalRunsScoreOnlyNewOrChangedImages() throws Exception {
    Path grow = dir.resolve("growing");
    Fixtures.solidPng(grow.resolve("red/a.png"), RED, 8, 8);
    Fixtures.solidPng(grow.resolve("green/b.png"), GREEN, 8, 8);
    Path out = dir.resolve("out-incr");
    String ds = "dataset.path = \"" + Fixtures.hocon(grow) + "\"\nrun.incremental = true";
    ScoreJob.Result day1 = run(config("day1", out, ds));
    assertThat(day1.models().get(0).images()).isEqualTo(2);

    Fixtures.solidPng(grow.resolve("blue/c.png"), BLUE, 8, 8);
    Fixtures.solidPng(grow.resolve("red/d.png"), RED, 8, 8);
    ScoreJob.Result day2 = run(config("day2", out, ds));
    assertThat(day2.images()).isEqualTo(4); // listed
    assertThat(day2.models().get(0).images()).isEqualTo(2); // scored: the two new ones
    ScoreJob.Result day3 = run(config("day3", out, ds));
    assertThat(day3.models().get(0).images()).isZero();

    java.nio.file.Files.setLastModifiedTime(grow.resolve("red/a.png"),
        java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 60_000));
    ScoreJob.Result day4 = run(config("day4", out, ds));
    assertThat(day4.models().get(0).images()).isEqualTo(1); // a.png changed

    SparkSession spark = SharedSpark.get();
    assertThat(spark.read().parquet(out + "/predictions").select("path").distinct().count()).isEqualTo(4);
    assertThat(spark.read().parquet(out + "/predictions").count()).isEqualTo(5);
    assertThat(spark.read().parquet(out + "/predictions").where("file_size is null").count()).isZero();
  }

  static String models(String... entries) {
    StringBuilder s = new StringBuilder("models = [\n");
    for (String e : entries) {
      String[] nb = e.split(":");
      s.append("  { name = ").append(nb[0]).append(", uri = \"").append(Fixtures.hocon(model))
          .append("\", labels = \"").append(Fixtures.hocon(labels)).append("\", batch-size = ").append(nb[1])
          .append(", preprocessing { resize = ").append(nb[2]).append(", crop = 8 } }\n");
    }
    return s.append("]\n").toString();
  }

  static List<String> rows(Path out, String runId, String model) {
    List<String> rows = new java.util.ArrayList<>();
    for (Row r : SharedSpark.get().read().parquet(out + "/predictions")
        .where("run_id = '" + runId + "' and model = '" + model + "'")
        .select("path", "label", "pred_index", "topk_probs", "error").collectAsList()) {
      rows.add(r.toString());
    }
    rows.sort(null);
    return rows;
  }

  @Test
  void severalModelsReadEachFileOnceAndScoreAsIfAlone() {
    Path out = dir.resolve("out-shared");
    run(config("alone", out, ""));
    long before = io.litescore.ml.ImageClassifier.filesReadInThisJvm();
    // two share one tensor (same preprocessing, different batch sizes); the third needs its own
    ScoreJob.Result r = run(config("shared", out, models("colours:2:8", "colours_b3:3:8", "colours_r12:1:12")));
    assertThat(io.litescore.ml.ImageClassifier.filesReadInThisJvm() - before).as("files read for 3 models").isEqualTo(9);
    assertThat(r.models()).extracting(ScoreJob.ModelResult::images).containsOnly(9L);
    assertThat(r.models()).extracting(ScoreJob.ModelResult::failed).containsOnly(1L);
    List<String> alone = rows(out, "alone", "colours");
    assertThat(alone).hasSize(9);
    assertThat(rows(out, "shared", "colours")).isEqualTo(alone);
    assertThat(rows(out, "shared", "colours_b3")).isEqualTo(alone);
    // solid colours: a different resize gives the same tensor, so the same rows
    assertThat(rows(out, "shared", "colours_r12")).isEqualTo(alone);
    double sum = r.models().stream().mapToDouble(ScoreJob.ModelResult::wallSeconds).sum();
    assertThat(r.models()).allSatisfy(m -> assertThat(m.wallSeconds()).isPositive());
    assertThat(sum).isPositive();
  }

  @Test
  void prefetchDepthChangesNothingButTheTiming() {
    Path out = dir.resolve("out-prefetch");
    run(config("p1", out, "runtime.prefetch = 1"));
    run(config("p0", out, "runtime.prefetch = 0"));
    run(config("p3", out, "runtime.prefetch = 3\n" + models("colours:1:8")));
    List<String> p1 = rows(out, "p1", "colours");
    assertThat(p1).hasSize(9);
    assertThat(rows(out, "p0", "colours")).isEqualTo(p1);
    assertThat(rows(out, "p3", "colours")).isEqualTo(p1);
  }

  @Test
  void incrementalRunScoresAnAddedModelOnEveryImageAndTheOldOneOnNewImagesOnly() {
    Path grow = dir.resolve("growing-models");
    Fixtures.solidPng(grow.resolve("red/a.png"), RED, 8, 8);
    Fixtures.solidPng(grow.resolve("green/b.png"), GREEN, 8, 8);
    Path out = dir.resolve("out-incr-models");
    String ds = "dataset.path = \"" + Fixtures.hocon(grow) + "\"\nrun.incremental = true\n";
    run(config("d1", out, ds + models("colours:2:8")));
    Fixtures.solidPng(grow.resolve("blue/c.png"), BLUE, 8, 8);
    long before = io.litescore.ml.ImageClassifier.filesReadInThisJvm();
    ScoreJob.Result d2 = run(config("d2", out, ds + models("colours:2:8", "colours_new:2:8")));
    assertThat(d2.models()).extracting(ScoreJob.ModelResult::images).containsExactly(1L, 3L);
    assertThat(io.litescore.ml.ImageClassifier.filesReadInThisJvm() - before).as("each file read once").isEqualTo(3);
    assertThat(d2.models().get(1).top1()).isEqualTo(1.0);
  }
}
