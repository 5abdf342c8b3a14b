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
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Two score runs of the solid-colour fixture and their comparison, made once per test JVM under
 * {@code target/compare-fixture}: run {@code r1} scores it with {@code colours} ({@code channel_mean.pt}: right
 * except on the two images of the "wrong" colour) and {@code swapped} ({@code channel_swap.pt}: takes green for
 * blue and blue for green); run {@code r2} with {@code colours} alone. {@code blue/corrupt.png} cannot be decoded.
 *
 * <pre>
 * image                colours  swapped
 * red/r1, r2, r3.PNG   red      red
 * red/g-in-red         green x  blue x
 * green/g1, nested/g2  green    blue x
 * blue/b1              blue     green x
 * blue/r-in-blue       red x    red x
 * </pre>
 */
public final class CompareFixture {
  public static final int RED = 0xff0000;
  public static final int GREEN = 0x00ff00;
  public static final int BLUE = 0x0000ff;
  private static CompareFixture instance;

  public final Path dir;
  public final Path runs;
  public final Path comparison;
  public final CompareJob.Result result;
  public final String log;

  private CompareFixture(Path dir) {
    this.dir = dir;
    Path data = dir.resolve("colours");
    ColourDataset.handCounted(data, 300, 200); // a big image for the thumbnails
    Path mean = Fixtures.copyResource("models/channel_mean.pt", dir.resolve("models/channel_mean.pt"));
    Path swap = Fixtures.copyResource("models/channel_swap.pt", dir.resolve("models/channel_swap.pt"));
    Path labels = Fixtures.copyResource("models/channel_mean.labels", dir.resolve("models/colours.labels"));
    runs = dir.resolve("runs");
    String model = "{ name = %s, uri = \"%s\", labels = \"" + Fixtures.hocon(labels) + "\", batch-size = 2, "
        + "preprocessing { resize = 8, crop = 8 } }";
    String colours = model.formatted("colours", Fixtures.hocon(mean));
    String swapped = model.formatted("swapped", Fixtures.hocon(swap));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
    score("r1", data, List.of(colours, swapped), print);
    score("r2", data, List.of(colours), print);
    comparison = dir.resolve("compare-r1");
    result = new CompareJob(SharedSpark.get(), CompareJob.Options.of(List.of(runs.toString()), List.of("r1"),
        comparison.toString()), print).run();
    log = out.toString(StandardCharsets.UTF_8);
  }

  private void score(String runId, Path data, List<String> models, PrintStream out) {
    String conf = """
        run { id = "%s", output = "%s" }
        dataset { path = "%s", partitions = 2 }
        models = [ %s ]
        """.formatted(runId, Fixtures.hocon(runs), Fixtures.hocon(data), String.join("\n", models));
    new ScoreJob(SharedSpark.get(), ConfigLoader.parse(ConfigFactory.parseString(conf)), out).run();
  }

  public static synchronized CompareFixture get() {
    if (instance == null) {
      Path dir = Path.of("target", "compare-fixture").toAbsolutePath();
      deleteRecursively(dir);
      instance = new CompareFixture(dir);
    }
    return instance;
  }

  public Path report() {
    return comparison.resolve("report.html");
  }

  static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
