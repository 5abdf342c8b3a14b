package io.litescore.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A Spark standalone cluster on 127.0.0.1: a Master and Workers, each a JVM started from the Maven class path
 * ({@code target/spark-lib}: Spark, Hadoop, S3A, as a cluster's Spark installation has them). {@link #sparkHome()}
 * is a minimal SPARK_HOME over that class path whose {@code bin/spark-submit} goes through Spark's launcher library
 * as the real script does, so jobs are submitted exactly as a user submits them.
 */
public final class StandaloneCluster implements AutoCloseable {
  private static final Pattern MASTER_URL = Pattern.compile("Starting Spark master at (spark://127\\.0\\.0\\.1:\\d+)");

  private final Path sparkHome;
  private final List<ChildProcess> processes = new ArrayList<>();
  private final List<Path> workDirs = new ArrayList<>();
  private String masterUrl;

  private StandaloneCluster(Path sparkHome) {
    this.sparkHome = sparkHome;
  }

  /** Starts a Master and {@code workers} Workers of {@code cores} cores and {@code memory} each. */
  public static StandaloneCluster start(Path dir, int workers, int cores, String memory) {
    StandaloneCluster c = new StandaloneCluster(sparkHome(dir.resolve("spark-home")));
    try {
      ChildProcess master = c.daemon("master", dir, List.of("-Dspark.master.rest.enabled=false"),
          "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port", "0", "--webui-port", "0");
      c.masterUrl = master.await(MASTER_URL, Duration.ofSeconds(90)).group(1);
      for (int i = 0; i < workers; i++) {
        Path work = Files.createDirectories(dir.resolve("worker-" + i));
        c.workDirs.add(work);
        ChildProcess w = c.daemon("worker-" + i, dir, List.of(), "org.apache.spark.deploy.worker.Worker",
            "--host", "127.0.0.1", "--port", "0", "--webui-port", "0", "--cores", Integer.toString(cores),
            "--memory", memory, "--work-dir", work.toString(), c.masterUrl);
        w.await(Pattern.compile("Successfully registered with master"), Duration.ofSeconds(90));
      }
      return c;
    } catch (IOException | RuntimeException e) {
      c.close();
      throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
    }
  }

  /** The environment every process of the cluster, and spark-submit, runs with. */
  public Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    env.put("SPARK_HOME", sparkHome.toString());
    env.put("SPARK_SCALA_VERSION", "2.13");
    env.put("SPARK_LOCAL_IP", "127.0.0.1");
    env.put("JAVA_HOME", System.getProperty("java.home"));
    return env;
  }

  private ChildProcess daemon(String name, Path dir, List<String> props, String main, String... args) {
    List<String> jvm = new ArrayList<>(List.of("-Xmx256m", "-cp", sparkHome.resolve("jars") + "/*"));
    jvm.addAll(ItPaths.jvmOpens());
    jvm.addAll(props);
    List<String> cmd = new ArrayList<>(ChildProcess.java(jvm, main));
    cmd.addAll(List.of(args));
    ChildProcess p = ChildProcess.start(name, cmd, env(), dir, dir.resolve("logs/" + name + ".log"));
    processes.add(p);
    return p;
  }

  private static Path sparkHome(Path home) {
    try {
      Files.createDirectories(home.resolve("bin"));
      Path jars = home.resolve("jars");
      if (!Files.exists(jars)) {
        Files.createSymbolicLink(jars, ItPaths.built("spark-lib"));
      }
      // bin/spark-class of a Spark distribution, in short: the launcher library prints the java command line
      // (class path, driver memory and options from the properties file, Java 17 module options), NUL-separated.
      Path submit = home.resolve("bin/spark-submit");
      Files.writeString(submit, String.join("\n",
          "#!/usr/bin/env bash",
          "set -euo pipefail",
          "CMD=()",
          "STARTED=false",
          "DELIM=$'\\n'",
          "while IFS= read -d \"$DELIM\" -r ARG; do",
          "  if [[ $STARTED == true ]]; then CMD+=(\"$ARG\");",
          "  elif [[ $ARG == $'\\0' || -z $ARG ]]; then DELIM=''; STARTED=true;",
          "  else echo \"$ARG\"; fi",
          "done < <(\"$JAVA_HOME/bin/java\" -Xmx128m -cp \"$SPARK_HOME/jars/*\" org.apache.spark.launcher.Main "
              + "org.apache.spark.deploy.SparkSubmit \"$@\"; printf '%d\\0' $?)",
          "LAST=$((${#CMD[@]} - 1))",
          "[[ ${CMD[$LAST]} == 0 ]] || exit \"${CMD[$LAST]}\"",
          "exec \"${CMD[@]:0:$LAST}\"",
          ""), StandardCharsets.UTF_8);
      Files.setPosixFilePermissions(submit, PosixFilePermissions.fromString("rwxr-xr-x"));
      return home;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot make a SPARK_HOME at " + home + ": " + e.getMessage(), e);
    }
  }

  public String masterUrl() {
    return masterUrl;
  }

  public Path sparkHome() {
    return sparkHome;
  }

  /** The Worker JVMs: executors are their child processes. */
  public List<ProcessHandle> workers() {
    return processes.subList(1, processes.size()).stream().map(ChildProcess::handle).toList();
  }

  /** Master and Worker logs, concatenated. */
  public String daemonLogs() {
    StringBuilder s = new StringBuilder();
    processes.forEach(p -> s.append(p.output()));
    return s.toString();
  }

  /** Every executor's stdout and stderr file of the application, by path ({@code <work>/<app>/<exec>/stderr}). */
  public Map<Path, String> executorLogs(String appId) {
    Map<Path, String> logs = new HashMap<>();
    for (Path w : workDirs) {
      Path app = w.resolve(appId);
      if (!Files.isDirectory(app)) {
        continue;
      }
      try (Stream<Path> files = Files.walk(app)) {
        for (Path f : files.filter(Files::isRegularFile).toList()) {
          String n = f.getFileName().toString();
          if (n.equals("stdout") || n.equals("stderr")) {
            logs.put(f, Files.readString(f, StandardCharsets.UTF_8));
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return logs;
  }

  @Override
  public void close() {
    for (int i = processes.size() - 1; i >= 0; i--) {
      processes.get(i).close(); // workers first (with their executors), then the master
    }
  }
}
