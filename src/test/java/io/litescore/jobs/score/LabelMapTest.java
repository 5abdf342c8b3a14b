package io.litescore.jobs.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ImageNet-style evaluation: folders named by WordNet id against a model whose labels file holds class names,
 * through {@code dataset.label-map} (a class name or an index per row); integer folders as class indices
 * ({@code dataset.labels-are-indices}); unknown labels fail before any image is read, naming the first ones.
 */
class LabelMapTest {
  @TempDir static Path dir;
  static final String[] WNIDS = {"n01440764", "n01443537", "n01484850"};
  static final int[] RGB = {0xff0000, 0x00ff00, 0x0000ff};

  @BeforeAll
  static void models() {
    Fixtures.copyResource("models/channel_mean.pt", dir.resolve("channel_mean.pt"));
    Fixtures.copyResource("models/channel_mean.labels", dir.resolve("names.labels")); // red, green, blue
  }

  /** {@code perClass} solid images of each colour in folders named {@code folders[colour]}. */
  static Path tree(String name, String[] folders, int perClass) {
    Path root = dir.resolve(name);
    for (int c = 0; c < 3; c++) {
      for (int i = 0; i < perClass; i++) {
        Fixtures.solidPng(root.resolve(folders[c] + "/" + i + ".png"), RGB[c], 9 + i, 9);
      }
    }
    return root;
  }

  static ScoreConfig config(String runId, Path data, String extra) {
    return ConfigLoader.parse(ConfigFactory.parseString("""
        run { id = "%s", output = "%s" }
        dataset { path = "%s" }
        models = [ { name = colours, uri = "%s", labels = "%s", preprocessing { resize = 8, crop = 8 } } ]
        %s
        """.formatted(runId, Fixtures.hocon(dir.resolve("out")), Fixtures.hocon(data),
        Fixtures.hocon(dir.resolve("channel_mean.pt")), Fixtures.hocon(dir.resolve("names.labels")), extra)));
  }

  static ScoreJob.Result run(ScoreConfig c) {
    return new ScoreJob(SharedSpark.get(), c, new PrintStream(new ByteArrayOutputStream())).run();
  }

  static Path csv(String name, String text) {
    return Fixtures.write(dir.resolve(name), text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void wordNetFoldersMapToClassNamesOrIndices() throws Exception {
    Path data = tree("imagenet-style", WNIDS, 3);
    // by name for two classes, by index for the third
    Path map = csv("wnid.csv", "dataset_label,class\nn01440764,red\nn01443537,green\nn01484850,2\nn09999999,blue\n");
    ScoreJob.Result r = run(config("mapped", data, "dataset.label-map = \"" + Fixtures.hocon(map) + "\""));
    assertThat(r.models().get(0).images()).isEqualTo(9);
    assertThat(r.models().get(0).top1()).isEqualTo(1.0);
    assertThat(r.models().get(0).meanClassAccuracy()).isEqualTo(1.0);
    for (Row p : SharedSpark.get().read().parquet(dir.resolve("out/predictions").toString())
        .where("run_id = 'mapped'").collectAsList()) {
      String wnid = p.getAs("label");
      int expected = List.of(WNIDS).indexOf(wnid);
      assertThat(p.<Integer>getAs("label_index")).isEqualTo(expected);
      assertThat(p.<Boolean>getAs("correct_top1")).isTrue();
    }
    Map<String, Long> support = new HashMap<>();
    for (Row c : SharedSpark.get().read().parquet(dir.resolve("out/class_metrics").toString())
        .where("run_id = 'mapped'").collectAsList()) {
      support.put(c.getAs("class"), c.getAs("support"));
    }
    assertThat(support).containsOnlyKeys("red", "green", "blue").containsValues(3L);

    // compare names each class as the model does; the dataset's labels stay in confusion.csv's label column
    var c = new io.litescore.jobs.compare.CompareJob(SharedSpark.get(), io.litescore.jobs.compare.CompareJob.Options
        .of(List.of(dir.resolve("out").toString()), List.of("mapped"), dir.resolve("report").toString()),
        new PrintStream(new ByteArrayOutputStream())).run();
    assertThat(c.rows()).singleElement().satisfies(row -> assertThat(row.score().top1()).isEqualTo(1.0));
    String confusion = java.nio.file.Files.readString(dir.resolve("report/confusion.csv"));
    assertThat(confusion).contains("mapped,colours,n01440764,0,red,0,3");
  }

  @Test
  void integerFoldersAreClassIndices() {
    Path data = tree("indices", new String[] {"0", "1", "2"}, 2);
    ScoreJob.Result r = run(config("indices", data, "dataset.labels-are-indices = true"));
    assertThat(r.models().get(0).top1()).isEqualTo(1.0);
    Path out = tree("indices-bad", new String[] {"0", "1", "7"}, 1);
    assertThatThrownBy(() -> run(config("indices-bad", out, "dataset.labels-are-indices = true")))
        .isInstanceOf(ConfigError.class).hasMessageContaining("dataset.labels-are-indices")
        .hasMessageContaining("integer labels from 0 to 2").hasMessageContaining("[7]");
  }

  @Test
  void unknownLabelsFailFastNamingTheFirstFew() {
    Path data = tree("unmapped", WNIDS, 1);
    Path partial = csv("partial.csv", "dataset_label,class\nn01440764,red\n");
    assertThatThrownBy(() -> run(config("partial", data, "dataset.label-map = \"" + Fixtures.hocon(partial) + "\"")))
        .isInstanceOf(ConfigError.class).hasMessageContaining("dataset.label-map")
        .hasMessageContaining("[n01443537, n01484850]");
    Path wrong = csv("wrong.csv", "dataset_label,class\nn01440764,purple\n");
    assertThatThrownBy(() -> run(config("wrong", data, "dataset.label-map = \"" + Fixtures.hocon(wrong) + "\"")))
        .isInstanceOf(ConfigError.class).hasMessageContaining("maps 'n01440764' to 'purple'");
    Path header = csv("header.csv", "wnid,name\nn01440764,red\n");
    assertThatThrownBy(() -> run(config("header", data, "dataset.label-map = \"" + Fixtures.hocon(header) + "\"")))
        .isInstanceOf(ConfigError.class).hasMessageContaining("dataset_label,class");
    // without a map, the message says how to map
    assertThatThrownBy(() -> run(config("none", data, "")))
        .isInstanceOf(ConfigError.class).hasMessageContaining("models[0].labels")
        .hasMessageContaining("[n01440764, n01443537, n01484850]").hasMessageContaining("dataset.label-map");
  }
}
