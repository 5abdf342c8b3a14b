package io.litescore.cli;

import com.google.gson.GsonBuilder;
import com.typesafe.config.ConfigFactory;
import io.litescore.config.ConfigLoader;
import io.litescore.config.ScoreConfig;
import io.litescore.jobs.bench.BenchmarkJob;
import io.litescore.jobs.Sessions;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "bench", mixinStandardHelpOptions = true,
    description = {"Measure where scoring time goes, on the models and dataset of a score config (default: the demo),",
        "and end with one table per model: the CPU cost of each stage (read, decode, preprocess, inference, write),",
        "the ideal throughput they imply, the one-JVM loop, the scoring pass, the whole command and a PyTorch user's",
        "pipeline on the same files. Phases: (s) stage costs, (c) one-JVM loop without Spark, (e) one score run per",
        "model, (g) the whole jobs/litescore score command per model, (p) PyTorch (notebooks/pytorch_anchor.py, where",
        "/usr/bin/python3 has torch), (a) model only per batch size and thread count, (b) decode and preprocess,",
        "(d) all models in one run, (f) preprocessing.mode fast against exact. --json writes it all.",
        "Timings belong here, not in tests."})
final class BenchCommand implements Callable<Integer> {
  @Option(names = "--conf", paramLabel = "FILE", description = "Score config whose dataset and models to measure.")
  File conf;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Config override (repeatable).")
  List<String> overrides = new ArrayList<>();

  @Option(names = "--max-images", defaultValue = "500", description = "Images used (default ${DEFAULT-VALUE}).")
  int maxImages;

  @Option(names = "--batch-sizes", split = ",", defaultValue = "1,8,32", description = "For (a). Default ${DEFAULT-VALUE}.")
  int[] batchSizes;

  @Option(names = "--threads", split = ",", defaultValue = "1,2", description = "libtorch threads for (a). Default ${DEFAULT-VALUE}.")
  int[] threads;

  @Option(names = "--seconds", defaultValue = "3", description = "Seconds per (a) measurement. Default ${DEFAULT-VALUE}.")
  double seconds;

  @Option(names = "--phases", defaultValue = "scegp", description = "Which measurements, by letter (default "
      + "${DEFAULT-VALUE}: the summary table; all: abcdefgps).")
  String phases;

  @Option(names = "--repeat", defaultValue = "1", description = "Runs of (c) and (e); the table takes the median "
      + "(default ${DEFAULT-VALUE}).")
  int repeat;

  @Option(names = "--json", paramLabel = "FILE", description = "Write all measurements as JSON.")
  Path json;

  @Override
  public Integer call() throws Exception {
    ScoreConfig config = conf == null
        ? ConfigLoader.parse(ConfigLoader.withOverrides(ConfigFactory.parseString(Demo.config(Demo.extract())),
            overrides))
        : ConfigLoader.load(conf, overrides);
    SparkSession spark = Sessions.forConfig(config, "litescore bench");
    try {
      BenchmarkJob.Result r = new BenchmarkJob(spark, config,
          new BenchmarkJob.Options(maxImages, batchSizes, threads, seconds, phases, repeat), System.out).run();
      System.out.printf("Peak RSS %d MiB on %d cores%n", r.peakRssBytes() >> 20, r.cores());
      if (json != null) {
        Files.writeString(json, new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create()
            .toJson(r));
        System.out.println("Wrote " + json);
      }
      return 0;
    } finally {
      spark.stop();
    }
  }
}
