package io.litescore.jobs.score;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.litescore.config.ConfigLoader;
import io.litescore.config.ScoreConfig;
import io.litescore.io.HadoopFiles;
import io.litescore.jobs.compare.CompareJob;
import io.litescore.testing.Fixtures;
import io.litescore.testing.NamesCorpus;
import io.litescore.testing.SharedSpark;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every name a local file system allows is scored: colons (ISO timestamps), percent signs, URI delimiters, glob
 * characters, spaces and non-ASCII, in file and folder names; through the listing, a manifest, an incremental
 * rerun and the compare report's thumbnails; and the {@code path} column reads the file back.
 */
class FileNamesTest {
  @TempDir static Path dir;
  static Path data;
  static List<String> written;

  @BeforeAll
  static void corpus() {
    data = dir.resolve("names");
    written = NamesCorpus.write(data, true);
    Fixtures.copyResource("models/channel_mean.pt", dir.resolve("channel_mean.pt"));
    NamesCorpus.labels(dir.resolve("folders.labels"), true);
  }

  static ScoreConfig config(String runId, String extra) {
    return ConfigLoader.parse(ConfigFactory.parseString("""
        run { id = "%s", output = "%s" }
        dataset { path = "%s" }
        models = [ { name = colours, uri = "%s", labels = "%s", preprocessing { resize = 8, crop = 8 } } ]
        %s
        """.formatted(runId, Fixtures.hocon(dir.resolve("out")), Fixtures.hocon(data),
        Fixtures.hocon(dir.resolve("channel_mean.pt")), Fixtures.hocon(dir.resolve("folders.labels")), extra)));
  }

  static ScoreJob.Result run(ScoreConfig c) {
    return new ScoreJob(SharedSpark.get(), c, new PrintStream(new ByteArrayOutputStream())).run();
  }

  static List<Row> rows(String runId) {
    return SharedSpark.get().read().parquet(dir.resolve("out/predictions").toString())
        .where("run_id = '" + runId + "'").collectAsList();
  }

  @Test
  void listingScoresEveryNameAndThePathColumnReadsTheFileBack() throws Exception {
    ScoreJob.Result r = run(config("names", ""));
    int n = written.size();
    assertThat(r.images()).isEqualTo(n);
    assertThat(r.models().get(0).failed()).isZero();
    assertThat(r.models().get(0).top1()).isEqualTo((n - 2.0) / n);
    List<Row> rows = rows("names");
    assertThat(rows).extracting(x -> x.<String>getAs("error")).containsOnlyNulls();
    for (String rel : written) {
      Row row = rows.stream().filter(x -> x.<String>getAs("path").endsWith("/" + rel)).findFirst()
          .orElseThrow(() -> new AssertionError("no row for " + rel));
      assertThat(row.<String>getAs("label")).isEqualTo(rel.substring(0, rel.indexOf('/')));
      byte[] back = HadoopFiles.readAll(row.getAs("path"), -1, SharedSpark.get().sparkContext().hadoopConfiguration());
      assertThat(back).as(rel).isEqualTo(Files.readAllBytes(data.resolve(rel)));
    }

    // incremental: the second run finds every name already scored
    ScoreJob.Result again = run(config("names-again", "run.incremental = true"));
    assertThat(again.models().get(0).images()).isZero();

    // compare: the two misplaced files are the misclassified images, each with a thumbnail
    CompareJob.Result c = new CompareJob(SharedSpark.get(), CompareJob.Options.of(
        List.of(dir.resolve("out").toString()), List.of("names"), dir.resolve("report").toString()),
        new PrintStream(new ByteArrayOutputStream())).run();
    assertThat(c.misclassified()).isEqualTo(2);
    assertThat(c.thumbnails()).isEqualTo(2);
  }

  @Test
  void manifestWithRelativeNamesScoresEveryOne() throws Exception {
    StringBuilder csv = new StringBuilder("path,label\n");
    for (String rel : written) {
      csv.append('"').append(rel.replace("\"", "\"\"")).append("\",\"").append(rel, 0, rel.indexOf('/'))
          .append("\"\n");
    }
    Path manifest = Fixtures.write(dir.resolve("manifest.csv"), csv.toString().getBytes(StandardCharsets.UTF_8));
    ScoreJob.Result r = run(config("manifest", "dataset { layout = manifest, manifest = \""
        + Fixtures.hocon(manifest) + "\" }"));
    assertThat(r.images()).isEqualTo(written.size());
    assertThat(r.models().get(0).failed()).isZero();
    assertThat(rows("manifest")).extracting(x -> HadoopFiles.fileName(x.getAs("path")))
        .containsExactlyInAnyOrderElementsOf(written.stream().map(HadoopFiles::fileName).toList());
  }
}
