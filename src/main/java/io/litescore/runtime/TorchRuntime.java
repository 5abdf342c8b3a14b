package io.litescore.runtime;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/**
 * The engines of a JVM: libtorch settings that must be fixed before the PyTorch engine starts (intra-op and
 * inter-op threads, offline mode: the natives come from the {@code pytorch-native-cpu} jar, nothing is
 * downloaded), and ONNX Runtime's. Each engine is started only when a model needs it: a JVM that runs ONNX
 * models alone never loads libtorch (~0.5 CPU s and a few hundred MB of natives).
 */
public final class TorchRuntime {
  private static volatile boolean started;
  private static boolean configured;
  private static boolean ortNativesChosen;

  private TorchRuntime() {}

  /**
   * Starts the engine once per JVM with {@code threads} intra-op threads (the task's CPUs). Later calls keep the
   * first setting: one JVM runs one thread setting, as one executor has one {@code spark.task.cpus}.
   */
  public static Engine start(int threads) {
    return start(threads, false);
  }

  /**
   * As {@link #start(int)}; {@code gpuWanted} says whether this JVM may run a model on a GPU. When not, DJL's GPU
   * probe at engine start stays quiet: on a machine with CUDA libraries but no driver it warns twice that the
   * driver is missing, which says nothing to a CPU run. When a GPU is asked for, its warnings stay visible.
   */
  public static synchronized Engine start(int threads, boolean gpuWanted) {
    if (!started) {
      configure();
      setIfAbsent("ai.djl.pytorch.num_threads", Integer.toString(Math.max(1, threads)));
      setIfAbsent("ai.djl.pytorch.num_interop_threads", "1");
      Quiet.unless(gpuWanted, "ai.djl.util.cuda.CudaUtils", () -> Engine.getEngine("PyTorch"));
      started = true;
    }
    return Engine.getEngine("PyTorch");
  }

  /** Settings of both engines that must be in place before either starts. */
  private static synchronized void configure() {
    if (!configured) {
      System.setProperty("ai.djl.offline", "true");
      setIfAbsent("ai.djl.default_engine", "PyTorch");
      // ONNX Runtime's global thread pools are used only by sessions that opt in (none of ours): keep them small
      setIfAbsent("ai.djl.onnxruntime.num_threads", "1");
      setIfAbsent("ai.djl.onnxruntime.num_interop_threads", "1");
      // Each ONNX Runtime NDManager would otherwise start the default engine (libtorch) as its "alternative" for
      // operations ONNX Runtime lacks; litescore's ONNX models only create their input and read their output.
      setIfAbsent("ai.djl.onnx.disable_alternative", "true");
      configured = true;
    }
  }

  /**
   * Starts the engine on a background thread (loading libtorch takes a while) so that it overlaps with other start-up
   * work, e.g. the Spark session's; a later {@link #start} waits for it.
   */
  public static void startInBackground(int threads) {
    Thread t = new Thread(() -> {
      try {
        start(threads);
      } catch (RuntimeException | LinkageError e) {
        // start() called where the engine is needed reports it
      }
    }, "litescore-engine-start");
    t.setDaemon(true);
    t.start();
  }

  /**
   * The ONNX Runtime engine, started once, without libtorch, its natives from a copy cached once per host
   * ({@link OrtNatives}); quiet about CUDA on a CPU run.
   */
  public static synchronized Engine onnxRuntime(boolean gpuWanted) {
    configure();
    if (!ortNativesChosen) {
      OrtNatives.useCachedCopy();
      ortNativesChosen = true;
    }
    return Quiet.unless(gpuWanted, "ai.djl.onnxruntime.engine.OrtEngine", () -> Engine.getEngine("OnnxRuntime"));
  }

  /** CUDA devices the libtorch on the classpath can use (0 with the CPU-only natives); starts libtorch. */
  public static int gpuCount(int threads, boolean gpuWanted) {
    return start(threads, gpuWanted).getGpuCount();
  }

  /**
   * The libtorch version: the started engine's, else the one its native jar names (without starting it), else
   * null.
   */
  public static String libtorchVersion() {
    if (started) {
      return Engine.getEngine("PyTorch").getVersion();
    }
    try (java.io.InputStream in = TorchRuntime.class.getClassLoader()
        .getResourceAsStream("native/lib/pytorch.properties")) {
      if (in == null) {
        return null;
      }
      java.util.Properties p = new java.util.Properties();
      p.load(in);
      String v = p.getProperty("version");
      return v == null ? null : v.replaceFirst("-.*", "");
    } catch (java.io.IOException e) {
      return null;
    }
  }

  /** Whether libtorch has been started in this JVM. */
  public static boolean libtorchStarted() {
    return started;
  }

  /** Intra-op threads libtorch actually uses. */
  public static int threads() {
    return JniUtils.getNumThreads();
  }

  /** Turns autograd off for the calling thread (libtorch keeps grad mode per thread). */
  public static void noGrad() {
    JniUtils.setGradMode(false);
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }
}
