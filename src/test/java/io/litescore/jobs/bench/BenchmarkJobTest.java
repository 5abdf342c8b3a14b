package io.litescore.jobs.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.litescore.jobs.score.ScoreJobTest;
import io.litescore.testing.SharedSpark;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bench runs every phase on a tiny fixture (the figures themselves are not asserted: they are timings). */
class BenchmarkJobTest {
  @TempDir Path tmp;

  @Test
  void measuresEveryPhase() throws Exception {
    ScoreJobTest.dir = tmp;
    ScoreJobTest.fixture();
    Path out = ScoreJobTest.dir.resolve("bench-out");
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    BenchmarkJob.Result r = new BenchmarkJob(SharedSpark.get(), ScoreJobTest.config("unused", out, ""),
        new BenchmarkJob.Options(20, new int[] {1, 4}, new int[] {1}, 0.2), new PrintStream(log, true)).run();
    Set<String> phases = r.rows().stream().map(m -> m.phase().substring(0, 1)).collect(Collectors.toSet());
    assertThat(phases).containsExactlyInAnyOrder("a", "b", "c", "d", "e", "f");
    assertThat(r.fastCosts()).singleElement().satisfies(f -> {
      assertThat(f.images()).isEqualTo(8);
      assertThat(f.top1Agreement()).isEqualTo(1.0); // small PNGs: fast mode decodes them exactly
      assertThat(f.maxAbsDiff()).isZero();
    });
    BenchmarkJob.Result onlyA = new BenchmarkJob(SharedSpark.get(), ScoreJobTest.config("unused", out, ""),
        new BenchmarkJob.Options(20, new int[] {2}, new int[] {1}, 0.2, "a"), new PrintStream(log, true)).run();
    assertThat(onlyA.rows()).extracting(BenchmarkJob.Measurement::phase).containsOnly("a model only");
    assertThat(r.rows()).filteredOn(m -> m.phase().startsWith("c")).singleElement()
        .satisfies(m -> assertThat(m.images()).isEqualTo(8)); // 9 files, one corrupt
    assertThat(r.rows()).filteredOn(m -> m.phase().startsWith("a")).hasSize(2);
    assertThat(r.rows()).allSatisfy(m -> assertThat(m.wallSeconds()).isPositive());
  }
}
