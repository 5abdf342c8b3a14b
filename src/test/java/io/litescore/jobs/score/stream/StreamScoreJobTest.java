package io.litescore.jobs.score.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.litescore.config.ConfigLoader;
import io.litescore.config.ScoreConfig;
import io.litescore.testing.ColourDataset;
import io.litescore.testing.Fixtures;
import io.litescore.testing.SharedSpark;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code score --stream} with {@code available-now}, as a cron job runs it: each run scores the files that arrived
 * since the last (new ones, a changed one, an old photo copied in with its old modification time, a zero-byte file
 * as an error row), none twice, and the run's metrics add up over the micro-batches.
 */
class StreamScoreJobTest {
  @TempDir Path dir;

  ScoreConfig config(Path data, String extra) {
    Path model = Fixtures.copyResource("models/channel_mean.pt", dir.resolve("models/channel_mean.pt"));
    Path labels = Fixtures.copyResource("models/channel_mean.labels", dir.resolve("models/channel_mean.labels"));
    return ConfigLoader.parse(ConfigFactory.parseString("""
        run.output = "%s"
        dataset { path = "%s" }
        models = [ { name = colours, uri = "%s", labels = "%s", batch-size = 2, preprocessing { resize = 8, crop = 8 } } ]
        stream.enabled = true
        %s
        """.formatted(Fixtures.hocon(dir.resolve("out")), Fixtures.hocon(data), Fixtures.hocon(model),
        Fixtures.hocon(labels), extra)));
  }

  StreamScoreJob.Result run(ScoreConfig c) throws Exception {
    return new StreamScoreJob(SharedSpark.get(), c, new PrintStream(new ByteArrayOutputStream())).run();
  }

  Dataset<Row> predictions() {
    return SharedSpark.get().read().parquet(dir.resolve("out/predictions").toString());
  }

  @Test
  void eachRunScoresWhatArrivedSinceTheLastOnceAndMetricsAddUp() throws Exception {
    Path data = dir.resolve("data");
    int files = ColourDataset.write(data, 3, 10); // 9 images + 1 corrupt
    ScoreConfig c = config(data, "");
    assertThat(c.run().id()).isEqualTo("stream");

    StreamScoreJob.Result first = run(c);
    assertThat(first.images()).isEqualTo(files);
    assertThat(first.batches()).isEqualTo(1);
    assertThat(first.models().get(0).images()).isEqualTo(files);
    assertThat(first.models().get(0).failed()).isEqualTo(1);
    assertThat(first.models().get(0).top1()).isEqualTo(1.0);

    // nothing new: nothing scored
    StreamScoreJob.Result idle = run(c);
    assertThat(idle.batches()).isZero();
    assertThat(predictions().count()).isEqualTo(files);

    // new files, a zero-byte file, an old photo copied in with an old mtime, and a changed file
    Fixtures.solidPng(data.resolve("red/new-1.png"), 0xff0000, 9, 9);
    Fixtures.solidPng(data.resolve("green/new-2.png"), 0x00ff00, 9, 9);
    Fixtures.write(data.resolve("blue/empty.png"), new byte[0]);
    Path old = Fixtures.solidPng(data.resolve("blue/old-photo.png"), 0x0000ff, 9, 9);
    Files.setLastModifiedTime(old, FileTime.fromMillis(System.currentTimeMillis() - 400L * 24 * 3600 * 1000));
    Path changed = data.resolve("red/red-0.png");
    Fixtures.solidPng(changed, 0xff0000, 12, 12);
    Files.setLastModifiedTime(changed, FileTime.fromMillis(System.currentTimeMillis() + 60_000));
    StreamScoreJob.Result second = run(c);
    assertThat(second.images()).isEqualTo(5);
    assertThat(second.models().get(0).images()).isEqualTo(files + 5);
    assertThat(second.models().get(0).failed()).isEqualTo(2); // corrupt.png and empty.png
    Row empty = predictions().where("path like '%/blue/empty.png'").first();
    assertThat(empty.<String>getAs("error")).isEqualTo("empty file (0 bytes)");
    assertThat(predictions().count()).isEqualTo(files + 5);
    assertThat(predictions().where("path like '%/red/red-0.png'").count()).as("old and new version").isEqualTo(2);
    assertThat(predictions().select("path", "file_size").distinct().count()).isEqualTo(files + 5);

    SparkSession spark = SharedSpark.get();
    Row metrics = spark.read().parquet(dir.resolve("out/metrics").toString()).where("run_id = 'stream'").first();
    assertThat(metrics.<Long>getAs("images")).isEqualTo(files + 5L);
    assertThat(metrics.<Double>getAs("top1")).isEqualTo(1.0);
    assertThat(spark.read().parquet(dir.resolve("out/metrics").toString()).count()).isEqualTo(1);
    assertThat(spark.read().parquet(dir.resolve("out/batch_metrics").toString()).count()).isEqualTo(2);
    long classSupport = spark.read().parquet(dir.resolve("out/class_metrics").toString())
        .selectExpr("sum(support)").first().getLong(0);
    assertThat(classSupport).isEqualTo(files + 5 - 2);
  }

  @Test
  void maxFilesPerTriggerCutsMicroBatchesAndTablesStreamToo() throws Exception {
    Path data = dir.resolve("few");
    int files = ColourDataset.write(data, 2, 9);
    StreamScoreJob.Result r = run(config(data, "stream.max-files-per-trigger = 3"));
    assertThat(r.batches()).isEqualTo((files + 2) / 3);
    assertThat(predictions().count()).isEqualTo(files);
    assertThat(predictions().select("path").distinct().count()).isEqualTo(files);
    assertThat(java.util.Arrays.stream(dir.resolve("out/predictions/run_id=stream/model=colours").toFile().list())
        .filter(n -> n.endsWith(".parquet")).allMatch(n -> n.matches("b\\d+-part-.*"))).isTrue();

    // a Parquet table of images as a stream source
    SparkSession spark = SharedSpark.get();
    Path table = dir.resolve("table");
    spark.read().format("binaryFile").load(data.resolve("red").toString()).selectExpr("path AS id", "content")
        .write().parquet(table.toString());
    ScoreConfig c = ConfigLoader.parse(ConfigFactory.parseString("""
        run { id = tablestream, output = "%s" }
        dataset { layout = table, path = "%s", id-column = id }
        models = [ { name = colours, uri = "%s", labels = "%s", preprocessing { resize = 8, crop = 8 } } ]
        stream.enabled = true
        """.formatted(Fixtures.hocon(dir.resolve("out")), Fixtures.hocon(table),
        Fixtures.hocon(dir.resolve("models/channel_mean.pt")), Fixtures.hocon(dir.resolve("models/channel_mean.labels")))));
    StreamScoreJob.Result t = run(c);
    assertThat(t.images()).isEqualTo(2);
    assertThat(predictions().where("run_id = 'tablestream' and pred_label = 'red'").count()).isEqualTo(2);
    assertThat(run(c).batches()).isZero();
  }
}
