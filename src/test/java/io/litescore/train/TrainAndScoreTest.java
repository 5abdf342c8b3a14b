package io.litescore.train;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.litescore.config.ConfigLoader;
import io.litescore.image.Preprocessing;
import io.litescore.jobs.score.ScoreJob;
import io.litescore.testing.Fixtures;
import io.litescore.testing.SharedSpark;
import io.litescore.zoo.ModelCard;
import io.litescore.zoo.Safetensors;
import io.litescore.zoo.Stem;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * IDX import, then training a zoo architecture on it, then scoring the written artifact with {@code score}: a
 * learnable task (bright shapes on dark, by position) that an untrained network cannot solve.
 */
class TrainAndScoreTest {
  @TempDir Path dir;

  /** Three classes of 16x16 grayscale images: a bright square top-left, bottom-right, or a bright bar. */
  private Path idx(String name, int n, boolean labels, long seed) throws Exception {
    Random r = new Random(seed);
    ByteArrayOutputStream raw = new ByteArrayOutputStream();
    DataOutputStream d = new DataOutputStream(raw);
    d.writeInt(labels ? 0x801 : 0x803);
    d.writeInt(n);
    if (!labels) {
      d.writeInt(16);
      d.writeInt(16);
    }
    Random lr = new Random(seed + 1);
    for (int i = 0; i < n; i++) {
      int c = lr.nextInt(3);
      if (labels) {
        d.writeByte(c);
        continue;
      }
      for (int y = 0; y < 16; y++) {
        for (int x = 0; x < 16; x++) {
          boolean on = switch (c) {
            case 0 -> x < 7 && y < 7;
            case 1 -> x > 8 && y > 8;
            default -> y >= 6 && y <= 9;
          };
          d.writeByte(Math.min(255, (on ? 200 : 20) + r.nextInt(40)));
        }
      }
    }
    Path p = dir.resolve(name);
    try (GZIPOutputStream gz = new GZIPOutputStream(Files.newOutputStream(p))) {
      gz.write(raw.toByteArray());
    }
    return p;
  }

  @Test
  void importTrainAndScoreTheArtifact() throws Exception {
    List<String> classes = List.of("top_left", "bottom_right", "bar");
    Path train = dir.resolve("train");
    IdxImport.Result imported = IdxImport.run(idx("img.gz", 300, false, 1), idx("lbl.gz", 300, true, 1), classes,
        train, "t");
    assertThat(imported.images()).isEqualTo(300);
    assertThat(imported.perClass()[0] + imported.perClass()[1] + imported.perClass()[2]).isEqualTo(300);
    assertThat(Files.list(train.resolve("bar")).count()).isEqualTo(imported.perClass()[2]);

    Path artifact = dir.resolve("model");
    float[] mean = {0.3f, 0.3f, 0.3f};
    float[] std = {0.3f, 0.3f, 0.3f};
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    TrainModelJob.Result result = new TrainModelJob(new TrainModelJob.Options("shufflenet_v2_x0_5", train.toString(),
        artifact.toString(), 4, 16, 0.005, "adam", 0, 16, 16, Stem.SMALL, 0.2, 1, mean, std, 3, 2, 0),
        new PrintStream(log, true)).run();
    ModelCard card = result.card();
    assertThat(card.arch()).isEqualTo("shufflenet_v2_x0_5");
    assertThat(card.classes()).containsExactly("bar", "bottom_right", "top_left"); // sorted, like ImageFolder
    assertThat(card.training().history()).hasSize(4);
    assertThat(card.training().valTop1()).as(log.toString()).isGreaterThan(0.9);
    assertThat(card.training().valImages()).isEqualTo(60);
    assertThat(log.toString()).contains("[epoch 4/4]");
    ModelCard reread = ModelCard.fromJson(Files.readString(artifact.resolve(ModelCard.FILE)));
    assertThat(reread.preprocessing().crop()).isEqualTo(16);
    assertThat(Safetensors.read(Files.readAllBytes(artifact.resolve(ModelCard.WEIGHTS))).tensors())
        .containsKeys("conv1.0.weight", "conv1.1.running_var", "stage2.0.branch1.0.weight", "fc.bias");

    // score a fresh test split with the artifact: preprocessing and classes come from the card
    Path test = dir.resolve("test");
    IdxImport.run(idx("timg.gz", 60, false, 9), idx("tlbl.gz", 60, true, 9), classes, test, "s");
    Path out = dir.resolve("out");
    String conf = """
        run { id = trained, output = "%s" }
        dataset { path = "%s" }
        models = [ { name = shuffle, artifact = "%s" } ]
        """.formatted(Fixtures.hocon(out), Fixtures.hocon(test), Fixtures.hocon(artifact));
    ScoreJob.Result scored = new ScoreJob(SharedSpark.get(), ConfigLoader.parse(
        ConfigFactory.parseString(conf)), new PrintStream(new ByteArrayOutputStream())).run();
    assertThat(scored.models().get(0).images()).isEqualTo(60);
    assertThat(scored.models().get(0).top1()).isGreaterThan(0.9);
  }

  @Test
  void augmentationWithoutShiftOrFlipIsTheEvalTensor() {
    byte[] hwc = new byte[4 * 4 * 3];
    new Random(3).nextBytes(hwc);
    Preprocessing p = new Preprocessing(4, 4, new float[] {0.1f, 0.2f, 0.3f}, new float[] {0.5f, 0.6f, 0.7f});
    float[] expected = p.apply(new io.litescore.image.RgbImage(4, 4, hwc));
    float[] got = new float[48];
    Augmentation.apply(hwc, 4, 0, 0, false, p.mean(), p.std(), got, 0);
    assertThat(got).containsExactly(expected);
    float[] flipped = new float[48];
    Augmentation.apply(hwc, 4, 0, 0, true, p.mean(), p.std(), flipped, 0);
    assertThat(flipped[0]).isEqualTo(expected[3]); // x=0 reads x=3 on channel R, row 0
    float[] shifted = new float[48];
    Augmentation.apply(hwc, 4, -1, 0, false, p.mean(), p.std(), shifted, 0);
    assertThat(shifted[0]).isEqualTo((0f - 0.1f) / 0.5f); // row -1 is zero padding
  }
}
