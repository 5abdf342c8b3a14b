package io.litescore.cli;

import com.typesafe.config.ConfigFactory;
import io.litescore.config.ConfigLoader;
import io.litescore.config.ScoreConfig;
import io.litescore.jobs.score.ScoreJob;
import io.litescore.jobs.score.stream.StreamScoreJob;
import io.litescore.jobs.Sessions;
import java.io.File;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "score", mixinStandardHelpOptions = true,
    description = {"Score every image of a dataset with every configured model and write predictions, metrics "
        + "and class metrics as Parquet under run.output.",
        "Without --conf, runs the bundled demo: a labelled Fashion-MNIST sample and two small models."})
final class ScoreCommand implements Callable<Integer> {
  @Option(names = "--conf", paramLabel = "FILE", description = "Job config (HOCON or JSON). See conf/score.conf.")
  File conf;

  @Option(names = "--set", paramLabel = "KEY=VALUE",
      description = "Override one config key (HOCON syntax), e.g. --set run.id=nightly --set output.logits=true. "
          + "Repeatable; wins over --conf.")
  List<String> overrides = new ArrayList<>();

  @Option(names = "--incremental", description = "Score only images that no earlier run in run.output scored with the "
      + "same model bytes (same path, size and modification time); same as --set run.incremental=true.")
  boolean incremental;

  @Option(names = "--stream", description = "Read the dataset as a Structured Streaming source and score what "
      + "arrived since the last run (stream.trigger = available-now, the default: then stop; or an interval: run "
      + "until stopped), exactly once across restarts (stream.checkpoint); same as --set stream.enabled=true.")
  boolean stream;

  @Override
  public Integer call() throws Exception {
    if (incremental) {
      overrides.add("run.incremental=true");
    }
    if (stream) {
      overrides.add("stream.enabled=true");
    }
    PrintStream out = System.out;
    ScoreConfig config;
    if (conf == null) {
      Path demo = Demo.extract();
      out.println("No --conf given: running the bundled demo (Fashion-MNIST sample unpacked to " + demo + ")");
      config = ConfigLoader.parse(ConfigLoader.withOverrides(ConfigFactory.parseString(Demo.config(demo)),
          overrides));
    } else {
      config = ConfigLoader.load(conf, overrides);
    }
    // libtorch, where a model needs it, loads while the Spark session starts
    int taskCpus = Integer.parseInt(config.sparkConf().getOrDefault("spark.task.cpus",
        System.getProperty("spark.task.cpus", "1")));
    String gpuKey = "spark.task.resource.gpu.amount";
    boolean gpu = config.runtime().device().equals("gpu") || (config.runtime().device().equals("auto")
        && (config.sparkConf().containsKey(gpuKey) || System.getProperty(gpuKey) != null));
    if (config.models().stream().anyMatch(m -> m.runsOnLibtorch(gpu))) {
      Sessions.configureLogging();
      io.litescore.runtime.TorchRuntime.startInBackground(config.runtime().threads() > 0
          ? config.runtime().threads() : taskCpus);
    }
    long sessionStart = System.nanoTime();
    SparkSession spark = Sessions.forConfig(config, "litescore score " + config.run().id());
    double session = (System.nanoTime() - sessionStart) / 1e9;
    try {
      long t0 = System.nanoTime();
      if (config.stream().enabled()) {
        StreamScoreJob.Result r = new StreamScoreJob(spark, config, out).run();
        out.println();
        out.print(ResultTable.render(r.models(), false));
        out.printf("%nStream run %s: %d new images in %d micro-batch(es) this time, %.1f s. Output: %s/"
            + "{predictions,metrics,class_metrics,batch_metrics}%n", r.runId(), r.images(), r.batches(),
            (System.nanoTime() - t0) / 1e9, r.output());
        return 0;
      }
      ScoreJob.Result result = new ScoreJob(spark, config, out).run();
      out.println();
      out.print(ResultTable.render(result.models(), true));
      ScoreJob.Timings t = result.timings();
      double jvm = (sessionStart / 1e6 - (System.nanoTime() / 1e6 - (System.currentTimeMillis()
          - java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime()))) / 1e3;
      double total = jvm + session + (System.nanoTime() - t0) / 1e9;
      out.printf(java.util.Locale.ROOT, "Time: JVM start %.1f s, Spark session %.1f s, models %.1f s, listing %.1f s, "
          + "%sscoring pass %.1f s, metrics %.1f s, publish %.1f s: the pass is %.0f%% of %.1f s%n", jvm, session,
          t.models(), t.listing(), t.incremental() > 0 ? String.format(java.util.Locale.ROOT, "images not scored "
          + "yet %.1f s, ", t.incremental()) : "", t.pass(), t.metrics(), t.publish(), 100 * t.pass() / total,
          total);
      out.printf("%nRun %s: %d images x %d models in %.1f s. Output: %s/{predictions,metrics,class_metrics}%n",
          result.runId(), result.images(), result.models().size(), (System.nanoTime() - t0) / 1e9,
          result.output());
      if (result.failed() > 0) {
        out.printf("%d prediction rows have an error (unreadable or undecodable images); see the 'error' column "
            + "of predictions.%n", result.failed());
      }
      out.printf("%nCompare the models and open the report:%n  %s%n",
          CompareCommand.commandFor(result.output(), result.runId()));
      return 0;
    } finally {
      spark.stop();
    }
  }
}
