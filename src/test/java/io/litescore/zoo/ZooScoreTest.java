package io.litescore.zoo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import io.litescore.config.ConfigError;
import io.litescore.config.ConfigLoader;
import io.litescore.image.Npy;
import io.litescore.jobs.score.ScoreJob;
import io.litescore.testing.Fixtures;
import io.litescore.testing.Parity;
import io.litescore.testing.Resources;
import io.litescore.testing.SharedSpark;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code score} with a zoo entry ({@code arch} + torchvision {@code .safetensors}), BatchNorm folded at load. */
class ZooScoreTest {
  @TempDir Path dir;

  private String conf(Path photos, String models) {
    return """
        run { id = zoo, output = "%s" }
        dataset { path = "%s", layout = unlabeled, partitions = 2 }
        models = %s
        output.logits = true
        """.formatted(Fixtures.hocon(dir.resolve("out")), Fixtures.hocon(photos), models);
  }

  @Test
  void zooShuffleNetScoresLikePyTorch() throws Exception {
    List<String> order = Parity.photoOrder();
    Path photos = Parity.copyPhotos(dir.resolve("photos"));
    Path weights = Fixtures.copyResource("reference/models/shufflenet_v2_x0_5.safetensors", dir.resolve("w.safetensors"));
    Path labels = Parity.labels(dir.resolve("imagenet.labels"), 1000);
    String models = "[ { name = shuffle, arch = shufflenet_v2_x0_5, weights = \"%s\", labels = \"%s\" } ]"
        .formatted(Fixtures.hocon(weights), Fixtures.hocon(labels));
    ScoreJob.Result r = new ScoreJob(SharedSpark.get(), ConfigLoader.parse(ConfigFactory.parseString(
        conf(photos, models))), new PrintStream(new ByteArrayOutputStream())).run();
    assertThat(r.models().get(0).scored()).isEqualTo(8);

    Npy.Array expected = Npy.readFloat32(new ByteArrayInputStream(
        Resources.bytes("reference/logits/shufflenet_v2_x0_5.npy")));
    List<Row> rows = SharedSpark.get().read().parquet(dir.resolve("out/predictions").toString()).collectAsList();
    for (int i = 0; i < order.size(); i++) {
      String file = order.get(i);
      Row row = rows.stream().filter(x -> x.<String>getAs("path").endsWith("/" + file)).findFirst().orElseThrow();
      float[] logits = Parity.floats(row.getList(row.fieldIndex("logits")));
      assertThat(Parity.rel(logits, 0, expected.data(), i * 1000, 1000)).as(file).isLessThanOrEqualTo(1e-5);
    }
  }

  @Test
  void zooEntryErrorsNameTheKey() {
    Path photos = Fixtures.solidPng(dir.resolve("p/a.png"), 0xff0000, 8, 8).getParent();
    Path labels = Fixtures.write(dir.resolve("l.labels"), "a\nb\n".getBytes());
    Path weights = Fixtures.copyResource("reference/models/squeezenet1_1.safetensors", dir.resolve("s.safetensors"));
    String unknownArch = "[ { name = m, arch = resnet9000, weights = \"%s\", labels = \"%s\" } ]"
        .formatted(Fixtures.hocon(weights), Fixtures.hocon(labels));
    assertThatThrownBy(() -> new ScoreJob(SharedSpark.get(), ConfigLoader.parse(ConfigFactory.parseString(
        conf(photos, unknownArch))), new PrintStream(new ByteArrayOutputStream())).run())
        .isInstanceOf(ConfigError.class).hasMessageContaining("models[0].arch = \"resnet9000\"");
    // 1000-class weights into a 2-class network: the classifier's shape does not fit
    String wrongClasses = "[ { name = m, arch = squeezenet1_1, weights = \"%s\", labels = \"%s\" } ]"
        .formatted(Fixtures.hocon(weights), Fixtures.hocon(labels));
    assertThatThrownBy(() -> new ScoreJob(SharedSpark.get(), ConfigLoader.parse(ConfigFactory.parseString(
        conf(photos, wrongClasses))), new PrintStream(new ByteArrayOutputStream())).run())
        .isInstanceOf(ConfigError.class).hasMessageContaining("models[0].weights")
        .hasMessageContaining("classifier.1.weight");
    assertThatThrownBy(() -> ConfigLoader.parse(ConfigFactory.parseString(conf(photos,
        "[ { name = m, uri = /x.pt, arch = squeezenet1_1, labels = /l } ]"))))
        .hasMessageContaining("models[0]").hasMessageContaining("exactly one of uri");
  }
}
