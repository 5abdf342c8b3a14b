package io.litescore.jobs.score;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.litescore.config.ConfigLoader;
import io.litescore.image.Npy;
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

/**
 * End to end through {@code score}: torchvision's seed-0 squeezenet1_1 (TorchScript) on the eight reference photos
 * gives PyTorch's logits within rel = max|a-b| / max|b| <= 1e-5 (see reference/README.md for why relative).
 */
class TorchvisionParityTest {
  @TempDir Path dir;

  @Test
  void squeezenetLogitsMatchPyTorch() throws Exception {
    List<String> order = Parity.photoOrder();
    Path photos = Parity.copyPhotos(dir.resolve("photos"));
    Path model = Fixtures.copyResource("reference/models/squeezenet1_1.pt", dir.resolve("squeezenet1_1.pt"));
    Path labels = Parity.labels(dir.resolve("imagenet.labels"), 1000);
    String conf = """
        run { id = parity, output = "%s" }
        dataset { path = "%s", layout = unlabeled, partitions = 2 }
        models = [ { name = squeezenet1_1, uri = "%s", labels = "%s", batch-size = 3 } ]
        output.logits = true
        """.formatted(Fixtures.hocon(dir.resolve("out")), Fixtures.hocon(photos), Fixtures.hocon(model),
        Fixtures.hocon(labels));
    new ScoreJob(SharedSpark.get(), ConfigLoader.parse(ConfigFactory.parseString(conf)),
        new PrintStream(new ByteArrayOutputStream())).run();

    Npy.Array expected = Npy.readFloat32(new ByteArrayInputStream(Resources.bytes("reference/logits/squeezenet1_1.npy")));
    assertThat(expected.shape()).containsExactly(8, 1000);
    List<Row> rows = SharedSpark.get().read().parquet(dir.resolve("out/predictions").toString()).collectAsList();
    assertThat(rows).hasSize(8);
    for (int i = 0; i < order.size(); i++) {
      String file = order.get(i);
      Row row = rows.stream().filter(r -> r.<String>getAs("path").endsWith("/" + file)).findFirst().orElseThrow();
      assertThat(row.<String>getAs("error")).isNull();
      float[] logits = Parity.floats(row.getList(row.fieldIndex("logits")));
      assertThat(logits).hasSize(1000);
      assertThat(Parity.rel(logits, 0, expected.data(), i * 1000, 1000)).as("rel for %s", file)
          .isLessThanOrEqualTo(1e-5);
    }
  }
}
