package io.litescore.testing;

import org.apache.spark.sql.SparkSession;

/** One {@code local[2]} session for every Spark test in this JVM (starting Spark costs seconds). */
public final class SharedSpark {
  private static SparkSession spark;

  private SharedSpark() {}

  public static synchronized SparkSession get() {
    if (spark == null) {
      spark = SparkSession.builder()
          .master("local[2]")
          .appName("litescore-tests")
          .config("spark.ui.enabled", "false")
          .config("spark.ui.showConsoleProgress", "false")
          .config("spark.sql.shuffle.partitions", "2")
          .getOrCreate();
    }
    return spark;
  }
}
