package io.litescore.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.litescore.testing.ChildProcess;
import io.litescore.testing.ColourDataset;
import io.litescore.testing.ExecutorMemory;
import io.litescore.testing.ItPaths;
import io.litescore.testing.Outputs;
import io.litescore.testing.S3ProxyServer;
import io.litescore.testing.StandaloneCluster;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The application jar submitted with jobs/score.sh, as a user does, to a Spark standalone cluster (a Master and two
 * one-core Workers, 127.0.0.1) and to local mode: images, models and labels on S3 (S3Proxy), Parquet written to S3.
 * The cluster's rows equal local mode's; no log of the driver, the daemons or the executors holds the S3 secret; each
 * executor loads each model once however many models a run scores.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StandaloneClusterIT {
  static final String BUCKET = "litescore";
  static final String IN = "s3a://" + BUCKET + "/in";
  static final String OUT = "s3a://" + BUCKET + "/out";
  static final int PER_CLASS = 30;
  static final long IMAGES = 3 * PER_CLASS + 1;
  static final Pattern APP_ID = Pattern.compile("app-\\d{14}-\\d{4}");
  static final Pattern LOADED = Pattern.compile("Loaded model '([^']+)' \\(sha256 \\w+\\) into this JVM: \\d+ model\\(s\\) "
      + "held, process RSS (\\d+) MiB \\((\\d+) MiB before");

  static Path work;
  static S3ProxyServer s3;
  static StandaloneCluster cluster;
  static final List<String> report = new ArrayList<>();

  record Submission(String output, String appId, double seconds, List<ExecutorMemory.Sample> memory) {}

  @BeforeAll
  static void start() {
    work = ItPaths.work("cluster");
    long t0 = System.nanoTime();
    s3 = S3ProxyServer.start(work, BUCKET);
    Path stage = work.resolve("stage");
    ColourDataset.write(stage.resolve("data/colours"), PER_CLASS, 224);
    ColourDataset.channelMean(stage.resolve("models"));
    ColourDataset.squeezenets(stage.resolve("models"), "squeezenet_a", "squeezenet_b", "squeezenet_c");
    ColourDataset.upload(stage, IN, s3.hadoopConf());
    double s3Seconds = (System.nanoTime() - t0) / 1e9;
    t0 = System.nanoTime();
    cluster = StandaloneCluster.start(work.resolve("cluster"), 2, 1, "2g");
    report.add(String.format("S3Proxy + upload of %d images and 4 models: %.1f s; master + 2 workers up: %.1f s",
        IMAGES, s3Seconds, (System.nanoTime() - t0) / 1e9));
  }

  @AfterAll
  static void stop() throws IOException {
    report.forEach(line -> System.out.println("StandaloneClusterIT: " + line));
    try {
      FileSystem.closeAll();
    } finally {
      try {
        if (cluster != null) {
          cluster.close();
        }
      } finally {
        if (s3 != null) {
          s3.close();
        }
      }
    }
  }

  /** What a user puts in the properties file for this cluster (conf/spark/standalone.properties). */
  static Path properties(String name, String master) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("spark.master", master);
    p.put("spark.driver.memory", "1g");
    p.put("spark.driver.host", "127.0.0.1");
    p.put("spark.driver.bindAddress", "127.0.0.1");
    p.put("spark.ui.enabled", "false");
    p.put("spark.executor.cores", "1");
    p.put("spark.executor.memory", "1g");
    p.put("spark.cores.max", "2");
    p.put("spark.task.cpus", "1");
    p.put("spark.driver.extraJavaOptions", "-Dai.djl.offline=true");
    p.put("spark.executor.extraJavaOptions", "-Dai.djl.offline=true");
    p.put("spark.executorEnv.DJL_CACHE_DIR", work.resolve("djl-cache").toString());
    s3.s3aConf().forEach((k, v) -> p.put("spark.hadoop." + k, v));
    StringBuilder s = new StringBuilder();
    p.forEach((k, v) -> s.append(k).append(' ').append(v).append('\n'));
    return JobConf.write(work.resolve("conf/" + name + ".properties"), s.toString());
  }

  static Submission submit(String runId, String master, String models) {
    return submit(runId, master, models, () -> {});
  }

  /** Submits with jobs/score.sh and waits; {@code meanwhile} runs on this thread while the job does. */
  static Submission submit(String runId, String master, String models, Runnable meanwhile) {
    Path props = properties(runId, master);
    Path job = JobConf.write(work.resolve("conf/" + runId + ".conf"),
        JobConf.text(runId, OUT, IN + "/data", 4, models, Map.of()));
    Map<String, String> env = new HashMap<>(cluster.env());
    env.put("LITESCORE_SPARK_PROPERTIES", props.toString());
    env.put("DJL_CACHE_DIR", work.resolve("djl-cache").toString());
    long t0 = System.nanoTime();
    ChildProcess p;
    List<ExecutorMemory.Sample> memory;
    try (ExecutorMemory sampler = new ExecutorMemory(cluster.workers())) {
      p = ChildProcess.start("submit-" + runId, List.of("bash",
              ItPaths.projectRoot().resolve("jobs/score.sh").toString(), "--conf", job.toString()),
          env, work.resolve("submit-" + runId), work.resolve("logs/submit-" + runId + ".log"));
      meanwhile.run();
      int code = p.waitFor(Duration.ofMinutes(10));
      assertThat(code).as(p.tail()).isZero();
      memory = sampler.samples();
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    String out = p.output();
    assertThat(out).contains("Run " + runId + ": " + IMAGES + " images");
    Matcher app = APP_ID.matcher(out);
    return new Submission(out, app.find() ? app.group() : null, seconds, memory);
  }

  @Test
  @Order(1)
  void clusterResultEqualsLocalModeAndNoLogHoldsTheSecret() {
    String models = JobConf.colours(IN + "/models") + ", " + JobConf.squeezenet(IN + "/models", "squeezenet_a");
    Submission local = submit("local", "local[2]", models);
    Submission onCluster = submit("cluster", cluster.masterUrl(), models);

    assertThat(onCluster.appId()).as("application id in the driver log").isNotNull();
    // one executor per Worker; on a heavily loaded machine Spark may replace a lost executor with a new JVM
    assertThat(onCluster.memory()).as("executor JVMs seen").hasSizeGreaterThanOrEqualTo(2);
    Map<Path, String> executorLogs = cluster.executorLogs(onCluster.appId());
    assertThat(executorLogs).hasSizeGreaterThanOrEqualTo(4); // stdout and stderr of each executor
    String allExecutorLogs = String.join("\n", executorLogs.values());
    assertThat(allExecutorLogs).contains("Loaded model 'squeezenet_a'").contains("Running task");

    SparkSession spark = Outputs.session(s3.s3aConf());
    try {
      for (String model : List.of("colours", "squeezenet_a")) {
        List<String> cl = Outputs.predictions(spark, OUT, "cluster", model, "colours");
        assertThat(cl).hasSize((int) IMAGES).isEqualTo(Outputs.predictions(spark, OUT, "local", model, "colours"));
        Row lm = Outputs.metrics(spark, OUT, "local", model);
        Row cm = Outputs.metrics(spark, OUT, "cluster", model);
        assertThat(cm.<Long>getAs("failed")).isEqualTo(1L);
        report.add(String.format("%s: local[2] %.1f img/s (%.1f s), standalone 2x1 core %.1f img/s (%.1f s)", model,
            lm.<Double>getAs("images_per_second"), lm.<Double>getAs("wall_seconds"),
            cm.<Double>getAs("images_per_second"), cm.<Double>getAs("wall_seconds")));
      }
      assertThat(Outputs.metrics(spark, OUT, "cluster", "colours").<Double>getAs("top1")).isEqualTo(1.0);
      assertThat(Outputs.allTablesAsText(spark, OUT)).doesNotContain(s3.secretKey());
    } finally {
      spark.stop();
    }
    report.add(String.format("submission wall time: local[2] %.1f s, standalone %.1f s", local.seconds(),
        onCluster.seconds()));
    report.add("executor memory, models colours + 1 squeezenet: " + onCluster.memory());

    // spark-submit's driver console (jobs/score.sh): the S3 client's SLF4J 1.x lookup finds the binder shim
    for (String noise : ConsoleIT.NATIVE_NOISE) {
      assertThat(local.output()).as("jobs/score.sh console").doesNotContain(noise);
      assertThat(onCluster.output()).as("jobs/score.sh console").doesNotContain(noise);
    }
    String secret = s3.secretKey();
    assertThat(local.output()).doesNotContain(secret);
    assertThat(onCluster.output()).doesNotContain(secret);
    assertThat(cluster.daemonLogs()).doesNotContain(secret);
    assertThat(allExecutorLogs).contains("Spark Executor Command").doesNotContain(secret);
  }

  @Test
  @Order(2)
  void eachExecutorHoldsEachModelOnce() {
    String models = JobConf.squeezenet(IN + "/models", "squeezenet_a") + ", "
        + JobConf.squeezenet(IN + "/models", "squeezenet_b") + ", " + JobConf.squeezenet(IN + "/models", "squeezenet_c");
    Submission many = submit("many", cluster.masterUrl(), models);
    Map<String, Integer> loadsOverall = new HashMap<>();
    int executors = 0;
    for (Map.Entry<Path, String> log : cluster.executorLogs(many.appId()).entrySet()) {
      if (!log.getKey().getFileName().toString().equals("stderr")) {
        continue;
      }
      executors++;
      Map<String, Integer> loads = new HashMap<>();
      Matcher m = LOADED.matcher(log.getValue());
      while (m.find()) {
        loads.merge(m.group(1), 1, Integer::sum);
        loadsOverall.merge(m.group(1), 1, Integer::sum);
        report.add(String.format("executor %s loaded %s: RSS %s -> %s MiB", log.getKey().getParent().getFileName(),
            m.group(1), m.group(3), m.group(2)));
      }
      assertThat(loads.values()).as("loads per model in " + log.getKey()).allMatch(n -> n == 1);
    }
    assertThat(executors).isEqualTo(2);
    assertThat(loadsOverall).containsKeys("squeezenet_a", "squeezenet_b", "squeezenet_c");
    assertThat(many.memory()).hasSize(2);
    report.add("executor memory, 3 squeezenets: " + many.memory());

    SparkSession spark = Outputs.session(s3.s3aConf());
    try {
      List<String> a = Outputs.predictions(spark, OUT, "many", "squeezenet_a", "colours");
      assertThat(a).hasSize((int) IMAGES);
      assertThat(Outputs.predictions(spark, OUT, "many", "squeezenet_b", "colours")).isEqualTo(a);
      assertThat(Outputs.predictions(spark, OUT, "many", "squeezenet_c", "colours")).isEqualTo(a);
    } finally {
      spark.stop();
    }
  }

  /**
   * Executor loss: one executor JVM is killed (SIGKILL) while it scores; Spark re-runs its tasks elsewhere. The run
   * still has exactly one row per (image, model), and its predictions and metrics equal the clean run's.
   */
  @Test
  @Order(3)
  void killingAnExecutorMidRunLosesAndDoublesNothing() {
    String models = JobConf.squeezenet(IN + "/models", "squeezenet_a") + ", "
        + JobConf.squeezenet(IN + "/models", "squeezenet_b") + ", " + JobConf.squeezenet(IN + "/models", "squeezenet_c");
    long[] killed = new long[1];
    Submission run = submit("killed", cluster.masterUrl(), models, () -> killed[0] = killAnExecutorOnceScoring());
    assertThat(killed[0]).as("an executor was killed while scoring").isPositive();
    long lostTasks = count(run.output(), "Lost task");
    assertThat(lostTasks).as("tasks lost with the executor, seen by the driver").isPositive();
    report.add(String.format("executor kill: pid %d killed (SIGKILL) while scoring; driver saw %d lost task "
        + "attempt(s), %d lost-executor line(s); the run finished in %.1f s", killed[0], lostTasks,
        count(run.output(), "Lost executor") + count(run.output(), "Removed executor"), run.seconds()));

    SparkSession spark = Outputs.session(s3.s3aConf());
    try {
      for (String model : List.of("squeezenet_a", "squeezenet_b", "squeezenet_c")) {
        List<String> rows = Outputs.predictions(spark, OUT, "killed", model, "colours");
        assertThat(rows).as(model + " rows").hasSize((int) IMAGES).doesNotHaveDuplicates()
            .isEqualTo(Outputs.predictions(spark, OUT, "many", model, "colours"));
        Row clean = Outputs.metrics(spark, OUT, "many", model);
        Row afterKill = Outputs.metrics(spark, OUT, "killed", model);
        for (String metric : List.of("images", "scored", "failed", "top1", "top5", "mean_class_accuracy")) {
          assertThat((Object) afterKill.getAs(metric)).as(model + " " + metric).isEqualTo(clean.getAs(metric));
        }
      }
    } finally {
      spark.stop();
    }
  }

  /** Waits until an executor has loaded the last model (scoring has begun), then kills that JVM; its pid. */
  static long killAnExecutorOnceScoring() {
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    while (System.nanoTime() < deadline) {
      for (ProcessHandle w : cluster.workers()) {
        for (ProcessHandle e : w.descendants().toList()) {
          try {
            String cmd = java.nio.file.Files.readString(Path.of("/proc", Long.toString(e.pid()), "cmdline"));
            if (!cmd.contains("CoarseGrainedExecutorBackend")) {
              continue;
            }
            Path stderr = java.nio.file.Files.readSymbolicLink(Path.of("/proc", Long.toString(e.pid()), "cwd"))
                .resolve("stderr");
            if (java.nio.file.Files.exists(stderr)
                && java.nio.file.Files.readString(stderr).contains("Loaded model 'squeezenet_c'")) {
              Thread.sleep(300); // its tasks are scoring: the models load when a task starts
              e.destroyForcibly();
              return e.pid();
            }
          } catch (IOException | RuntimeException ex) {
            // the process ended or its files are not there yet: look again
          } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return -1;
          }
        }
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException ex) {
        Thread.currentThread().interrupt();
        return -1;
      }
    }
    return -1;
  }

  static long count(String text, String what) {
    return Pattern.compile(Pattern.quote(what)).matcher(text).results().count();
  }
}
