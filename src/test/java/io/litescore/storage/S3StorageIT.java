package io.litescore.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.litescore.io.HadoopFiles;
import io.litescore.testing.ChildProcess;
import io.litescore.testing.CliRun;
import io.litescore.testing.ColourDataset;
import io.litescore.testing.EtagStrippingProxy;
import io.litescore.testing.ItPaths;
import io.litescore.testing.NamesCorpus;
import io.litescore.testing.Outputs;
import io.litescore.testing.S3ProxyServer;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Dataset, model, labels and output on S3 (S3Proxy on 127.0.0.1, AWS signatures), read and written through S3A with
 * the classic file output committer and with the S3A magic committer; the result equals the run on local files.
 * The secret key never shows in what the launcher prints (its log at INFO included) nor in the tables.
 */
class S3StorageIT {
  static final String BUCKET = "litescore";
  static final String IN = "s3a://" + BUCKET + "/in";
  static Path work;
  static S3ProxyServer s3;
  static List<String> reference;

  @BeforeAll
  static void start() {
    long t0 = System.nanoTime();
    work = ItPaths.work("s3");
    s3 = S3ProxyServer.start(work, BUCKET);
    Path stage = work.resolve("stage");
    ColourDataset.write(stage.resolve("data/colours"), 5, 12);
    ColourDataset.channelMean(stage.resolve("models"));
    ColourDataset.upload(stage, IN, s3.hadoopConf());
    System.out.printf("S3StorageIT: S3Proxy up and fixture uploaded in %.1f s%n", (System.nanoTime() - t0) / 1e9);

    String local = work.resolve("out-local").toString();
    CliRun run = score("local", local, stage.resolve("data").toString(), stage.resolve("models").toString(),
        Map.of());
    assertThat(run.exitCode()).as(run.output()).isZero();
    SparkSession spark = Outputs.session(Map.of());
    try {
      reference = Outputs.predictions(spark, local, "local", "colours", "colours");
    } finally {
      spark.stop();
    }
    assertThat(reference).hasSize(16);
  }

  @AfterAll
  static void stop() throws IOException {
    try {
      FileSystem.closeAll(); // the cached S3A instance points at this S3Proxy's port
    } finally {
      if (s3 != null) {
        s3.close();
      }
    }
  }

  static CliRun score(String runId, String output, String data, String models, Map<String, String> extra) {
    Map<String, String> spark = new LinkedHashMap<>();
    spark.put("spark.master", "local[2]");
    spark.put("spark.ui.enabled", "false");
    s3.s3aConf().forEach((k, v) -> spark.put("spark.hadoop." + k, v));
    spark.putAll(extra);
    Path conf = JobConf.write(work.resolve("conf/" + runId + ".conf"),
        JobConf.text(runId, output, data, 3, JobConf.colours(models), spark));
    return CliRun.of("score", "--conf", conf.toString());
  }

  /** Scores from S3 to S3, checks the rows against the local run; returns the _SUCCESS marker's text. */
  static String scoreOnS3(String runId, Map<String, String> committer) {
    long t0 = System.nanoTime();
    String out = "s3a://" + BUCKET + "/out-" + runId;
    CliRun run = score(runId, out, IN + "/data", IN + "/models", committer);
    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.output()).contains("Dataset " + IN + "/data/colours: 16 images");
    System.out.printf("S3StorageIT %s: scored and written in %.1f s%n", runId, (System.nanoTime() - t0) / 1e9);
    SparkSession spark = Outputs.session(s3.s3aConf());
    try {
      assertThat(Outputs.predictions(spark, out, runId, "colours", "colours")).isEqualTo(reference);
      Row m = Outputs.metrics(spark, out, runId, "colours");
      assertThat(m.<Long>getAs("images")).isEqualTo(16L);
      assertThat(m.<Long>getAs("failed")).isEqualTo(1L);
      assertThat(m.<Double>getAs("top1")).isEqualTo(1.0);
      assertThat(m.<String>getAs("dataset")).isEqualTo(IN + "/data/colours");
    } finally {
      spark.stop();
    }
    org.apache.hadoop.fs.Path marker = new org.apache.hadoop.fs.Path(out + "/predictions/_SUCCESS");
    try (var in = marker.getFileSystem(s3.hadoopConf()).open(marker)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new AssertionError("no _SUCCESS marker at " + marker, e);
    }
  }

  /** Every object below a URI. */
  static List<String> objects(String uri) throws IOException {
    org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(uri);
    List<String> keys = new ArrayList<>();
    RemoteIterator<LocatedFileStatus> it = p.getFileSystem(s3.hadoopConf()).listFiles(p, true);
    while (it.hasNext()) {
      keys.add(it.next().getPath().toString());
    }
    return keys;
  }

  @Test
  void classicFileOutputCommitter() {
    // Spark 4.1 picks the magic committer for s3a:// whenever spark-hadoop-cloud is on the class path (it is in
    // litescore's jar); this is how to turn it off
    String success = scoreOnS3("classic", Map.of("spark.hadoop.fs.s3a.committer.magic.enabled", "false"));
    assertThat(success).isEmpty(); // FileOutputCommitter's marker is empty
  }

  @Test
  void magicCommitter() throws IOException {
    String success = scoreOnS3("magic", Map.of(
        "spark.hadoop.fs.s3a.committer.name", "magic",
        "spark.hadoop.fs.s3a.committer.magic.enabled", "true",
        "spark.hadoop.mapreduce.outputcommitter.factory.scheme.s3a",
        "org.apache.hadoop.fs.s3a.commit.S3ACommitterFactory",
        "spark.sql.sources.commitProtocolClass", "org.apache.spark.internal.io.cloud.PathOutputCommitProtocol",
        "spark.sql.parquet.output.committer.class",
        "org.apache.spark.internal.io.cloud.BindingParquetOutputCommitter"));
    // the S3A committers write a JSON summary naming themselves; and they leave no __magic folder behind
    assertThat(success).contains("\"committer\"").contains("magic");
    List<String> written = objects("s3a://" + BUCKET + "/out-magic");
    assertThat(written).anyMatch(k -> k.endsWith(".parquet")).noneMatch(k -> k.contains("__magic"));
  }

  /** The launcher, as a user runs it, with every logger at INFO: the secret is in no line, nor in any table. */
  @Test
  void secretKeyIsNeverPrintedNorWritten() throws IOException {
    Path logConf = JobConf.write(work.resolve("log4j2-info.properties"), String.join("\n",
        "rootLogger.level = info", "rootLogger.appenderRef.stderr.ref = console",
        "appender.console.type = Console", "appender.console.name = console", "appender.console.target = SYSTEM_ERR",
        "appender.console.layout.type = PatternLayout", "appender.console.layout.pattern = %d %p %c: %m%n%ex", ""));
    String out = "s3a://" + BUCKET + "/out-launcher";
    Map<String, String> spark = new LinkedHashMap<>();
    spark.put("spark.master", "local[2]");
    s3.s3aConf().forEach((k, v) -> spark.put("spark.hadoop." + k, v));
    Path ok = JobConf.write(work.resolve("conf/launcher.conf"),
        JobConf.text("launcher", out, IN + "/data", 2, JobConf.colours(IN + "/models"), spark));
    String wrongSecret = "wrong-secret-" + System.nanoTime();
    spark.put("spark.hadoop.fs.s3a.secret.key", wrongSecret);
    Path bad = JobConf.write(work.resolve("conf/wrong-key.conf"),
        JobConf.text("wrong-key", out, IN + "/data", 2, JobConf.colours(IN + "/models"), spark));

    ChildProcess good = launcher("launcher-ok", ok, logConf);
    assertThat(good.waitFor(Duration.ofMinutes(4))).as(good.tail()).isZero();
    ChildProcess denied = launcher("launcher-wrong-key", bad, logConf);
    assertThat(denied.waitFor(Duration.ofMinutes(4))).as(denied.tail()).isEqualTo(2);

    String printed = good.output();
    assertThat(printed).contains("Run launcher: 16 images x 1 models").contains(" INFO ");
    assertThat(printed).doesNotContain(s3.secretKey());
    // the AWS SDK bundle's SLF4J 1.x lookup finds litescore's binder shim: no "Failed to load class" on the console
    assertThat(printed).doesNotContain("StaticLoggerBinder");
    assertThat(denied.output()).contains("models[0].").contains("403").doesNotContain(wrongSecret)
        .doesNotContain(s3.secretKey());
    SparkSession reader = Outputs.session(s3.s3aConf());
    try {
      String tables = Outputs.allTablesAsText(reader, out);
      assertThat(tables).contains("red-0.png").doesNotContain(s3.secretKey());
    } finally {
      reader.stop();
    }
  }

  /** Keys with every character the corpus has, ':' included, in label folders likewise: all scored and read back. */
  @Test
  void everyNameAnS3KeyAllowsIsScored() throws IOException {
    Path stage = work.resolve("names-stage");
    List<String> written = NamesCorpus.write(stage.resolve("data/colours"), true);
    ColourDataset.channelMean(stage.resolve("models"));
    NamesCorpus.labels(stage.resolve("models/channel_mean.labels"), true);
    StringBuilder csv = new StringBuilder("path,label\n");
    written.forEach(rel -> csv.append('"').append(rel).append("\",\"").append(rel, 0, rel.indexOf('/'))
        .append("\"\n"));
    JobConf.write(stage.resolve("data/manifest.csv"), csv.toString());
    String in = "s3a://" + BUCKET + "/names";
    ColourDataset.upload(stage, in, s3.hadoopConf());
    String out = "s3a://" + BUCKET + "/out-names";
    CliRun run = score("names", out, in + "/data", in + "/models", Map.of());
    assertThat(run.exitCode()).as(run.output()).isZero();
    Map<String, String> spark = new LinkedHashMap<>(Map.of("spark.master", "local[2]", "spark.ui.enabled", "false"));
    s3.s3aConf().forEach((k, v) -> spark.put("spark.hadoop." + k, v));
    Path manifestConf = JobConf.write(work.resolve("conf/names-manifest.conf"), JobConf.text("names-manifest", out,
        in + "/data", 2, JobConf.colours(in + "/models"), spark).replace("dataset { path = \"" + in + "/data/colours\"",
        "dataset { layout = manifest, manifest = \"" + in + "/data/manifest.csv\", path = \"" + in
            + "/data/colours\""));
    CliRun manifest = CliRun.of("score", "--conf", manifestConf.toString());
    assertThat(manifest.exitCode()).as(manifest.output()).isZero();

    SparkSession reader = Outputs.session(s3.s3aConf());
    try {
      for (String runId : List.of("names", "names-manifest")) {
        List<Row> rows = reader.read().parquet(out + "/predictions").where("run_id = '" + runId + "'")
            .select("path", "error", "label").collectAsList();
        assertThat(rows).as(runId).hasSize(written.size());
        assertThat(rows).extracting(r -> r.<String>getAs("error")).as(runId).containsOnlyNulls();
        for (String rel : written) {
          Row row = rows.stream().filter(r -> r.<String>getAs("path").endsWith("/" + rel)).findFirst()
              .orElseThrow(() -> new AssertionError(runId + ": no row for " + rel));
          assertThat(row.<String>getAs("path")).startsWith("s3a://" + BUCKET + "/names/data/colours/");
          assertThat(HadoopFiles.readAll(row.getAs("path"), -1, s3.hadoopConf())).as(rel)
              .isEqualTo(java.nio.file.Files.readAllBytes(stage.resolve("data/colours").resolve(rel)));
        }
      }
    } finally {
      reader.stop();
    }
  }

  /**
   * A store that sends no ETag: the failure names the store, the object and the S3A setting that accepts it; with
   * that setting the run succeeds.
   */
  @Test
  void storeWithoutEtagsFailsNamingTheSettingAndWorksWithIt() throws IOException {
    try (EtagStrippingProxy noEtags = EtagStrippingProxy.start(URI.create(s3.endpoint()).getPort())) {
      Map<String, String> conf = new LinkedHashMap<>();
      conf.put("spark.hadoop.fs.s3a.endpoint", noEtags.endpoint());
      conf.put("spark.hadoop.fs.s3a.impl.disable.cache", "true");
      CliRun failed = score("no-etag", work.resolve("out-no-etag").toString(), IN + "/data", IN + "/models", conf);
      assertThat(failed.exitCode()).as(failed.output()).isEqualTo(2);
      assertThat(failed.output()).contains("models[0].")
          .contains("the S3 store at " + noEtags.endpoint() + " returned no ETag for s3a://" + BUCKET + "/in/models/")
          .contains("spark.hadoop.fs.s3a.change.detection.version.required=false");
      conf.put("spark.hadoop.fs.s3a.change.detection.version.required", "false");
      CliRun ok = score("no-etag", work.resolve("out-no-etag").toString(), IN + "/data", IN + "/models", conf);
      assertThat(ok.exitCode()).as(ok.output()).isZero();
      assertThat(ok.output()).contains("Run no-etag: 16 images x 1 models");
    }
  }

  private static ChildProcess launcher(String name, Path conf, Path logConf) {
    Path root = ItPaths.projectRoot();
    return ChildProcess.start(name, List.of("bash", root.resolve("jobs/litescore").toString(), "score", "--conf",
            conf.toString()),
        Map.of("LITESCORE_LOG_CONF", logConf.toString(), "LITESCORE_JAVA_OPTS", "-Xmx1g"),
        work.resolve(name), work.resolve("logs/" + name + ".log"));
  }
}
