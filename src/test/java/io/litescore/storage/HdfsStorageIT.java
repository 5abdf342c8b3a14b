package io.litescore.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.litescore.io.HadoopFiles;
import io.litescore.testing.CliRun;
import io.litescore.testing.NamesCorpus;
import io.litescore.testing.ColourDataset;
import io.litescore.testing.ItPaths;
import io.litescore.testing.MiniHdfs;
import io.litescore.testing.Outputs;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Dataset, model, labels and output on HDFS (a one-datanode minicluster on 127.0.0.1): the result equals the run on
 * local files, and a re-run of the same id on HDFS replaces its rows.
 */
class HdfsStorageIT {
  static Path work;
  static MiniHdfs hdfs;

  @BeforeAll
  static void start() {
    long t0 = System.nanoTime();
    work = ItPaths.work("hdfs");
    hdfs = MiniHdfs.start(work.resolve("dfs"));
    System.out.printf("HdfsStorageIT: HDFS up at %s in %.1f s%n", hdfs.uri(), (System.nanoTime() - t0) / 1e9);
  }

  @AfterAll
  static void stop() throws IOException {
    try {
      FileSystem.closeAll();
    } finally {
      if (hdfs != null) {
        hdfs.close();
      }
    }
  }

  static CliRun score(String runId, String output, String data, String models) {
    Map<String, String> spark = new LinkedHashMap<>();
    spark.put("spark.master", "local[2]");
    spark.put("spark.ui.enabled", "false");
    spark.put("spark.hadoop.dfs.client.block.write.locateFollowingBlock.initial.delay.ms", "10");
    spark.put("spark.hadoop.dfs.replication", "1");
    Path conf = JobConf.write(work.resolve("conf/" + runId + ".conf"),
        JobConf.text(runId, output, data, 3, JobConf.colours(models), spark));
    return CliRun.of("score", "--conf", conf.toString());
  }

  @Test
  void scoresFromHdfsToHdfsLikeLocalFiles() {
    Path stage = work.resolve("stage");
    ColourDataset.write(stage.resolve("data/colours"), 5, 12);
    ColourDataset.channelMean(stage.resolve("models"));
    String in = hdfs.uri() + "/litescore/in";
    long t0 = System.nanoTime();
    ColourDataset.upload(stage, in, hdfs.hadoopConf());
    System.out.printf("HdfsStorageIT: fixture uploaded in %.1f s%n", (System.nanoTime() - t0) / 1e9);

    String local = work.resolve("out-local").toString();
    CliRun ref = score("local", local, stage.resolve("data").toString(), stage.resolve("models").toString());
    assertThat(ref.exitCode()).as(ref.output()).isZero();

    String out = hdfs.uri() + "/litescore/out";
    t0 = System.nanoTime();
    CliRun first = score("hdfs", out, in + "/data", in + "/models");
    assertThat(first.exitCode()).as(first.output()).isZero();
    System.out.printf("HdfsStorageIT: scored from and to HDFS in %.1f s%n", (System.nanoTime() - t0) / 1e9);
    CliRun again = score("hdfs", out, in + "/data", in + "/models");
    assertThat(again.exitCode()).as(again.output()).isZero();
    assertThat(again.output()).contains("Replaced the earlier output of run hdfs");

    SparkSession spark = Outputs.session(Map.of());
    try {
      assertThat(Outputs.predictions(spark, out, "hdfs", "colours", "colours"))
          .hasSize(16)
          .isEqualTo(Outputs.predictions(spark, local, "local", "colours", "colours"));
      Row m = Outputs.metrics(spark, out, "hdfs", "colours");
      assertThat(m.<Long>getAs("images")).isEqualTo(16L);
      assertThat(m.<Long>getAs("failed")).isEqualTo(1L);
      assertThat(m.<Double>getAs("top1")).isEqualTo(1.0);
      assertThat(m.<String>getAs("dataset")).isEqualTo(in + "/data/colours");
      assertThat(spark.read().parquet(out + "/metrics").count()).isEqualTo(1); // the re-run replaced its row
      assertThat(spark.read().parquet(out + "/predictions").count()).isEqualTo(16);
    } finally {
      spark.stop();
    }
  }

  /**
   * HDFS allows every name of the corpus but those with ':' (DFSUtilClient.isValidName refuses ':' in a path
   * component, and "." / ".." components): the others are scored and read back; a ':' name is refused by HDFS.
   */
  @Test
  void everyNameHdfsAllowsIsScored() throws IOException {
    Path stage = work.resolve("names-stage");
    List<String> written = NamesCorpus.write(stage.resolve("data/colours"), false);
    ColourDataset.channelMean(stage.resolve("models"));
    NamesCorpus.labels(stage.resolve("models/channel_mean.labels"), false);
    String in = hdfs.uri() + "/litescore/names";
    ColourDataset.upload(stage, in, hdfs.hadoopConf());
    String out = hdfs.uri() + "/litescore/out-names";
    CliRun run = score("names", out, in + "/data", in + "/models");
    assertThat(run.exitCode()).as(run.output()).isZero();
    SparkSession spark = Outputs.session(Map.of());
    try {
      List<Row> rows = spark.read().parquet(out + "/predictions").select("path", "error").collectAsList();
      assertThat(rows).hasSize(written.size());
      assertThat(rows).extracting(r -> r.<String>getAs("error")).containsOnlyNulls();
      for (String rel : written) {
        Row row = rows.stream().filter(r -> r.<String>getAs("path").endsWith("/" + rel)).findFirst()
            .orElseThrow(() -> new AssertionError("no row for " + rel));
        assertThat(HadoopFiles.readAll(row.getAs("path"), -1, hdfs.hadoopConf())).as(rel)
            .isEqualTo(java.nio.file.Files.readAllBytes(stage.resolve("data/colours").resolve(rel)));
      }
    } finally {
      spark.stop();
    }
    org.apache.hadoop.fs.Path colon = HadoopFiles.path(in + "/colon:name.png");
    assertThatThrownBy(() -> colon.getFileSystem(hdfs.hadoopConf()).create(colon).close())
        .hasMessageContaining("colon:name.png").hasMessageContaining("not a valid DFS filename");
  }
}
