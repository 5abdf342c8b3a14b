package io.litescore.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.litescore.config.ConfigLoader;
import io.litescore.image.ImageDecodeException;
import io.litescore.image.ImageDecoder;
import io.litescore.image.RgbImage;
import io.litescore.jobs.score.ScoreJob;
import io.litescore.testing.Fixtures;
import io.litescore.testing.SharedSpark;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every file of the bad-input corpus yields exactly one prediction row per model, scored or with a specific
 * error; {@code failed} equals the error rows; the job finishes.
 */
class BadInputTest {
  @TempDir static Path dir;
  static Path data;

  @BeforeAll
  static void corpus() throws Exception {
    data = dir.resolve("data");
    BadInputCorpus.write(data.resolve("red"));
    BadInputCorpus.symlinkLoop(data.resolve("blue"));
    Fixtures.solidPng(data.resolve("blue/b.png"), 0x0000ff, 8, 8);
  }

  @Test
  void decoderFollowsThePolicyForEveryCase() throws Exception {
    ImageDecoder decoder = new ImageDecoder(100_000_000L);
    Map<String, String> outcomes = new HashMap<>();
    for (Map.Entry<String, String> c : BadInputCorpus.EXPECTED.entrySet()) {
      byte[] bytes = Files.readAllBytes(data.resolve("red").resolve(c.getKey()));
      try {
        RgbImage img = decoder.decode(bytes);
        outcomes.put(c.getKey(), null);
        assertThat(img.width()).isPositive();
      } catch (ImageDecodeException e) {
        outcomes.put(c.getKey(), e.getMessage());
      }
    }
    for (Map.Entry<String, String> c : BadInputCorpus.EXPECTED.entrySet()) {
      if (c.getValue() == null) {
        assertThat(outcomes.get(c.getKey())).as(c.getKey()).isNull();
      } else {
        assertThat(outcomes.get(c.getKey())).as(c.getKey()).contains(c.getValue());
      }
    }
  }

  @Test
  void exifOrientationAndIccProfilesAreIgnoredAsPilDoes() throws Exception {
    ImageDecoder decoder = new ImageDecoder();
    Path red = data.resolve("red");
    RgbImage plain = decoder.decode(Files.readAllBytes(red.resolve("plain.jpg")));
    for (String name : List.of("exif-rotated.jpg", "icc-linear-rgb.jpg")) {
      RgbImage img = decoder.decode(Files.readAllBytes(red.resolve(name)));
      assertThat(img.width()).as(name).isEqualTo(plain.width());
      assertThat(img.height()).as(name).isEqualTo(plain.height());
      assertThat(img.pixels()).as(name + ": same pixels as without the marker").isEqualTo(plain.pixels());
    }
    assertThat(Files.size(red.resolve("icc-linear-rgb.jpg"))).isGreaterThan(Files.size(red.resolve("plain.jpg")) + 200);
  }

  @Test
  void scoringTheCorpusGivesOneRowPerFileAndCountsFailures() {
    Path labels = Fixtures.copyResource("models/channel_mean.labels", dir.resolve("m/l.labels"));
    Path model = Fixtures.copyResource("models/channel_mean.pt", dir.resolve("m/m.pt"));
    Path out = dir.resolve("out");
    String conf = """
        run { id = bad, output = "%s" }
        dataset { path = "%s", extensions = [jpg, png, gif, bmp, webp], max-pixels = 100000000 }
        models = [ { name = colours, uri = "%s", labels = "%s", preprocessing { resize = 16, crop = 16 } } ]
        """.formatted(Fixtures.hocon(out), Fixtures.hocon(data), Fixtures.hocon(model), Fixtures.hocon(labels));
    ScoreJob.Result r = new ScoreJob(SharedSpark.get(), ConfigLoader.parse(ConfigFactory.parseString(conf)),
        new PrintStream(new ByteArrayOutputStream())).run();
    List<Row> rows = SharedSpark.get().read().parquet(out + "/predictions").collectAsList();
    int files = BadInputCorpus.EXPECTED.size() + 1;
    assertThat(rows).hasSize(files);
    assertThat(rows.stream().map(x -> x.<String>getAs("path")).distinct().count()).isEqualTo(files);
    long expectedErrors = BadInputCorpus.EXPECTED.values().stream().filter(v -> v != null).count();
    assertThat(r.models().get(0).failed()).isEqualTo(expectedErrors);
    assertThat(rows.stream().filter(x -> x.getAs("error") != null).count()).isEqualTo(expectedErrors);
    for (Row row : rows) {
      String path = row.getAs("path");
      String name = path.substring(path.lastIndexOf('/') + 1);
      String expected = BadInputCorpus.EXPECTED.get(name);
      if (expected == null) {
        assertThat(row.<String>getAs("error")).as(name).isNull();
      } else {
        assertThat(row.<String>getAs("error")).as(name).contains(expected);
      }
    }
  }
}
