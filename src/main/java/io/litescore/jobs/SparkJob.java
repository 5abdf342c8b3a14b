package io.litescore.jobs;

import io.litescore.config.ConfigError;
import io.litescore.io.HadoopFiles;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * What every litescore job repeats: the session and its Hadoop configuration, the session settings the jobs rely
 * on, Spark job groups that name each step in the Spark UI, and URIs checked on the driver.
 */
public abstract class SparkJob {
  protected final SparkSession spark;
  protected final JavaSparkContext jsc;
  protected final Configuration hadoop;
  private final String action;
  private String group;

  /** @param action the verb of this job's error messages ({@code score}, {@code compare}, {@code bench}) */
  protected SparkJob(SparkSession spark, String action) {
    this.spark = spark;
    this.jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    this.hadoop = spark.sparkContext().hadoopConfiguration();
    this.action = action;
    // run_id=<id> folders are strings, whatever they look like
    spark.conf().set("spark.sql.sources.partitionColumnTypeInference.enabled", "false");
  }

  /**
   * Runs a scoring write with these session settings for its planning, then restores the session's own:
   * <ul>
   *   <li>Whole-stage code generation off. The scoring plan is object operations (the classifier pass, the
   *       prediction rows) feeding a Parquet writer: fused code gains nothing there, but its generated serializer
   *       for the prediction rows is a 60 KB method the JIT compiled again on every run (0.37 CPU s of C2 time
   *       inside each 440-image pass, measured with JFR on 2 cores).
   *   <li>No sort before the partitioned write (unless the session sets {@code CONCURRENT_WRITERS} itself): each
   *       task writes its rows as they are scored, one open file per model, instead of holding the partition's rows
   *       in a sorter (whose comparator Spark generates in every task) until the last one is scored. Spark plans
   *       no sort when concurrent writers are allowed; the files and rows are the same.
   *   <li>Interpreted row projections (unless the session sets {@code CODEGEN_FACTORY}): the tasks convert each
   *       prediction row to Spark's binary row format and pick its partition values with projections that Spark
   *       otherwise generates and compiles with Janino in the first task of each JVM, while the other task waits
   *       for the same class: 0.3-0.4 s of a fresh 440-image pass. Interpreted, a projection costs microseconds
   *       per row, against milliseconds of decoding and inference per image.
   * </ul>
   */
  protected final void scoringWrite(Runnable write) {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("spark.sql.codegen.wholeStage", "false");
    if (!spark.conf().contains(CONCURRENT_WRITERS)) {
      settings.put(CONCURRENT_WRITERS, "64"); // more models than that in a task: Spark sorts the rest, as before
    }
    if (!spark.conf().contains(CODEGEN_FACTORY)) {
      settings.put(CODEGEN_FACTORY, "NO_CODEGEN");
    }
    Map<String, String> before = new LinkedHashMap<>();
    settings.forEach((key, value) -> {
      before.put(key, spark.conf().contains(key) ? spark.conf().get(key) : null);
      spark.conf().set(key, value);
    });
    try {
      write.run();
    } finally {
      before.forEach((key, value) -> {
        if (value == null) {
          spark.conf().unset(key);
        } else {
          spark.conf().set(key, value);
        }
      });
    }
  }

  /** Open files per task when a partitioned write is not sorted. */
  private static final String CONCURRENT_WRITERS = "spark.sql.maxConcurrentOutputFileWriters";

  /** How Spark makes row projections and predicates: generated code, interpreted, or generated with a fallback. */
  private static final String CODEGEN_FACTORY = "spark.sql.codegen.factoryMode";

  /**
   * Names the next Spark jobs {@code litescore <run>: <what>} (in the UI, and for cancelling a run's jobs). The
   * same words are the call site of the step's datasets and jobs: Spark would otherwise walk the thread's stack for
   * each of them (its {@code Utils.getCallSite}, a 42 KB method that the JIT compiled inside the scoring pass,
   * 0.25 CPU s, measured with JFR).
   */
  protected final void step(String run, String what) {
    group = "litescore-" + run;
    String description = "litescore " + run + ": " + what;
    jsc.setJobGroup(group, description, false);
    jsc.setLocalProperty(CALL_SITE_SHORT, description);
    jsc.setLocalProperty(CALL_SITE_LONG, description);
  }

  /** Ends the job's steps. */
  protected final void done() {
    jsc.clearJobGroup();
    jsc.setLocalProperty(CALL_SITE_SHORT, null);
    jsc.setLocalProperty(CALL_SITE_LONG, null);
  }

  /** Spark's local properties for a call site ({@code org.apache.spark.util.CallSite}'s keys). */
  private static final String CALL_SITE_SHORT = "callSite.short";
  private static final String CALL_SITE_LONG = "callSite.long";

  /** The qualified form of a URI from the configuration, or a {@link ConfigError} naming its key. */
  protected final String qualify(String uri, String key) {
    try {
      return HadoopFiles.qualify(uri, hadoop);
    } catch (IOException | IllegalArgumentException e) {
      throw ConfigError.of(action, key, uri, "a Hadoop URI (file://, hdfs://, s3a://) (" + e.getMessage() + ")");
    }
  }

  /**
   * Runs {@code steps} at the same time, the last on this thread, the others on threads of their own (which
   * inherit this thread's Spark job group and call site); returns when all are done, then throws the failure of
   * the first step (in argument order) that failed.
   */
  protected static void inParallel(Runnable... steps) {
    List<Thread> threads = new ArrayList<>();
    Throwable[] failed = new Throwable[steps.length];
    for (int i = 0; i < steps.length - 1; i++) {
      int at = i;
      Thread t = new Thread(() -> {
        try {
          steps[at].run();
        } catch (Throwable e) {
          failed[at] = e;
        }
      }, "litescore-step-" + i);
      t.start();
      threads.add(t);
    }
    try {
      steps[steps.length - 1].run();
    } catch (RuntimeException | Error e) {
      failed[steps.length - 1] = e;
    }
    for (Thread t : threads) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Cannot wait for the job's steps: interrupted", e);
      }
    }
    for (Throwable e : failed) {
      if (e instanceof RuntimeException r) {
        throw r;
      }
      if (e instanceof Error r) {
        throw r;
      }
    }
  }

  /** spark.task.cpus: the cores each task has. */
  protected final int taskCpus() {
    return Integer.parseInt(spark.sparkContext().getConf().get("spark.task.cpus", "1"));
  }

  /** CPU time of this JVM, all threads (in local mode: driver and executor). */
  public static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
        .getOperatingSystemMXBean()).getProcessCpuTime();
  }
}
