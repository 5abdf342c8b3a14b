package io.litescore.cli;

import com.google.gson.GsonBuilder;
import com.typesafe.config.ConfigFactory;
import io.litescore.config.ConfigLoader;
import io.litescore.config.ScoreConfig;
import io.litescore.jobs.bench.SoakJob;
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

@Command(name = "soak", mixinStandardHelpOptions = true,
    description = {"Score many images in one local run and record this JVM's resident memory (RSS) against",
        "images done: native memory must stay flat after warm-up. The dataset (default: the demo's) is replicated",
        "by hard links to --images files. Writes <work>/rss.csv and prints a summary; --json writes it all."})
final class SoakCommand implements Callable<Integer> {
  @Option(names = "--conf", paramLabel = "FILE", description = "Score config whose models and (local ImageFolder) "
      + "dataset to use.")
  File conf;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Config override (repeatable).")
  List<String> overrides = new ArrayList<>();

  @Option(names = "--images", defaultValue = "100000", description = "Images to score (default ${DEFAULT-VALUE}).")
  int images;

  @Option(names = "--work", paramLabel = "DIR", defaultValue = "litescore-soak",
      description = "Folder for the replicated images, the output and rss.csv (default ${DEFAULT-VALUE}).")
  Path work;

  @Option(names = "--interval", defaultValue = "5", description = "Seconds between RSS samples (default ${DEFAULT-VALUE}).")
  double interval;

  @Option(names = "--json", paramLabel = "FILE", description = "Write the samples and summary as JSON.")
  Path json;

  @Override
  public Integer call() throws Exception {
    List<String> all = new ArrayList<>(List.of("run.id=soak"));
    all.addAll(overrides);
    ScoreConfig config = conf == null
        ? ConfigLoader.parse(ConfigLoader.withOverrides(ConfigFactory.parseString(Demo.config(Demo.extract())), all))
        : ConfigLoader.load(conf, all);
    SparkSession spark = Sessions.forConfig(config, "litescore soak");
    try {
      SoakJob.Result r = new SoakJob(spark, config, images, work.toAbsolutePath(), interval, System.out).run();
      if (json != null) {
        Files.writeString(json, new GsonBuilder().setPrettyPrinting().create().toJson(r));
        System.out.println("Wrote " + json);
      }
      return 0;
    } finally {
      spark.stop();
    }
  }
}
