package io.litescore.jobs;

import io.litescore.config.ScoreConfig;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** Builds the session a job runs in: {@code spark-conf} applied as-is, a local master when none is given. */
public final class Sessions {
  private Sessions() {}

  public static SparkSession forConfig(ScoreConfig config, String appName) {
    return forConf(config.sparkConf(), appName);
  }

  /** The same, for jobs without a score config: {@code conf} holds full Spark property names. */
  public static SparkSession forConf(Map<String, String> conf, String appName) {
    SparkSession.Builder b = SparkSession.builder().appName(appName);
    // spark-submit passes its settings as system properties, which SparkConf reads.
    boolean masterGiven = conf.containsKey("spark.master") || new SparkConf().contains("spark.master");
    if (!masterGiven) {
      b.master("local[*]");
    }
    if (!conf.containsKey("spark.ui.showConsoleProgress")) {
      b.config("spark.ui.showConsoleProgress", "false");
    }
    conf.forEach(b::config);
    return b.getOrCreate();
  }
}
