package io.litescore.cli;

import io.litescore.config.ConfigError;
import io.litescore.jobs.compare.CompareJob;
import io.litescore.jobs.Sessions;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "compare", mixinStandardHelpOptions = true,
    description = {"Compare the models of one or more score runs: writes comparison/ (Parquet) and comparison.csv "
        + "(one row per run and model, ranked), class_metrics.csv, confusion.csv and report.html (a self-contained "
        + "page with the table, accuracy vs speed, per-class accuracy, confusion matrices, the most misclassified "
        + "images and the run details) under --output.",
        "Without labels too: agreement/ (top-1 agreement of every pair of models on their common images), "
            + "confidence/ (top-1 probability histograms), disagreements/ (the images the models disagree on "
            + "most) and drift/ + drift_classes/ (a model in two runs: predictions changed, predicted-class shift), "
            + "each also as a .csv, and their report sections.",
        "Example, after the demo: jobs/litescore compare --runs litescore-output --run-id demo "
            + "--output litescore-output/report"})
final class CompareCommand implements Callable<Integer> {
  @Option(names = "--runs", required = true, paramLabel = "URI",
      description = "A score output folder (run.output: holds metrics/, class_metrics/, predictions/). Repeatable.")
  List<String> runs = new ArrayList<>();

  @Option(names = "--run-id", paramLabel = "ID", split = ",",
      description = "Runs to compare (repeatable or comma-separated); default: every run under --runs.")
  List<String> runIds = new ArrayList<>();

  @Option(names = "--output", required = true, paramLabel = "URI",
      description = "Folder for the comparison and report.html (replaced files, other content kept).")
  String output;

  @Option(names = "--misclassified", paramLabel = "N", defaultValue = "24",
      description = "Images shown in the 'most often misclassified' section (default ${DEFAULT-VALUE}; 0: none).")
  int misclassified;

  @Option(names = "--disagreements", paramLabel = "N", defaultValue = "24",
      description = "Images shown in the 'most disagreed' section and written to disagreements/: those on which the "
          + "models' top-1 classes differ most (default ${DEFAULT-VALUE}; 0: none). Needs no labels.")
  int disagreements;

  @Option(names = "--thumbnail-size", paramLabel = "PX", defaultValue = "96",
      description = "Thumbnails fit a square of this size (default ${DEFAULT-VALUE}).")
  int thumbnailSize;

  @Option(names = "--max-classes", paramLabel = "N", defaultValue = "40",
      description = "Confusion matrices show at most N classes, those involved in the most errors "
          + "(default ${DEFAULT-VALUE}).")
  int maxClasses;

  @Option(names = "--spark-conf", paramLabel = "KEY=VALUE",
      description = "A Spark property, e.g. --spark-conf spark.master=local[2]. Repeatable.")
  List<String> sparkConf = new ArrayList<>();

  @Override
  public Integer call() {
    PrintStream out = System.out;
    Map<String, String> conf = new LinkedHashMap<>();
    for (String kv : sparkConf) {
      int eq = kv.indexOf('=');
      if (eq <= 0) {
        throw new ConfigError("Cannot compare: --spark-conf = \"" + kv + "\": expected KEY=VALUE");
      }
      conf.put(kv.substring(0, eq).strip(), kv.substring(eq + 1).strip());
    }
    conf.putIfAbsent("spark.ui.enabled", "false");
    // comparison/ has 26 columns: above Spark's default 25, its plans would be logged with a truncation warning
    conf.putIfAbsent("spark.sql.debug.maxToStringFields", "100");
    CompareJob.Options options = new CompareJob.Options(runs, runIds, output, misclassified, disagreements,
        thumbnailSize, 50, maxClasses);
    SparkSession spark = Sessions.forConf(conf, "litescore compare");
    try {
      long t0 = System.nanoTime();
      CompareJob.Result r = new CompareJob(spark, options, out).run();
      out.printf(Locale.ROOT, "%nCompared %d models in %.1f s. Open the report: %s%n", r.rows().size(),
          (System.nanoTime() - t0) / 1e9, localPath(r.report()));
      return 0;
    } finally {
      spark.stop();
    }
  }

  /** A file: URI as a local path (what a browser or a shell takes), any other URI as it is. */
  static String localPath(String uri) {
    org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(uri);
    return "file".equals(p.toUri().getScheme()) ? p.toUri().getPath() : uri;
  }

  /** The command line that compares the models of a score run and writes its report beside its tables. */
  static String commandFor(String output, String runId) {
    String root = localPath(output);
    return "jobs/litescore compare --runs " + quote(root) + " --run-id " + quote(runId) + " --output "
        + quote(root + "/report");
  }

  private static String quote(String s) {
    return s.matches("[A-Za-z0-9_./:=@%+-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
  }
}
