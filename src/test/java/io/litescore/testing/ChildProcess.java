package io.litescore.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A process the integration tests start (a server JVM, a launcher script), with stdout and stderr in one log file.
 * {@link #close()} stops it and everything it started (a Spark worker's executors), forcibly if it lingers.
 */
public final class ChildProcess implements AutoCloseable {
  /** Still running: stopped when this JVM ends, even if it is terminated before the tests' own clean-up ran. */
  private static final Set<ChildProcess> LIVE = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> List.copyOf(LIVE).forEach(ChildProcess::close),
        "child-process-reaper"));
  }

  private final String name;
  private final Process process;
  private final Path log;

  private ChildProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  public static ChildProcess start(String name, List<String> command, Map<String, String> env, Path workDir,
      Path log) {
    try {
      Files.createDirectories(log.getParent());
      Files.createDirectories(workDir);
      ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
          .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      pb.environment().putAll(env);
      ChildProcess p = new ChildProcess(name, pb.start(), log);
      LIVE.add(p);
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start " + name + ": " + e.getMessage(), e);
    }
  }

  /** {@code java} of this JVM with the given class path, JVM options and main class or {@code -jar}. */
  public static List<String> java(List<String> jvmOptions, String... mainAndArgs) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmOptions);
    cmd.addAll(List.of(mainAndArgs));
    return cmd;
  }

  public String output() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e.getMessage() + ")";
    }
  }

  public Path log() {
    return log;
  }

  public ProcessHandle handle() {
    return process.toHandle();
  }

  /** Waits until the log matches {@code pattern}; returns the match. Fails if the process exits first. */
  public Matcher await(Pattern pattern, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      Matcher m = pattern.matcher(output());
      if (m.find()) {
        return m;
      }
      if (!process.isAlive()) {
        throw new IllegalStateException(name + " exited with " + process.exitValue() + " before logging '"
            + pattern + "':\n" + tail());
      }
      sleep(100);
    }
    throw new IllegalStateException(name + " did not log '" + pattern + "' within " + timeout + ":\n" + tail());
  }

  /** Waits for the process to end; returns its exit code. */
  public int waitFor(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        close();
        throw new IllegalStateException(name + " still running after " + timeout + ":\n" + tail());
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public String tail() {
    String out = output();
    return out.length() > 6000 ? "..." + out.substring(out.length() - 6000) : out;
  }

  @Override
  public void close() {
    LIVE.remove(this);
    List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
    all.add(0, process.toHandle());
    all.forEach(ProcessHandle::destroy);
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    for (ProcessHandle p : all) {
      while (p.isAlive() && System.nanoTime() < deadline) {
        sleep(50);
      }
      if (p.isAlive()) {
        p.destroyForcibly();
      }
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
