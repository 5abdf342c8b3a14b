package io.litescore.runtime;

import java.util.List;

/**
 * Which device a task runs its model on, from {@code runtime.device} and the GPU addresses Spark assigned the
 * task ({@code TaskContext.resources().get("gpu")}). Never a hard-coded GPU 0: a task uses the first address it
 * was given. Pure logic, no framework types.
 *
 * @param gpu true for a CUDA device
 * @param index the CUDA device index (the Spark address), -1 for CPU
 */
public record DeviceChoice(boolean gpu, int index) {
  public static final DeviceChoice CPU = new DeviceChoice(false, -1);

  /**
   * @param configured {@code auto}, {@code cpu} or {@code gpu}
   * @param taskGpus the task's GPU addresses (empty when Spark assigned none)
   * @param cudaGpus GPUs the libtorch on the classpath can use (0 with the CPU-only natives)
   */
  public static DeviceChoice choose(String configured, List<String> taskGpus, int cudaGpus) {
    switch (configured) {
      case "cpu":
        return CPU;
      case "auto":
        return taskGpus.isEmpty() || cudaGpus == 0 ? CPU : new DeviceChoice(true, index(taskGpus.get(0)));
      case "gpu":
        if (taskGpus.isEmpty()) {
          throw new IllegalStateException("Cannot use runtime.device = gpu: Spark gave this task no GPU (set "
              + "spark.executor.resource.gpu.amount, spark.task.resource.gpu.amount and a discovery script)");
        }
        if (cudaGpus == 0) {
          throw new IllegalStateException("Cannot use runtime.device = gpu: the libtorch on the classpath has no "
              + "CUDA (point PYTORCH_LIBRARY_PATH at a CUDA libtorch 2.7.1, or let DJL download one online)");
        }
        int i = index(taskGpus.get(0));
        if (i >= cudaGpus) {
          throw new IllegalStateException("Cannot use GPU " + i + ": CUDA sees " + cudaGpus + " GPU(s) in this "
              + "executor (is CUDA_VISIBLE_DEVICES narrowing them?)");
        }
        return new DeviceChoice(true, i);
      default:
        throw new IllegalArgumentException("Cannot choose a device: runtime.device = " + configured
            + ": expected auto, cpu or gpu");
    }
  }

  private static int index(String address) {
    try {
      return Integer.parseInt(address.trim());
    } catch (NumberFormatException e) {
      throw new IllegalStateException("Cannot use GPU address '" + address + "': expected a CUDA device index");
    }
  }

  @Override
  public String toString() {
    return gpu ? "gpu:" + index : "cpu";
  }
}
