package io.litescore.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.litescore.cli.Litescore;
import io.litescore.testing.ChildProcess;
import java.lang.management.ManagementFactory;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The class loader a job's session is built under (spark-mllib's session extension left out, nothing else), and a
 * batch score run that never needs Scala's runtime reflection universe.
 */
class SessionsTest {
  /** The bundled demo's score run, its output under {@code args[0]}; the JVM logs the classes it loads. */
  public static void main(String[] args) {
    System.exit(Litescore.commandLine().execute("score", "--set", "run.output=" + args[0]));
  }

  @Test
  void aBatchScoreRunNeverLoadsScalasRuntimeReflection(@TempDir Path dir) throws Exception {
    Path classes = dir.resolve("classes.log");
    List<String> jvm = new ArrayList<>(ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(a -> !a.startsWith("-Xmx") && !a.startsWith("-agent") && !a.startsWith("-javaagent")).toList());
    jvm.addAll(List.of("-Xmx2g", "-Xlog:class+load=info:file=" + classes, "-cp",
        System.getProperty("java.class.path")));
    ChildProcess p = ChildProcess.start("batch-score", ChildProcess.java(jvm, SessionsTest.class.getName(),
        dir.resolve("out").toString()), Map.of(), dir, dir.resolve("score.log"));
    assertThat(p.waitFor(Duration.ofMinutes(3))).as(p.tail()).isZero();
    assertThat(p.output()).contains("Scored 1000 images");
    String loaded = Files.readString(classes);
    assertThat(loaded).contains("org.apache.spark.sql.execution.datasources.parquet.ParquetOutputWriter ");
    // Catalyst's row encoders, and the session start before them, would load it (about a second of two cores)
    assertThat(loaded).doesNotContain("scala.reflect.runtime.JavaUniverse ");
    // a local session without spark.ui.enabled: no web UI built
    assertThat(loaded).doesNotContain("org.apache.spark.ui.jobs.JobsTab ");
  }

  @Test
  void aLocalSessionStartsWithoutTheWebUiUnlessAskedFor() {
    SparkConf none = new SparkConf(false);
    assertThat(Sessions.defaults(Map.of(), none)).containsEntry("spark.master", "local[*]")
        .containsEntry("spark.ui.enabled", "false").containsEntry("spark.ui.showConsoleProgress", "false")
        .containsEntry("spark.hadoop.fs.file.impl", "io.litescore.io.LocalFiles");
    assertThat(Sessions.defaults(Map.of("spark.master", "local[2]"), none))
        .containsEntry("spark.ui.enabled", "false").doesNotContainKey("spark.master");
    // asked for, in the config or by spark-submit
    assertThat(Sessions.defaults(Map.of("spark.master", "local[2]", "spark.ui.enabled", "true"), none))
        .doesNotContainKey("spark.ui.enabled");
    assertThat(Sessions.defaults(Map.of(), new SparkConf(false).set("spark.ui.enabled", "true")))
        .doesNotContainKey("spark.ui.enabled");
    // a cluster keeps its own settings
    assertThat(Sessions.defaults(Map.of("spark.master", "spark://host:7077"), none))
        .doesNotContainKeys("spark.ui.enabled", "spark.hadoop.fs.file.impl", "spark.master");
    assertThat(Sessions.defaults(Map.of(), new SparkConf(false).set("spark.master", "yarn")))
        .containsOnlyKeys("spark.ui.showConsoleProgress");
  }

  private static URL folder(Path root, String name, String services) throws Exception {
    Path dir = root.resolve(name);
    Path file = dir.resolve(Sessions.WithoutMlExtension.PROVIDERS);
    Files.createDirectories(file.getParent());
    Files.writeString(file, services);
    Files.writeString(dir.resolve("other.txt"), name);
    return dir.toUri().toURL();
  }

  @Test
  void leavesOutTheServiceFileThatNamesOnlyMllibsExtension(@TempDir Path root) throws Exception {
    URL ml = folder(root, "ml", "# mllib\n" + Sessions.WithoutMlExtension.ML_PROVIDER + "\n");
    URL other = folder(root, "other", "com.example.OtherExtension\n");
    URL both = folder(root, "both", Sessions.WithoutMlExtension.ML_PROVIDER + "\ncom.example.Third\n");
    try (URLClassLoader jars = new URLClassLoader(new URL[] {ml, other, both}, null)) {
      ClassLoader filtered = new Sessions.WithoutMlExtension(jars);
      List<URL> providers = Collections.list(filtered.getResources(Sessions.WithoutMlExtension.PROVIDERS));
      assertThat(providers).extracting(URL::toString).containsExactly(
          other + Sessions.WithoutMlExtension.PROVIDERS, both + Sessions.WithoutMlExtension.PROVIDERS);
      // every other resource, and the unfiltered view, as before
      assertThat(Collections.list(filtered.getResources("other.txt"))).hasSize(3);
      assertThat(Collections.list(jars.getResources(Sessions.WithoutMlExtension.PROVIDERS))).hasSize(3);
    }
  }

  @Test
  void spark_mllibShipsItsExtensionAsTheOnlyEntryOfItsServiceFile() throws Exception {
    // what the filter relies on: the file in spark-mllib's jar names that one provider, so the filter drops it
    ClassLoader filtered = new Sessions.WithoutMlExtension(getClass().getClassLoader());
    List<URL> all = Collections.list(getClass().getClassLoader().getResources(
        Sessions.WithoutMlExtension.PROVIDERS));
    List<URL> kept = Collections.list(filtered.getResources(Sessions.WithoutMlExtension.PROVIDERS));
    assertThat(all).anyMatch(u -> u.toString().contains("spark-mllib"));
    assertThat(kept).noneMatch(u -> u.toString().contains("spark-mllib"));
  }
}
