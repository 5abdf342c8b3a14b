package io.litescore.jobs.bench;

import io.litescore.config.ScoreConfig;
import io.litescore.io.HadoopFiles;
import io.litescore.jobs.score.ScoreJob;
import io.litescore.metrics.RssCurve;
import io.litescore.runtime.ProcessMemory;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;

/**
 * {@code litescore soak}: scores a large local ImageFolder (built from a small one by hard links, so 100k files
 * cost no disk) in one {@code score} run on local Spark, whose executor is this JVM, and samples the process's
 * resident memory against images done. Native memory that grows with images scored (a leaked NDArray, NDManager or
 * Predictor) shows as a slope in {@link RssCurve}.
 */
public final class SoakJob {
  /** What was measured: the samples, their summary and the run. */
  public record Result(List<RssCurve.Sample> samples, RssCurve.Summary summary, ScoreJob.Result run) {}

  private final SparkSession spark;
  private final ScoreConfig config;
  private final int images;
  private final Path work;
  private final double intervalSeconds;
  private final PrintStream out;

  public SoakJob(SparkSession spark, ScoreConfig config, int images, Path work, double intervalSeconds,
      PrintStream out) {
    this.spark = spark;
    this.config = config;
    this.images = images;
    this.work = work;
    this.intervalSeconds = intervalSeconds;
    this.out = out;
  }

  public Result run() throws Exception {
    Path data = work.resolve("images");
    int made = replicate(Path.of(HadoopFiles.path(HadoopFiles.qualify(config.dataset().path(),
        spark.sparkContext().hadoopConfiguration())).toUri()), data, images);
    out.printf("Soak: %d images under %s%n", made, data);
    ScoreConfig.Run run = new ScoreConfig.Run(config.run().id(), work.resolve("out").toUri().toString(), false);
    ScoreConfig.Dataset ds = config.dataset().at(data.toUri().toString(), ScoreConfig.Layout.IMAGEFOLDER, null);
    ScoreConfig c = new ScoreConfig(run, ds, config.models(), config.output(), config.runtime(), config.stream(),
        config.sparkConf());

    List<RssCurve.Sample> samples = new ArrayList<>();
    AtomicReference<LongSupplier> done = new AtomicReference<>(() -> 0L);
    long t0 = System.nanoTime();
    Thread sampler = new Thread(() -> {
      while (!Thread.currentThread().isInterrupted()) {
        Runtime rt = Runtime.getRuntime();
        RssCurve.Sample s = new RssCurve.Sample((System.nanoTime() - t0) / 1e9, done.get().getAsLong(),
            ProcessMemory.rssBytes() >> 20, (rt.totalMemory() - rt.freeMemory()) >> 20);
        synchronized (samples) {
          samples.add(s);
        }
        if (s.imagesDone() >= made) {
          return; // the scoring pass is over: what follows (metrics, publishing) is not what is measured
        }
        try {
          Thread.sleep((long) (intervalSeconds * 1000));
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "litescore-soak-sampler");
    sampler.setDaemon(true);
    sampler.start();
    ScoreJob.Result r;
    try {
      r = new ScoreJob(spark, c, out).onScoringStart(done::set).run();
    } finally {
      sampler.interrupt();
      sampler.join();
    }
    List<RssCurve.Sample> all;
    synchronized (samples) {
      all = List.copyOf(samples);
    }
    RssCurve.Summary summary = RssCurve.summarise(all, made, 0.1);
    Path csv = work.resolve("rss.csv");
    StringBuilder text = new StringBuilder("seconds,images_done,rss_mib,heap_used_mib\n");
    for (RssCurve.Sample s : all) {
      text.append(String.format(Locale.ROOT, "%.1f,%d,%d,%d%n", s.seconds(), s.imagesDone(), s.rssMib(),
          s.heapUsedMib()));
    }
    Files.writeString(csv, text);
    out.println(summary.describe());
    out.printf("RSS samples: %s%n", csv);
    return new Result(all, summary, r);
  }

  /**
   * Fills {@code target} with {@code count} files {@code <label>/<n>-<name>}, hard links (copies where links are
   * not possible) to the files of the ImageFolder {@code source}, round robin. Existing files of that set are kept;
   * any other file is removed (a larger soak's images in the same folder would be scored too).
   */
  static int replicate(Path source, Path target, int count) throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.walk(source, 2)) {
      files = s.filter(Files::isRegularFile).filter(p -> !p.getParent().equals(source))
          .filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
    }
    if (files.isEmpty()) {
      throw new IOException("Cannot soak: no <label>/<file> images under " + source);
    }
    Set<Path> wanted = new HashSet<>();
    for (int i = 0; i < count; i++) {
      Path f = files.get(i % files.size());
      Path to = target.resolve(f.getParent().getFileName().toString())
          .resolve((i / files.size()) + "-" + f.getFileName());
      wanted.add(to);
      if (Files.exists(to)) {
        continue;
      }
      Files.createDirectories(to.getParent());
      try {
        Files.createLink(to, f);
      } catch (IOException | UnsupportedOperationException e) {
        Files.copy(f, to);
      }
    }
    try (Stream<Path> s = Files.walk(target, 2)) {
      for (Path p : s.filter(Files::isRegularFile).filter(p -> !wanted.contains(p)).toList()) {
        Files.delete(p);
      }
    }
    return count;
  }
}
