package io.litescore.jobs;

import io.litescore.config.ConfigError;
import io.litescore.io.HadoopFiles;
import java.io.IOException;
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

  /** Names the next Spark jobs {@code litescore <run>: <what>} (in the UI, and for cancelling a run's jobs). */
  protected final void step(String run, String what) {
    group = "litescore-" + run;
    jsc.setJobGroup(group, "litescore " + run + ": " + what, false);
  }

  /** Ends the job's steps. */
  protected final void done() {
    jsc.clearJobGroup();
  }

  /** The qualified form of a URI from the configuration, or a {@link ConfigError} naming its key. */
  protected final String qualify(String uri, String key) {
    try {
      return HadoopFiles.qualify(uri, hadoop);
    } catch (IOException | IllegalArgumentException e) {
      throw ConfigError.of(action, key, uri, "a Hadoop URI (file://, hdfs://, s3a://) (" + e.getMessage() + ")");
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
