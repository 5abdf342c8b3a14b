package io.litescore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The parts of {@code compare} and {@code score} that need no Spark session. */
class CompareCommandTest {
  @Test
  void badOptionsFailWithExitCode2BeforeSparkStarts() {
    StringWriter err = new StringWriter();
    int code = LitescoreCliAccess.run(new PrintWriter(err, true), "compare", "--runs", "out", "--output", "cmp",
        "--misclassified", "-1");
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("--misclassified = -1").contains(">= 0");
  }

  @Test
  void scorePrintsARunnableCompareCommand() {
    assertThat(CompareCommand.commandFor("file:/data/litescore-output", "demo"))
        .isEqualTo("jobs/litescore compare --runs /data/litescore-output --run-id demo "
            + "--output /data/litescore-output/report");
    assertThat(CompareCommand.commandFor("file:/my runs/out", "it's"))
        .isEqualTo("jobs/litescore compare --runs '/my runs/out' --run-id 'it'\\''s' --output '/my runs/out/report'");
    assertThat(CompareCommand.commandFor("s3a://bucket/out", "r1"))
        .isEqualTo("jobs/litescore compare --runs s3a://bucket/out --run-id r1 --output s3a://bucket/out/report");
  }

  @Test
  void demoIsUnpackedOnceToAKeptFolder() {
    Path first = Demo.extract();
    Path second = Demo.extract();
    assertThat(second).isEqualTo(first);
    assertThat(first.getFileName().toString()).matches("litescore-demo-[0-9a-f]{16}");
    assertThat(first.resolve("demo.conf")).exists();
    assertThat(Files.isDirectory(first.resolve("fashion-mnist"))).isTrue();
  }
}
