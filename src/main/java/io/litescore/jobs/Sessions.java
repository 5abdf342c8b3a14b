package io.litescore.jobs;

import io.litescore.config.ScoreConfig;
import io.litescore.io.LocalFiles;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** Builds the session a job runs in: {@code spark-conf} applied as-is, a local master when none is given. */
public final class Sessions {
  private static final String FILE_IMPL = "spark.hadoop.fs.file.impl";

  private Sessions() {}

  public static SparkSession forConfig(ScoreConfig config, String appName) {
    return forConf(config.sparkConf(), appName);
  }

  /** The same, for jobs without a score config: {@code conf} holds full Spark property names. */
  public static SparkSession forConf(Map<String, String> conf, String appName) {
    SparkSession.Builder b = SparkSession.builder().appName(appName);
    // spark-submit passes its settings as system properties, which SparkConf reads.
    SparkConf system = new SparkConf();
    boolean masterGiven = conf.containsKey("spark.master") || system.contains("spark.master");
    if (!masterGiven) {
      b.master("local[*]");
    }
    if (!conf.containsKey("spark.ui.showConsoleProgress")) {
      b.config("spark.ui.showConsoleProgress", "false");
    }
    // file:// without a chmod process per directory and file (LocalFiles); local mode only, where the driver's
    // class path is the executor's
    String master = conf.getOrDefault("spark.master", system.get("spark.master", "local[*]"));
    if (master.matches("local(\\[.*])?") && !conf.containsKey(FILE_IMPL) && !system.contains(FILE_IMPL)) {
      b.config(FILE_IMPL, LocalFiles.class.getName());
    }
    conf.forEach(b::config);
    return b.getOrCreate();
  }
}
