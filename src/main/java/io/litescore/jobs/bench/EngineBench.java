package io.litescore.jobs.bench;

import ai.djl.Model;
import ai.djl.pytorch.jni.JniUtils;
import io.litescore.runtime.BatchScorer;
import io.litescore.runtime.DeviceChoice;
import io.litescore.runtime.ModelSource;
import io.litescore.runtime.TensorBatch;
import io.litescore.runtime.TorchRuntime;
import io.litescore.zoo.Safetensors;
import io.litescore.zoo.Stem;
import io.litescore.zoo.Variant;
import io.litescore.zoo.onnx.OnnxExport;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Model-only throughput of the zoo's reference networks, one engine beside the other in one JVM: the DJL zoo
 * blocks on libtorch (BatchNorm folded), the {@link OnnxExport} graph in ONNX Runtime, and, where the files are in
 * the models folder, torch's own ONNX export in ONNX Runtime and the TorchScript file on libtorch. Every model is
 * loaded and run as scoring runs it ({@link ModelSource}, {@link BatchScorer}). For each network, batch size and
 * thread count, the engines take turns for {@code rounds} rounds of {@code seconds} each, after a warm-up; the
 * table shows the median round in images per second. Timings, not a test.
 *
 * <pre>java -cp ... io.litescore.zoo.onnx.EngineBench [--models DIR] [--nets a,b] [--batches 1,8] [--threads 1,2]
 *     [--seconds 2] [--rounds 3]</pre>
 */
public final class EngineBench {
  private EngineBench() {}

  private record Engine(String label, Map<Integer, Model> byThreads) {}

  private static final List<String> loads = new ArrayList<>();

  public static void main(String[] args) throws Exception {
    Map<String, String> a = options(args);
    Path dir = Path.of(a.getOrDefault("models", "/work/shared/reference/models"));
    List<String> nets = List.of(a.getOrDefault("nets", "squeezenet1_1,mobilenet_v3_small,shufflenet_v2_x0_5")
        .split(","));
    int[] batches = ints(a.getOrDefault("batches", "1,8"));
    int[] threads = ints(a.getOrDefault("threads", "1,2"));
    double seconds = Double.parseDouble(a.getOrDefault("seconds", "2"));
    int rounds = Integer.parseInt(a.getOrDefault("rounds", "3"));

    TorchRuntime.start(1);
    TorchRuntime.onnxRuntime(false);
    System.out.printf(Locale.ROOT, "EngineBench: %d cores, Java %s, load average %.2f; %d rounds x %.1f s per engine "
        + "and cell, median round shown (img/s)%n%n", Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"), ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
        rounds, seconds);
    System.out.println("| network | batch | threads | DJL zoo (libtorch) | export in ORT | export, h-swish as "
        + "HardSigmoid+Mul | torch .onnx in ORT | TorchScript (libtorch) | export / zoo |");
    System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (String name : nets) {
      List<Engine> engines = load(name, dir, threads);
      for (int t : threads) {
        JniUtils.setNumThreads(t);
        for (int b : batches) {
          Map<String, Double> ips = measure(engines, t, b, seconds, rounds);
          System.out.println(row(name, b, t, ips));
        }
      }
      JniUtils.setNumThreads(1);
      for (Engine e : engines) {
        e.byThreads().values().stream().distinct().forEach(Model::close);
      }
    }
    System.out.println();
    loads.forEach(System.out::println);
    System.out.printf(Locale.ROOT, "%nload average at the end %.2f%n",
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
  }

  private static List<Engine> load(String name, Path dir, int[] threads) throws IOException {
    Variant v = Variant.named(name);
    byte[] weights = Files.readAllBytes(dir.resolve(name + ".safetensors"));
    List<Engine> engines = new ArrayList<>();
    Model zoo = new ModelSource.Zoo(name, name, 1000, Stem.STANDARD.name(), v.inputSize(), false)
        .materialise(weights, DeviceChoice.CPU, 1);
    engines.add(new Engine("zoo", sameForAll(zoo, threads)));
    long t0 = System.nanoTime();
    byte[] onnx = OnnxExport.export(v, 1000, Stem.STANDARD, v.inputSize(), Safetensors.read(weights).tensors());
    long t1 = System.nanoTime();
    Map<Integer, Model> exported = ort(name, onnx, threads);
    long t2 = System.nanoTime();
    loads.add(String.format(Locale.ROOT, "%s: safetensors read + export %.0f ms, %.1f MB of ONNX; %d ORT session(s) "
        + "%.0f ms", name, (t1 - t0) / 1e6, onnx.length / 1e6, threads.length, (t2 - t1) / 1e6));
    engines.add(new Engine("export", exported));
    Path torchOnnx = dir.resolve(name + ".onnx");
    if (Files.exists(torchOnnx)) {
      engines.add(new Engine("torch.onnx", ort(name, Files.readAllBytes(torchOnnx), threads)));
    }
    Path pt = dir.resolve(name + ".pt");
    if (Files.exists(pt)) {
      Model ts = new ModelSource.TorchScript(name).materialise(Files.readAllBytes(pt), DeviceChoice.CPU, 1);
      engines.add(new Engine("torchscript", sameForAll(ts, threads)));
    }
    return engines;
  }

  /** libtorch's threads are per process (set before each cell): one model serves every thread count. */
  private static Map<Integer, Model> sameForAll(Model m, int[] threads) {
    Map<Integer, Model> out = new LinkedHashMap<>();
    for (int t : threads) {
      out.put(t, m);
    }
    return out;
  }

  /** ONNX Runtime's threads are per session: one session per thread count. */
  private static Map<Integer, Model> ort(String name, byte[] onnx, int[] threads) {
    Map<Integer, Model> out = new LinkedHashMap<>();
    for (int t : threads) {
      out.put(t, new ModelSource.Onnx(name).materialise(onnx, DeviceChoice.CPU, t));
    }
    return out;
  }

  private static Map<String, Double> measure(List<Engine> engines, int threads, int batch, double seconds,
      int rounds) {
    Random rnd = new Random(0);
    float[] x = new float[batch * 3 * 224 * 224];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) rnd.nextGaussian();
    }
    Map<String, BatchScorer> scorers = new LinkedHashMap<>();
    Map<String, TensorBatch> inputs = new LinkedHashMap<>();
    for (Engine e : engines) {
      BatchScorer s = new BatchScorer(e.byThreads().get(threads));
      TensorBatch input = new TensorBatch(x, batch, 3, 224, 224, s.channelsLast()); // as the scoring pass feeds it
      run(s, input, batch, 0.5, 3); // warm-up: first-run planning, TorchScript's profiling passes
      scorers.put(e.label(), s);
      inputs.put(e.label(), input);
    }
    Map<String, double[]> perRound = new LinkedHashMap<>();
    scorers.keySet().forEach(k -> perRound.put(k, new double[rounds]));
    for (int r = 0; r < rounds; r++) {
      for (Map.Entry<String, BatchScorer> e : scorers.entrySet()) {
        perRound.get(e.getKey())[r] = run(e.getValue(), inputs.get(e.getKey()), batch, seconds, 1);
      }
    }
    scorers.values().forEach(BatchScorer::close);
    Map<String, Double> median = new LinkedHashMap<>();
    perRound.forEach((k, v) -> {
      double[] s = v.clone();
      Arrays.sort(s);
      median.put(k, s[s.length / 2]);
    });
    return median;
  }

  /** Images per second over at least {@code minCalls} calls and {@code seconds}. */
  private static double run(BatchScorer s, TensorBatch input, int batch, double seconds, int minCalls) {
    long n = 0;
    long t0 = System.nanoTime();
    while (n < (long) minCalls * batch || System.nanoTime() - t0 < seconds * 1e9) {
      s.logits(input);
      n += batch;
    }
    return n / ((System.nanoTime() - t0) / 1e9);
  }

  private static String row(String name, int batch, int threads, Map<String, Double> ips) {
    double zoo = ips.get("zoo");
    double export = ips.get("export");
    return String.format(Locale.ROOT, "| %s | %d | %d | %s | %s | %s | %s | %s | %.2fx |", name, batch, threads,
        cell(ips, "zoo"), cell(ips, "export"), cell(ips, "export-composed"), cell(ips, "torch.onnx"),
        cell(ips, "torchscript"), export / zoo);
  }

  private static String cell(Map<String, Double> ips, String key) {
    Double v = ips.get(key);
    return v == null ? "-" : String.format(Locale.ROOT, "%.1f", v);
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 == args.length) {
        throw new IllegalArgumentException("usage: EngineBench [--models DIR] [--nets a,b] [--batches 1,8] "
            + "[--threads 1,2] [--seconds 2] [--rounds 3]; got " + args[i]);
      }
      out.put(args[i].substring(2), args[++i]);
    }
    return out;
  }

  private static int[] ints(String csv) {
    return Arrays.stream(csv.split(",")).mapToInt(Integer::parseInt).toArray();
  }
}
