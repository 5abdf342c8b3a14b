package io.litescore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.litescore.testing.ChildProcess;
import io.litescore.testing.ItPaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code jobs/litescore}'s class-data-sharing archive: recorded by the first command after a build that starts a
 * Spark session and succeeds, not by one that starts none (an archive without Spark's classes would be mapped by
 * every later run, and Spark would start at the speed of no archive). Runs a copy of the launcher in a fresh
 * installation folder whose {@code target/} links to the build's jars, so the project's own archive is left alone.
 */
class LauncherIT {
  @Test
  void onlyASparkCommandThatSucceedsRecordsTheArchive() throws IOException {
    Path home = installation();
    Path cds = home.resolve("target/cds");

    assertThat(run(home, "zoo").waitFor(Duration.ofMinutes(2))).isZero();
    assertThat(run(home, "score", "--help").waitFor(Duration.ofMinutes(2))).isZero();
    assertThat(archives(cds)).as("after commands that start no Spark session").isEmpty();

    Path bad = Files.writeString(home.resolve("bad.conf"), "models = [ { name = x } ]\n");
    ChildProcess failed = run(home, "score", "--conf", bad.toString());
    assertThat(failed.waitFor(Duration.ofMinutes(2))).isNotZero();
    assertThat(failed.output()).contains("dataset.path");
    assertThat(archives(cds)).as("after a score run that stopped at its config").isEmpty();

    ChildProcess demo = run(home, "score", "--set", "run.output=\"" + home.resolve("out") + "\"");
    assertThat(demo.waitFor(Duration.ofMinutes(6))).as(demo.tail()).isZero();
    List<Path> recorded = archives(cds);
    assertThat(recorded).as("after the demo").hasSize(1);
    assertThat(Files.size(recorded.get(0))).as("an archive with Spark's classes").isGreaterThan(50L << 20);

    ChildProcess again = run(home, "score", "--set", "run.output=\"" + home.resolve("out") + "\"");
    assertThat(again.waitFor(Duration.ofMinutes(6))).as(again.tail()).isZero();
    assertThat(archives(cds)).as("the second run maps the first one's archive").isEqualTo(recorded);
  }

  /** jobs/ and conf/ of the project, target/ with links to the build's jar and libraries, no archive yet. */
  private static Path installation() throws IOException {
    Path root = ItPaths.projectRoot();
    Path home = ItPaths.work("launcher");
    Files.createDirectories(home.resolve("jobs"));
    Files.copy(root.resolve("jobs/litescore"), home.resolve("jobs/litescore"));
    Files.createSymbolicLink(home.resolve("conf"), root.resolve("conf"));
    Path target = Files.createDirectories(home.resolve("target"));
    for (String p : List.of("litescore.jar", "lib", "spark-lib")) {
      Files.createSymbolicLink(target.resolve(p), ItPaths.built(p));
    }
    return home;
  }

  private static ChildProcess run(Path home, String... args) {
    List<String> command = new ArrayList<>(List.of("bash", home.resolve("jobs/litescore").toString()));
    command.addAll(List.of(args));
    return ChildProcess.start("litescore " + String.join(" ", args), command, Map.of(), home,
        home.resolve("litescore-" + System.nanoTime() + ".log"));
  }

  private static List<Path> archives(Path cds) throws IOException {
    if (!Files.isDirectory(cds)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(cds)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".jsa")).sorted().toList();
    }
  }
}
