package io.litescore.runtime;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/**
 * libtorch settings that must be fixed before the PyTorch engine starts in a JVM: intra-op and inter-op threads,
 * and offline mode (the natives come from the {@code pytorch-native-cpu} jar; nothing is downloaded).
 */
public final class TorchRuntime {
  private static volatile boolean started;

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
      int t = Math.max(1, threads);
      System.setProperty("ai.djl.offline", "true");
      setIfAbsent("ai.djl.pytorch.num_threads", Integer.toString(t));
      setIfAbsent("ai.djl.pytorch.num_interop_threads", "1");
      setIfAbsent("ai.djl.default_engine", "PyTorch");
      // ONNX Runtime's global thread pools are used only by sessions that opt in (none of ours): keep them small
      setIfAbsent("ai.djl.onnxruntime.num_threads", "1");
      setIfAbsent("ai.djl.onnxruntime.num_interop_threads", "1");
      Quiet.unless(gpuWanted, "ai.djl.util.cuda.CudaUtils", () -> Engine.getEngine("PyTorch"));
      started = true;
    }
    return Engine.getEngine("PyTorch");
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

  /** The ONNX Runtime engine, started once (after libtorch's settings); quiet about CUDA on a CPU run. */
  public static synchronized Engine onnxRuntime(boolean gpuWanted) {
    start(1, gpuWanted);
    return Quiet.unless(gpuWanted, "ai.djl.onnxruntime.engine.OrtEngine", () -> Engine.getEngine("OnnxRuntime"));
  }

  /** CUDA devices the libtorch on the classpath can use (0 with the CPU-only natives). */
  public static int gpuCount() {
    return Engine.getEngine("PyTorch").getGpuCount();
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
