package io.litescore.testing;

import io.litescore.runtime.ProcessMemory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Samples, every 200 ms, the resident memory of the executor JVMs below the given Worker processes, as the OS sees
 * it ({@code /proc/<pid>/status}): the last VmRSS each executor had before it ended, and its peak (VmHWM).
 */
public final class ExecutorMemory implements AutoCloseable {
  /** One executor JVM: last resident set and peak, in MiB. */
  public record Sample(long pid, long rssMib, long peakMib) {}

  private final Map<Long, Sample> samples = new ConcurrentHashMap<>();
  private final Thread thread;
  private volatile boolean running = true;

  public ExecutorMemory(List<ProcessHandle> workers) {
    thread = new Thread(() -> {
      while (running) {
        workers.stream().flatMap(ProcessHandle::descendants).filter(ExecutorMemory::isExecutor).forEach(p -> {
          Path status = Path.of("/proc", Long.toString(p.pid()), "status");
          long rss = ProcessMemory.statusKb(status, "VmRSS:");
          long peak = ProcessMemory.statusKb(status, "VmHWM:");
          if (rss > 0) {
            samples.put(p.pid(), new Sample(p.pid(), rss >> 10, peak >> 10));
          }
        });
        try {
          Thread.sleep(200);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "executor-memory-sampler");
    thread.setDaemon(true);
    thread.start();
  }

  private static boolean isExecutor(ProcessHandle p) {
    try {
      String cmd = Files.readString(Path.of("/proc", Long.toString(p.pid()), "cmdline"), StandardCharsets.UTF_8);
      return cmd.contains("CoarseGrainedExecutorBackend");
    } catch (IOException e) {
      return false;
    }
  }

  public List<Sample> samples() {
    return List.copyOf(samples.values());
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
    try {
      thread.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
