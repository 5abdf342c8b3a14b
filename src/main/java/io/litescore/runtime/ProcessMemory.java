package io.litescore.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * This process's resident memory as the OS counts it (Java heap, libtorch's native allocations, mapped libraries):
 * what an executor's memory overhead has to cover. Linux only ({@code /proc/self/status}); elsewhere unknown.
 */
public final class ProcessMemory {
  private static final Path STATUS = Path.of("/proc/self/status");

  private ProcessMemory() {}

  /** Resident set size in bytes, or -1 when the OS does not tell. */
  public static long rssBytes() {
    return statusKb(STATUS, "VmRSS:") * 1024;
  }

  /** A {@code /proc/<pid>/status} field in kB ({@code VmRSS:}, {@code VmHWM:}), or -1 when absent or unreadable. */
  public static long statusKb(Path status, String field) {
    List<String> lines;
    try {
      lines = Files.readAllLines(status);
    } catch (IOException | SecurityException e) {
      return -1;
    }
    for (String line : lines) {
      if (line.startsWith(field)) {
        String[] parts = line.substring(field.length()).trim().split("\\s+");
        try {
          return Long.parseLong(parts[0]);
        } catch (NumberFormatException e) {
          return -1;
        }
      }
    }
    return -1;
  }
}
