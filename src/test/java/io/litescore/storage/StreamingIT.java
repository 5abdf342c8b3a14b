package io.litescore.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.litescore.testing.ChildProcess;
import io.litescore.testing.Fixtures;
import io.litescore.testing.ItPaths;
import io.litescore.testing.Outputs;
import io.litescore.testing.Parity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * {@code jobs/litescore score --stream} killed with SIGKILL twice (after a micro-batch was committed, and while one
 * was being written) and started again until it finishes: every image is in predictions exactly once, with the
 * predictions a batch run gives, and the run's metrics count each image once.
 */
class StreamingIT {
  @Test
  void killedAndRestartedStreamLosesAndDuplicatesNothing() throws Exception {
    Path work = ItPaths.work("stream");
    Path data = work.resolve("data");
    Path photos = Parity.copyPhotos(work.resolve("photos"));
    List<Path> sources;
    try (var s = Files.list(photos)) {
      sources = s.sorted().toList();
    }
    int copies = 6;
    for (int i = 0; i < copies; i++) {
      for (Path p : sources) {
        Files.copy(p, Files.createDirectories(data.resolve("c" + (i % 3))).resolve(i + "-" + p.getFileName()));
      }
    }
    int images = copies * sources.size();
    Path model = Fixtures.copyResource("reference/models/squeezenet1_1.pt", work.resolve("squeezenet1_1.pt"));
    Path labels = Parity.labels(work.resolve("imagenet.labels"), 1000);
    Path out = work.resolve("out");
    Path conf = Fixtures.write(work.resolve("stream.conf"), ("""
        run { id = nightly, output = "%s" }
        dataset { path = "%s", layout = unlabeled }
        models = [ { name = squeezenet1_1, uri = "%s", labels = "%s", batch-size = 4 } ]
        stream { max-files-per-trigger = 8 }
        spark-conf { "spark.master" = "local[2]", "spark.ui.enabled" = "false" }
        """).formatted(Fixtures.hocon(out), Fixtures.hocon(data), Fixtures.hocon(model), Fixtures.hocon(labels))
        .getBytes());

    // 1. killed right after the first micro-batch is committed
    ChildProcess first = start(work, conf, "stream-1");
    first.await(Pattern.compile("\\[stream\\] batch 0:"), Duration.ofMinutes(4));
    first.handle().destroyForcibly();
    first.close();

    // 2. killed while a micro-batch is being written (its staging folder is there)
    ChildProcess second = start(work, conf, "stream-2");
    Path staging = out.resolve("_staging");
    long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
    while (!(Files.isDirectory(staging) && hasBatchStaging(staging)) && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(hasBatchStaging(staging)).as("a batch was being written").isTrue();
    Thread.sleep(100);
    second.handle().destroyForcibly();
    second.close();

    // 3. runs to the end
    ChildProcess third = start(work, conf, "stream-3");
    assertThat(third.waitFor(Duration.ofMinutes(6))).as(third.tail()).isZero();
    assertThat(third.output()).contains("Stream run nightly:");

    // 4. a batch run of the same folder, for reference
    Path batchConf = Fixtures.write(work.resolve("batch.conf"), (Files.readString(conf)
        .replace("run { id = nightly", "run { id = reference").replace("stream { max-files-per-trigger = 8 }", ""))
        .getBytes());
    ChildProcess reference = ChildProcess.start("batch", List.of("bash",
        ItPaths.projectRoot().resolve("jobs/litescore").toString(), "score", "--conf", batchConf.toString()),
        Map.of(), work, work.resolve("logs/batch.log"));
    assertThat(reference.waitFor(Duration.ofMinutes(6))).as(reference.tail()).isZero();

    SparkSession spark = Outputs.session(Map.of());
    try {
      List<Row> streamed = spark.read().parquet(out.resolve("predictions").toString()).where("run_id = 'nightly'")
          .select("path", "pred_index", "error").collectAsList();
      assertThat(streamed).hasSize(images);
      assertThat(streamed.stream().map(r -> r.getString(0)).distinct().count()).isEqualTo(images);
      List<String> got = new ArrayList<>(streamed.stream().map(Row::toString).toList());
      List<String> want = new ArrayList<>(spark.read().parquet(out.resolve("predictions").toString())
          .where("run_id = 'reference'").select("path", "pred_index", "error").collectAsList().stream()
          .map(Row::toString).toList());
      got.sort(null);
      want.sort(null);
      assertThat(got).isEqualTo(want);
      Row metrics = spark.read().parquet(out.resolve("metrics").toString()).where("run_id = 'nightly'").first();
      assertThat(metrics.<Long>getAs("images")).isEqualTo((long) images);
      long batchImages = spark.read().parquet(out.resolve("batch_metrics").toString())
          .where("run_id = 'nightly'").selectExpr("sum(images)").first().getLong(0);
      assertThat(batchImages).isEqualTo(images);
    } finally {
      spark.stop();
    }
  }

  static ChildProcess start(Path work, Path conf, String name) {
    return ChildProcess.start(name, List.of("bash", ItPaths.projectRoot().resolve("jobs/litescore").toString(),
        "score", "--stream", "--conf", conf.toString()), Map.of("LITESCORE_JAVA_OPTS", "-Xmx2g"), work,
        work.resolve("logs/" + name + ".log"));
  }

  static boolean hasBatchStaging(Path staging) {
    try (var s = Files.list(staging)) {
      return s.anyMatch(p -> p.getFileName().toString().matches("nightly-batch-[1-9]\\d*"));
    } catch (java.io.IOException e) {
      return false;
    }
  }
}
