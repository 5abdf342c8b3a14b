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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ONNX models through {@code score}: a {@code uri} ending in {@code .onnx} runs on ONNX Runtime, and torchvision's
 * seed-0 networks exported by {@code torch.onnx.export} give PyTorch's logits within rel <= 1e-4 on the reference
 * photos. squeezenet1_1 is in the project's test resources; mobilenet_v3_small and shufflenet_v2_x0_5 are checked
 * as well where the shared reference set sits beside the project (CI).
 */
class OnnxScoreTest {
  static final Path SHARED = Path.of("../shared/reference/models");
  @TempDir Path dir;

  @Test
  void onnxModelsGivePyTorchsLogits() throws Exception {
    List<String> names = new ArrayList<>(List.of("squeezenet1_1"));
    Files.copy(Resources.path("reference/models/squeezenet1_1.onnx"), dir.resolve("squeezenet1_1.onnx"));
    for (String n : List.of("mobilenet_v3_small", "shufflenet_v2_x0_5")) {
      if (Files.exists(SHARED.resolve(n + ".onnx"))) {
        Files.copy(SHARED.resolve(n + ".onnx"), dir.resolve(n + ".onnx"));
        names.add(n);
      }
    }
    Path photos = Parity.copyPhotos(dir.resolve("photos"));
    Path labels = Parity.labels(dir.resolve("imagenet.labels"), 1000);
    // the TorchScript squeezenet first: its tensors are channels-last, and the ONNX models' NCHW tensors of the same
    // preprocessing are reordered from them (ClassifierPass), not preprocessed again
    Path ts = Fixtures.copyResource("reference/models/squeezenet1_1.pt", dir.resolve("squeezenet1_1.pt"));
    StringBuilder models = new StringBuilder("{ name = squeezenet1_1_ts, uri = \"" + Fixtures.hocon(ts)
        + "\", labels = \"" + Fixtures.hocon(labels) + "\", batch-size = 3 }\n");
    for (String n : names) {
      models.append("{ name = ").append(n).append(", uri = \"").append(Fixtures.hocon(dir.resolve(n + ".onnx")))
          .append("\", labels = \"").append(Fixtures.hocon(labels)).append("\", batch-size = 3 }\n");
    }
    String conf = """
        run { id = onnx, output = "%s" }
        dataset { path = "%s", layout = unlabeled, partitions = 2 }
        models = [ %s ]
        output.logits = true
        """.formatted(Fixtures.hocon(dir.resolve("out")), Fixtures.hocon(photos), models);
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    ScoreJob.Result r = new ScoreJob(SharedSpark.get(), ConfigLoader.parse(ConfigFactory.parseString(conf)),
        new PrintStream(log, true)).run();
    assertThat(r.models()).hasSize(names.size() + 1);
    List<String> order = Parity.photoOrder();
    List<String> all = new ArrayList<>(names);
    all.add("squeezenet1_1_ts");
    for (String n : all) {
      String net = n.equals("squeezenet1_1_ts") ? "squeezenet1_1" : n;
      double tolerance = n.equals("squeezenet1_1_ts") ? 1e-5 : 1e-4;
      float[] expected = Npy.readFloat32(new ByteArrayInputStream(Resources.bytes("reference/logits/" + net
          + ".npy"))).data();
      List<Row> rows = SharedSpark.get().read().parquet(dir.resolve("out/predictions").toString())
          .where("model = '" + n + "'").collectAsList();
      assertThat(rows).as(n).hasSize(8);
      for (int i = 0; i < order.size(); i++) {
        String file = order.get(i);
        Row row = rows.stream().filter(x -> x.<String>getAs("path").endsWith("/" + file)).findFirst().orElseThrow();
        assertThat(row.<String>getAs("error")).isNull();
        float[] logits = Parity.floats(row.getList(row.fieldIndex("logits")));
        assertThat(Parity.rel(logits, 0, expected, i * 1000, 1000)).as("%s, %s", n, file)
            .isLessThanOrEqualTo(tolerance);
      }
    }
    assertThat(log.toString()).contains("squeezenet1_1.onnx");
  }
}
