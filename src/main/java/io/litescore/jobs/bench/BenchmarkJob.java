package io.litescore.jobs.bench;

import static org.apache.spark.sql.functions.col;

import com.typesafe.config.ConfigFactory;
import io.litescore.config.ConfigLoader;
import io.litescore.config.ModelSpec;
import io.litescore.config.ScoreConfig;
import io.litescore.image.ImageDecoder;
import io.litescore.image.StageTiming;
import io.litescore.image.Preprocessing;
import io.litescore.io.HadoopFiles;
import io.litescore.jobs.SparkJob;
import io.litescore.jobs.score.ImageFiles;
import io.litescore.jobs.score.ScoreJob;
import io.litescore.model.LoadedModel;
import io.litescore.model.ModelLoader;
import io.litescore.runtime.BatchScorer;
import io.litescore.runtime.ModelSource;
import io.litescore.runtime.ModelCache;
import io.litescore.runtime.TensorBatch;
import io.litescore.runtime.TorchRuntime;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * {@code litescore bench}: where the time of a scoring run goes, on the same images and cores. (a) model only,
 * tensors in memory, per batch size and libtorch thread count; (b) decode and preprocess, ms per image, one
 * thread; (c) the whole work in one JVM without Spark (one read → decode → preprocess → infer loop per core); (d)
 * end-to-end {@code score} on local Spark with all models in one run; (e) the same models in separate runs.
 * Wall and process CPU seconds for every phase, and the process's peak RSS.
 */
public final class BenchmarkJob {
  /** How much to measure. */
  /** What to measure; {@code repeat}: how often (c) and (e) run, the summary taking the median. */
  public record Options(int maxImages, int[] batchSizes, int[] threads, double seconds, String phases, int repeat) {
    public Options(int maxImages, int[] batchSizes, int[] threads, double seconds) {
      this(maxImages, batchSizes, threads, seconds, "abcdef", 1);
    }

    public Options(int maxImages, int[] batchSizes, int[] threads, double seconds, String phases) {
      this(maxImages, batchSizes, threads, seconds, phases, 1);
    }

    boolean runs(char phase) {
      return phases.indexOf(phase) >= 0;
    }
  }

  /** One measurement. */
  public record Measurement(String phase, String model, int batch, int threads, long images, double wallSeconds,
      double cpuSeconds, double imagesPerSecond, double msPerImage) {}

  /** The cost of {@code preprocessing.mode = fast} against exact, for one model on the bench images. */
  public record FastCost(String model, long images, double top1Agreement, double meanAbsDiff, double maxAbsDiff) {}

  /**
   * One model's per-image CPU cost of each stage of a scoring task, in ms on one thread: reading the file, decoding
   * it, preprocessing, inference (at the model's batch size, one thread), writing its prediction row.
   */
  public record StageCosts(String model, String engine, double read, double decode, double preprocess,
      double infer, double write) {
    public double total() {
      return read + decode + preprocess + infer + write;
    }

    /** What the stages allow on {@code cores} cores: cores / the sum of the stages. */
    public double ideal(int cores) {
      return cores * 1000 / total();
    }
  }

  /**
   * A model's throughput next to its limit, img/s: the ideal its stages imply, the one-JVM loop (c), its scoring
   * pass in a {@code score} run of its own (e), the whole {@code jobs/litescore score} command (g: JVM, Spark and
   * engine start included), and a PyTorch user's DataLoader pipeline on the same files (p); null where not measured.
   */
  public record Summary(String model, String engine, StageCosts costs, double ideal, Double loop, Double pass,
      Double command, Double pytorch) {}

  /**
   * Everything measured, plus the process's peak resident memory; {@code pilDecodeMs} / {@code torchvisionPreprocessMs}
   * are PIL's decode and torchvision's transform on the same files (mean ms/img, one thread), when Python ran.
   */
  public record Result(List<Measurement> rows, List<FastCost> fastCosts, List<Summary> summary, Double pilDecodeMs,
      Double torchvisionPreprocessMs, long peakRssBytes, int cores) {}

  private final SparkSession spark;
  private final ScoreConfig config;
  private final Options o;
  private final PrintStream out;
  private final List<Measurement> rows = new ArrayList<>();
  private final List<FastCost> fastCosts = new ArrayList<>();
  private final Map<String, StageCosts> costs = new LinkedHashMap<>();
  private final Map<String, List<Double>> loops = new LinkedHashMap<>();
  private final Map<String, List<Double>> passes = new LinkedHashMap<>();
  private final Map<String, Double> commands = new LinkedHashMap<>();
  private final Map<String, Double> torch = new LinkedHashMap<>();
  private Double pilDecode;
  private Double torchvisionPre;
  private Path work;

  public BenchmarkJob(SparkSession spark, ScoreConfig config, Options options, PrintStream out) {
    this.spark = spark;
    this.config = config;
    this.o = options;
    this.out = out;
  }

  public Result run() throws Exception {
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    int cores = spark.sparkContext().defaultParallelism();
    TorchRuntime.start(1);
    List<LoadedModel> models = new ArrayList<>();
    for (ModelSpec spec : config.models()) {
      models.add(ModelLoader.load(spec, hadoop));
    }

    List<String> paths = ImageFiles.list(config.dataset(), hadoop, o.maxImages());
    if (paths.isEmpty()) {
      throw new IOException("Cannot benchmark: no images under " + config.dataset().path());
    }
    // (b), (s) and (f) time decoding alone, on the files held in memory; (c) and (e) read them from storage, as
    // a scoring task does, with none of them held: hundreds of megabytes of file copies kept alive would make the
    // collector's work during (e) this bench's own artefact
    List<byte[]> files = new ArrayList<>();
    if (o.runs('b') || o.runs('s') || o.runs('f')) {
      for (String p : paths) {
        files.add(HadoopFiles.readAll(p, -1, hadoop));
      }
    }
    out.printf("Benchmark on %d images from %s, %d models, %d cores%n", paths.size(), config.dataset().path(),
        models.size(), cores);

    work = Files.createTempDirectory("litescore-bench-");
    if (o.runs('b')) {
      decodeAndPreprocess(files, models);
    }
    if (o.runs('s')) {
      stageCosts(paths, files, models);
    }
    if (o.runs('f')) {
      fastVersusExact(files, models);
    }
    files.clear();
    System.gc();
    if (o.runs('a')) {
      modelOnly(models);
    }
    for (int round = 0; round < Math.max(1, o.repeat()); round++) {
      if (o.runs('c')) {
        oneJvmLoop(paths, models, cores);
      }
      if (o.runs('d') || o.runs('e')) {
        endToEnd(paths, models, round > 0);
      }
    }
    if (o.runs('s') && o.runs('e')) {
      writeCosts(models);
    }
    if (o.runs('g')) {
      wholeCommand(paths, models);
    }
    if (o.runs('p')) {
      pytorch(paths, models);
    }
    List<Summary> summary = summary(models, cores);
    return new Result(List.copyOf(rows), List.copyOf(fastCosts), summary, pilDecode, torchvisionPre,
        io.litescore.runtime.ProcessMemory.peakRssBytes(), cores);
  }

  private void decodeAndPreprocess(List<byte[]> files, List<LoadedModel> models) {
    ImageDecoder decoder = new ImageDecoder(config.dataset().maxPixels());
    Map<Preprocessing, Boolean> seen = new LinkedHashMap<>();
    for (LoadedModel m : models) {
      Preprocessing p = m.preprocessing();
      if (seen.put(p, true) != null) {
        continue;
      }
      StageTiming.Result r = StageTiming.measure(files, decoder, p, 0, 1, 1);
      add(new Measurement("b decode", "-", 0, 1, r.decode().images(), r.decode().images() * r.decode().msPerImage()
          / 1000, r.decode().images() * r.decode().cpuMsPerImage() / 1000, 1000 / r.decode().msPerImage(),
          r.decode().msPerImage()));
      add(new Measurement("b preprocess " + p.resize() + "/" + p.crop(), "-", 0, 1, r.preprocess().images(),
          r.preprocess().images() * r.preprocess().msPerImage() / 1000,
          r.preprocess().images() * r.preprocess().cpuMsPerImage() / 1000, 1000 / r.preprocess().msPerImage(),
          r.preprocess().msPerImage()));
    }
  }

  /**
   * (s) Per-image CPU cost of each stage for each model, one thread: reading, decoding and preprocessing (one
   * warm-up round, then one measured), inference at the model's batch size. Writing is measured after (e).
   */
  private void stageCosts(List<String> paths, List<byte[]> files, List<LoadedModel> models) throws Exception {
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    long c0 = threadCpu();
    for (String p : paths) {
      HadoopFiles.readAll(p, -1, hadoop);
    }
    double read = (threadCpu() - c0) / 1e6 / paths.size();
    ImageDecoder decoder = new ImageDecoder(config.dataset().maxPixels());
    Random rnd = new Random(0);
    Map<List<Object>, StageTiming.Result> timed = new LinkedHashMap<>();
    for (LoadedModel m : models) {
      Preprocessing p = m.preprocessing();
      int reduceTo = m.spec().fastDecode() ? p.resize() : 0;
      StageTiming.Result r = timed.computeIfAbsent(List.of(p, reduceTo),
          k -> StageTiming.measure(files, decoder, p, reduceTo, 1, 1));
      int b = m.spec().batchSize();
      var model = ModelCache.get(m.source(), m.sha256(), m::bytes, 1).model();
      float[] x = new float[b * p.tensorSize()];
      for (int i = 0; i < x.length; i++) {
        x[i] = (float) rnd.nextGaussian();
      }
      double infer;
      try (BatchScorer s = new BatchScorer(model)) {
        TensorBatch batch = new TensorBatch(x, b, 3, p.crop(), p.crop(), s.channelsLast());
        s.logits(batch);
        s.logits(batch);
        long n = 0;
        long t0 = System.nanoTime();
        long ci = threadCpu();
        while (System.nanoTime() - t0 < Math.max(1.0, o.seconds()) * 1e9) {
          s.logits(batch);
          n += b;
        }
        infer = (threadCpu() - ci) / 1e6 / n;
      }
      costs.put(m.name(), new StageCosts(m.name(), engine(m), read, r.decode().cpuMsPerImage(),
          r.preprocess().cpuMsPerImage(), infer, 0));
      out.printf(Locale.ROOT, "s stage costs %-28s read %.2f, decode %.2f, preprocess %.2f, inference %.2f "
          + "ms/img (CPU, one thread)%n", m.name(), read, r.decode().cpuMsPerImage(), r.preprocess().cpuMsPerImage(),
          infer);
    }
  }

  /** (s, after e) Writing: a model's prediction rows of run (e) written again as Parquet, CPU per row. */
  private void writeCosts(List<LoadedModel> models) {
    String predictions = work.resolve("out/predictions").toUri().toString();
    for (LoadedModel m : models) {
      StageCosts c = costs.get(m.name());
      if (c == null || !HadoopFiles.exists(predictions, spark.sparkContext().hadoopConfiguration())) {
        continue;
      }
      Dataset<Row> rowsOf = spark.read().parquet(predictions)
          .where(col("run_id").equalTo("bench-" + m.name()).and(col("model").equalTo(m.name()))).cache();
      long n = rowsOf.count();
      if (n == 0) {
        continue;
      }
      long c0 = cpu();
      rowsOf.write().mode(SaveMode.Overwrite).partitionBy("run_id", "model")
          .parquet(work.resolve("write-" + m.name()).toUri().toString());
      double write = (cpu() - c0) / 1e6 / n;
      rowsOf.unpersist();
      costs.put(m.name(), new StageCosts(c.model(), c.engine(), c.read(), c.decode(), c.preprocess(), c.infer(),
          write));
    }
  }

  /** (g) The whole {@code jobs/litescore score} command per model, as a user runs it: a JVM of its own. */
  private void wholeCommand(List<String> paths, List<LoadedModel> models) throws Exception {
    String home = System.getProperty("litescore.home");
    if (home == null) {
      out.println("g skipped: run the bench through jobs/litescore (it names the installation)");
      return;
    }
    String dataset = dataset("images", paths);
    // one command first, not measured: the first command after a build records the class-data-sharing archive
    // (seconds more) that every later one maps, as a user's second run does
    if (!models.isEmpty() && scoreCommand(home, dataset, models.get(0), "-warm-up").start().waitFor() != 0) {
      out.printf("g warm-up command %s failed: see %s%n", models.get(0).name(),
          work.resolve("command-" + models.get(0).name() + "-warm-up.log"));
    }
    for (LoadedModel m : models) {
      ProcessBuilder pb = scoreCommand(home, dataset, m, "");
      long t0 = System.nanoTime();
      int code = pb.start().waitFor();
      double wall = (System.nanoTime() - t0) / 1e9;
      if (code != 0) {
        out.printf("g whole command %s failed (exit %d): see %s%n", m.name(), code,
            work.resolve("command-" + m.name() + ".log"));
        continue;
      }
      commands.put(m.name(), paths.size() / wall);
      add(new Measurement("g whole command", m.name(), m.spec().batchSize(), 1, paths.size(), wall, Double.NaN,
          paths.size() / wall, 1000 * wall / paths.size()));
      // where the command's own time went, from its Time line: start-up, steps, the pass's share
      Files.readAllLines(work.resolve("command-" + m.name() + ".log")).stream().filter(l -> l.startsWith("Time: "))
          .findFirst().ifPresent(l -> out.printf("g   %-30s %s%n", m.name(), l));
    }
  }

  /** {@code jobs/litescore score} of model {@code m} alone on {@code dataset}, its output in a log named by it. */
  private ProcessBuilder scoreCommand(String home, String dataset, LoadedModel m, String logSuffix)
      throws java.io.IOException {
    String conf = "run { id = bench-command, output = \"" + work.resolve("command-out").toUri() + "\" }\n"
        + dataset
        + "models = [ " + m.spec().toHocon() + " ]\n"
        + "runtime { device = " + config.runtime().device() + ", threads = " + config.runtime().threads() + " }\n"
        + "spark-conf {\n" + sparkConfHocon() + "}\n";
    Path file = Files.writeString(work.resolve("command-" + m.name() + ".conf"), conf);
    return new ProcessBuilder("bash", Path.of(home, "jobs", "litescore").toString(), "score", "--conf",
        file.toString()).redirectErrorStream(true).redirectOutput(work.resolve("command-" + m.name() + logSuffix
        + ".log").toFile());
  }

  /**
   * (p) A PyTorch user's pipeline on the very same files: {@code notebooks/pytorch_anchor.py} (torchvision
   * DataLoader, 2 workers, PIL, the TorchScript model, 2 threads, batch 16) for every model that is a torchvision
   * architecture, and PIL's decode and torchvision's transform (one thread). Skipped without /usr/bin/python3 with
   * torch and torchvision.
   */
  private void pytorch(List<String> paths, List<LoadedModel> models) throws Exception {
    String home = System.getProperty("litescore.home");
    Path python = Path.of("/usr/bin/python3");
    if (home == null || !Files.isExecutable(python)) {
      out.println("p skipped: needs jobs/litescore and /usr/bin/python3 with torch and torchvision");
      return;
    }
    Map<String, String> archOf = new LinkedHashMap<>();
    for (LoadedModel m : models) {
      String arch = m.source() instanceof ModelSource.Zoo z ? z.arch()
          : HadoopFiles.fileName(m.spec().entry().location()).replaceAll("\\.[^.]*$", "");
      if (io.litescore.zoo.Variant.all().stream().anyMatch(v -> v.name().equals(arch))) {
        archOf.put(m.name(), arch);
      }
    }
    dataset("images", paths);
    Path images = work.resolve("images");
    if (!Files.isDirectory(images)) {
      out.println("p skipped: the PyTorch pipeline reads local files only");
      return;
    }
    Path json = work.resolve("pytorch.json");
    List<String> cmd = new ArrayList<>(List.of(python.toString(), Path.of(home, "notebooks", "pytorch_anchor.py")
        .toString(), "--images", images.toString(), "--out", work.resolve("pytorch-models").toString(),
        "--max-images", Integer.toString(paths.size()), "--batch-size", "16", "--threads", "2", "--workers", "2",
        "--kinds", "ts", "--phases", archOf.isEmpty() ? "b" : "bd", "--json", json.toString()));
    if (!archOf.isEmpty()) {
      cmd.addAll(List.of("--models", String.join(",", new java.util.LinkedHashSet<>(archOf.values()))));
    }
    Path log = work.resolve("pytorch.log");
    int code = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start().waitFor();
    if (code != 0 || !Files.exists(json)) {
      out.printf("p skipped: the PyTorch pipeline did not run (exit %d, see %s)%n", code, log);
      return;
    }
    for (com.google.gson.JsonElement e : com.google.gson.JsonParser.parseString(Files.readString(json))
        .getAsJsonArray()) {
      com.google.gson.JsonObject r = e.getAsJsonObject();
      String phase = r.get("phase").getAsString();
      if (phase.equals("b decode")) {
        pilDecode = r.get("ms_per_img_mean").getAsDouble();
      } else if (phase.equals("b preprocess 256/224")) {
        torchvisionPre = r.get("ms_per_img_mean").getAsDouble();
      } else if (phase.startsWith("d end-to-end")) {
        String arch = r.get("model").getAsString().replace(" [ts]", "");
        archOf.forEach((model, a) -> {
          if (a.equals(arch)) {
            torch.put(model, r.get("img_per_s").getAsDouble());
          }
        });
      }
    }
    out.printf(Locale.ROOT, "p PyTorch on the same files: %s; PIL decode %.2f ms/img, torchvision transform %.2f "
        + "ms/img%n", torch, pilDecode == null ? Double.NaN : pilDecode, torchvisionPre == null ? Double.NaN
        : torchvisionPre);
  }

  /** The table: each model's stage costs, the ideal they imply, and what the loop, the pass, the command and PyTorch do. */
  private List<Summary> summary(List<LoadedModel> models, int cores) {
    List<Summary> list = new ArrayList<>();
    for (LoadedModel m : models) {
      StageCosts c = costs.get(m.name());
      list.add(new Summary(m.name(), engine(m), c, c == null ? Double.NaN : c.ideal(cores),
          median(loops.get(m.name())), median(passes.get(m.name())), commands.get(m.name()), torch.get(m.name())));
    }
    out.println();
    out.print(SummaryTable.render(list, cores, pilDecode, torchvisionPre));
    return list;
  }

  private static Double median(List<Double> values) {
    if (values == null || values.isEmpty()) {
      return null;
    }
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(null);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  private static String engine(LoadedModel m) {
    String engine = m.source() instanceof ModelSource.Zoo z ? (z.onnxRuntime() ? "onnxruntime (zoo graph)"
        : "pytorch (zoo)") : m.source() instanceof ModelSource.Onnx ? "onnxruntime" : "pytorch";
    return m.spec().fastDecode() ? engine + ", fast mode" : engine;
  }

  private String sparkConfHocon() {
    StringBuilder s = new StringBuilder();
    config.sparkConf().forEach((k, v) -> s.append("  \"").append(k).append("\" = \"").append(v).append("\"\n"));
    return s.toString();
  }

  private static long threadCpu() {
    return java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
  }

  /** How fast and how different {@code preprocessing.mode = fast} is: per model, on the same files. */
  private void fastVersusExact(List<byte[]> files, List<LoadedModel> models) throws Exception {
    ImageDecoder decoder = new ImageDecoder(config.dataset().maxPixels());
    for (LoadedModel m : models) {
      Preprocessing p = m.preprocessing();
      int size = p.tensorSize();
      float[][] exact = new float[files.size()][];
      float[][] fast = new float[files.size()][];
      for (int mode = 0; mode < 2; mode++) {
        long c0 = cpu();
        long t0 = System.nanoTime();
        int n = 0;
        for (int i = 0; i < files.size(); i++) {
          try {
            float[] t = new float[size];
            p.apply(decoder.decode(files.get(i), mode == 0 ? 0 : p.resize()), t, 0);
            (mode == 0 ? exact : fast)[i] = t;
            n++;
          } catch (io.litescore.image.ImageDecodeException e) {
            // skipped, as in (b)
          }
        }
        add("f decode+preprocess " + (mode == 0 ? "exact" : "fast"), m.name(), 0, 1, n, t0, c0);
      }
      var model = ModelCache.get(m.source(), m.sha256(), m::bytes, 1).model();
      long agree = 0;
      long compared = 0;
      double sumAbs = 0;
      double maxAbs = 0;
      try (BatchScorer s = new BatchScorer(model)) {
        for (int i = 0; i < files.size(); i++) {
          if (exact[i] == null || fast[i] == null) {
            continue;
          }
          for (int j = 0; j < size; j++) {
            double d = Math.abs(exact[i][j] - fast[i][j]);
            sumAbs += d;
            maxAbs = Math.max(maxAbs, d);
          }
          float[][] le = s.logits(new TensorBatch(exact[i], 1, 3, p.crop(), p.crop()));
          float[][] lf = s.logits(new TensorBatch(fast[i], 1, 3, p.crop(), p.crop()));
          if (io.litescore.metrics.TopK.indices(le[0], 1)[0] == io.litescore.metrics.TopK.indices(lf[0], 1)[0]) {
            agree++;
          }
          compared++;
        }
      }
      FastCost cost = new FastCost(m.name(), compared, compared == 0 ? Double.NaN : (double) agree / compared,
          compared == 0 ? Double.NaN : sumAbs / ((double) compared * size), maxAbs);
      fastCosts.add(cost);
      out.printf(Locale.ROOT, "f fast vs exact %-28s %d images: top-1 agrees on %.1f%%, mean |diff| %.4f, max "
          + "|diff| %.3f (normalised units)%n", m.name(), compared, 100 * cost.top1Agreement(), cost.meanAbsDiff(),
          cost.maxAbsDiff());
    }
  }

  private void modelOnly(List<LoadedModel> models) {
    Random rnd = new Random(0);
    for (LoadedModel m : models) {
      var model = ModelCache.get(m.source(), m.sha256(), m::bytes, 1).model();
      int crop = m.preprocessing().crop();
      for (int t : o.threads()) {
        ai.djl.pytorch.jni.JniUtils.setNumThreads(t);
        for (int b : o.batchSizes()) {
          float[] x = new float[b * 3 * crop * crop];
          for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian();
          }
          try (BatchScorer s = new BatchScorer(model)) {
            TensorBatch batch = new TensorBatch(x, b, 3, crop, crop, s.channelsLast());
            s.logits(batch);
            s.logits(batch);
            long n = 0;
            long c0 = cpu();
            long t0 = System.nanoTime();
            while (System.nanoTime() - t0 < o.seconds() * 1e9) {
              s.logits(batch);
              n += b;
            }
            add("a model only", m.name(), b, t, n, t0, c0);
          }
        }
      }
    }
    ai.djl.pytorch.jni.JniUtils.setNumThreads(1);
  }

  /**
   * One worker per core, each with its own predictor and one engine thread, pulling images from a counter: it reads
   * the file (as a scoring task does, through Hadoop's file system), decodes, preprocesses and scores in batches.
   */
  private void oneJvmLoop(List<String> paths, List<LoadedModel> models, int cores) throws Exception {
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    for (LoadedModel m : models) {
      var model = ModelCache.get(m.source(), m.sha256(), m::bytes, 1).model();
      Preprocessing p = m.preprocessing();
      int bs = m.spec().batchSize();
      AtomicInteger next = new AtomicInteger();
      ExecutorService pool = Executors.newFixedThreadPool(cores);
      long c0 = cpu();
      long t0 = System.nanoTime();
      List<Future<Integer>> done = new ArrayList<>();
      for (int w = 0; w < cores; w++) {
        done.add(pool.submit(() -> {
          ImageDecoder decoder = new ImageDecoder(config.dataset().maxPixels());
          java.nio.ByteBuffer bytes = TensorBatch.allocate(bs * p.tensorSize());
          java.nio.FloatBuffer buf = bytes.asFloatBuffer();
          int reduceTo = m.spec().fastDecode() ? p.resize() : 0;
          io.litescore.image.DecodeBuffers reuse = new io.litescore.image.DecodeBuffers();
          int scored = 0;
          try (BatchScorer s = new BatchScorer(model)) {
            boolean channelsLast = s.channelsLast();
            int inBatch = 0;
            for (int i = next.getAndIncrement(); i < paths.size(); i = next.getAndIncrement()) {
              try {
                byte[] file = HadoopFiles.readAll(paths.get(i), -1, hadoop);
                p.apply(decoder.decode(file, reduceTo, reuse), buf, inBatch * p.tensorSize(), channelsLast);
                inBatch++;
              } catch (io.litescore.image.ImageDecodeException | IOException e) {
                continue;
              }
              if (inBatch == bs) {
                s.logits(new TensorBatch(bytes, inBatch, 3, p.crop(), p.crop(), channelsLast));
                scored += inBatch;
                inBatch = 0;
              }
            }
            if (inBatch > 0) {
              s.logits(new TensorBatch(bytes, inBatch, 3, p.crop(), p.crop(), channelsLast));
              scored += inBatch;
            }
          }
          return scored;
        }));
      }
      long n = 0;
      for (Future<Integer> f : done) {
        n += f.get();
      }
      pool.shutdown();
      add("c one-JVM loop", m.name(), bs, 1, n, t0, c0);
      loops.computeIfAbsent(m.name(), k -> new ArrayList<>()).add(rows.get(rows.size() - 1).imagesPerSecond());
    }
  }

  private void endToEnd(List<String> paths, List<LoadedModel> models, boolean again) throws IOException {
    Path dir = work;
    String base = "run.output = \"" + dir.resolve("out").toUri() + "\"\n" + dataset("images", paths);
    long c0;
    long t0;
    // Not measured: a first score run of all the images warms Spark's code and the JIT as phases (b), (s) and (f)
    // warm the loop's (every file decoded and preprocessed several times): (c) and (e) are both measured warm. The
    // cold case is (g), the whole command.
    if (!again) {
      score("run.output = \"" + dir.resolve("out").toUri() + "\"\n" + dataset("warmup", paths)
          + "run.id = bench-warmup\n", config.models());
    }
    if (o.runs('d')) {
      c0 = cpu();
      t0 = System.nanoTime();
      ScoreJob.Result all = score(base + "run.id = bench-all\n", config.models());
      add("d score, all models in one run", "all", 0, 1, all.images() * models.size(), t0, c0);
      for (ScoreJob.ModelResult r : all.models()) {
        add(new Measurement("d   its share of the pass", r.model(), 0, 1, r.images(), r.wallSeconds(),
            Double.NaN, r.imagesPerSecond(), 1000 / r.imagesPerSecond()));
      }
    }
    if (o.runs('e')) {
      c0 = cpu();
      t0 = System.nanoTime();
      long images = 0;
      List<Measurement> each = new ArrayList<>();
      for (ModelSpec m : config.models()) {
        long c1 = cpu();
        long t1 = System.nanoTime();
        ScoreJob.Result one = score(base + "run.id = bench-" + m.name() + "\n", List.of(m));
        images += one.images();
        double wall = (System.nanoTime() - t1) / 1e9;
        each.add(new Measurement("e   one run", m.name(), m.batchSize(), 1, one.images(), wall, (cpu() - c1) / 1e9,
            one.images() / wall, 1000 * wall / one.images()));
        ScoreJob.ModelResult r = one.models().get(0);
        passes.computeIfAbsent(r.model(), k -> new ArrayList<>()).add(r.imagesPerSecond());
        each.add(new Measurement("e   its scoring pass", m.name(), m.batchSize(), 1, r.images(), r.wallSeconds(),
            Double.NaN, r.imagesPerSecond(), 1000 / r.imagesPerSecond()));
      }
      add("e score, one run per model", "all", 0, 1, images, t0, c0);
      each.forEach(this::add);
    }
  }

  /**
   * The {@code dataset} config of exactly these images, listed as a score run lists a folder: a folder of symbolic
   * links to them where they are local files, else a manifest.
   */
  private String dataset(String name, List<String> paths) throws IOException {
    Path folder = work.resolve(name);
    if (paths.stream().allMatch(p -> "file".equals(HadoopFiles.path(p).toUri().getScheme()))) {
      if (!Files.exists(folder)) {
        Files.createDirectories(folder);
        for (int i = 0; i < paths.size(); i++) {
          Path local = Path.of(HadoopFiles.path(paths.get(i)).toUri());
          Files.createSymbolicLink(folder.resolve(String.format(Locale.ROOT, "%06d-%s", i, local.getFileName())),
              local);
        }
      }
      return "dataset { layout = unlabeled, path = \"" + folder.toUri() + "\", partitions = "
          + config.dataset().partitions() + " }\n";
    }
    Path manifest = manifest(work.resolve(name + ".csv"), paths);
    return "dataset { layout = manifest, manifest = \"" + manifest.toUri() + "\", partitions = "
        + config.dataset().partitions() + " }\n";
  }

  /** A one-column (path) CSV manifest of {@code paths}. */
  private static Path manifest(Path file, List<String> paths) throws IOException {
    StringBuilder csv = new StringBuilder("path\n");
    paths.forEach(p -> csv.append('"').append(p.replace("\"", "\"\"")).append("\"\n"));
    return Files.writeString(file, csv);
  }

  private ScoreJob.Result score(String overrides, List<ModelSpec> models) {
    ScoreConfig base = ConfigLoader.parse(ConfigFactory.parseString(overrides + "models = [ { name = x, uri = x, "
        + "labels = x } ]"));
    ScoreConfig.Dataset ds = config.dataset().at(base.dataset().path(), base.dataset().layout(),
        base.dataset().manifest());
    ScoreConfig c = new ScoreConfig(base.run(), ds, models, config.output(), config.runtime(), config.stream(),
        config.sparkConf());
    return new ScoreJob(spark, c, new PrintStream(PrintStream.nullOutputStream())).run();
  }

  private void add(String phase, String model, int batch, int threads, long images, long t0, long c0) {
    double wall = (System.nanoTime() - t0) / 1e9;
    double cpuS = (cpu() - c0) / 1e9;
    add(new Measurement(phase, model, batch, threads, images, wall, cpuS, images / wall,
        images == 0 ? Double.NaN : 1000 * wall / images));
  }

  private void add(Measurement m) {
    rows.add(m);
    out.printf(Locale.ROOT, "%-34s %-28s b=%-3d t=%d  %7d img  %8.2f s  cpu %8.2f s  %8.1f img/s  %7.2f ms/img%n",
        m.phase(), m.model(), m.batch(), m.threads(), m.images(), m.wallSeconds(), m.cpuSeconds(),
        m.imagesPerSecond(), m.msPerImage());
  }

  private static long cpu() {
    return SparkJob.processCpuNanos();
  }
}
