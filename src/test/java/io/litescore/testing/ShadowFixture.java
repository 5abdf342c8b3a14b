package io.litescore.testing;

import com.typesafe.config.ConfigFactory;
import io.litescore.config.ConfigLoader;
import io.litescore.jobs.compare.CompareJob;
import io.litescore.jobs.score.ScoreJob;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;

/**
 * The production case without labels, made once per test JVM under {@code target/shadow-fixture}: a candidate
 * model shadowing the current one on a folder of unlabelled images ({@code dataset.layout = unlabeled},
 * {@code output.top-k = 2}), then the current model alone on the same folder after some images changed, and the
 * comparison of both runs.
 *
 * <p>The images are solid colours with one strong channel; {@code current} is {@code channel_mean.pt} (top-1 =
 * the strongest channel) on inputs normalised with mean 0 and std 0.5, {@code candidate} is {@code channel_swap.pt}
 * (green and blue swapped) with std 0.3, so every prediction and probability is known: logits are the channel
 * values / 255 / std ({@link #probabilities}).
 *
 * <pre>
 * image   colour (R, G, B)   run s1: current   candidate        run s2 (after the changes): current
 * a.png   (255, 30, 0)       red, green        red, blue        red, green
 * b.png   (255, 30, 0)       red, green        red, blue        (deleted)
 * c.png   (0, 255, 30)       green, blue       blue, green      now (255, 30, 0): red, green
 * d.png   (30, 0, 255)       blue, red         green, red       blue, red
 * sub/e.png (0, 128, 255)     blue, green       green, blue      blue, green
 * f.png   (30, 0, 255)       -                 -                (added) blue, red
 * broken.png                 error             error            error
 * </pre>
 */
public final class ShadowFixture {
  public static final int[] REDDISH = {255, 30, 0};
  public static final int[] GREENISH = {0, 255, 30};
  public static final int[] BLUEISH = {30, 0, 255};
  public static final int[] AZURE = {0, 128, 255};
  public static final double CURRENT_STD = 0.5;
  public static final double CANDIDATE_STD = 0.3;
  private static ShadowFixture instance;

  public final Path dir;
  public final Path images;
  public final Path runs;
  public final Path comparison;
  public final CompareJob.Result result;
  public final String log;

  private ShadowFixture(Path dir) {
    this.dir = dir;
    images = dir.resolve("images");
    png("a.png", REDDISH);
    png("b.png", REDDISH);
    png("c.png", GREENISH);
    png("d.png", BLUEISH);
    png("sub/e.png", AZURE);
    Fixtures.write(images.resolve("broken.png"), "no image here".getBytes(StandardCharsets.UTF_8));
    Path mean = Fixtures.copyResource("models/channel_mean.pt", dir.resolve("models/channel_mean.pt"));
    Path swap = Fixtures.copyResource("models/channel_swap.pt", dir.resolve("models/channel_swap.pt"));
    Path labels = Fixtures.copyResource("models/channel_mean.labels", dir.resolve("models/colours.labels"));
    runs = dir.resolve("runs");
    String model = "{ name = %s, uri = \"%s\", labels = \"" + Fixtures.hocon(labels) + "\", batch-size = 2, "
        + "preprocessing { resize = 8, crop = 8, mean = [0, 0, 0], std = [%s, %s, %s] } }";
    String current = model.formatted("current", Fixtures.hocon(mean), CURRENT_STD, CURRENT_STD, CURRENT_STD);
    String candidate = model.formatted("candidate", Fixtures.hocon(swap), CANDIDATE_STD, CANDIDATE_STD,
        CANDIDATE_STD);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
    score("s1", List.of(current, candidate), print);
    try {
      Files.delete(images.resolve("b.png"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    png("c.png", REDDISH);
    try { // a listing that shows the change whatever the file system's time resolution
      Files.setLastModifiedTime(images.resolve("c.png"), FileTime.fromMillis(System.currentTimeMillis() + 60_000));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    png("f.png", BLUEISH);
    score("s2", List.of(current), print);
    comparison = dir.resolve("compare");
    result = new CompareJob(SharedSpark.get(), CompareJob.Options.of(List.of(runs.toString()), List.of(),
        comparison.toString()), print).run();
    log = out.toString(StandardCharsets.UTF_8);
  }

  private void png(String name, int[] rgb) {
    Fixtures.solidPng(images.resolve(name), (rgb[0] << 16) | (rgb[1] << 8) | rgb[2], 8, 8);
  }

  private void score(String runId, List<String> models, PrintStream out) {
    String conf = """
        run { id = "%s", output = "%s" }
        dataset { path = "%s", layout = unlabeled, partitions = 2 }
        output { top-k = 2 }
        models = [ %s ]
        """.formatted(runId, Fixtures.hocon(runs), Fixtures.hocon(images), String.join("\n", models));
    new ScoreJob(SharedSpark.get(), ConfigLoader.parse(ConfigFactory.parseString(conf)), out).run();
  }

  /**
   * The softmax probabilities (red, green, blue) of a model on a solid colour: {@code swap} exchanges the green
   * and blue inputs, {@code std} divides every channel.
   */
  public static double[] probabilities(int[] rgb, boolean swap, double std) {
    double r = rgb[0] / 255.0 / std;
    double g = (swap ? rgb[2] : rgb[1]) / 255.0 / std;
    double b = (swap ? rgb[1] : rgb[2]) / 255.0 / std;
    double sum = Math.exp(r) + Math.exp(g) + Math.exp(b);
    return new double[] {Math.exp(r) / sum, Math.exp(g) / sum, Math.exp(b) / sum};
  }

  /** The top-1 probability of a model on a solid colour. */
  public static double top1(int[] rgb, boolean swap, double std) {
    double[] p = probabilities(rgb, swap, std);
    return Math.max(p[0], Math.max(p[1], p[2]));
  }

  public static synchronized ShadowFixture get() {
    if (instance == null) {
      Path dir = Path.of("target", "shadow-fixture").toAbsolutePath();
      CompareFixture.deleteRecursively(dir);
      instance = new ShadowFixture(dir);
    }
    return instance;
  }

  public Path report() {
    return comparison.resolve("report.html");
  }
}
