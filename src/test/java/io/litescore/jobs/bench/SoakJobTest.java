package io.litescore.jobs.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The soak's dataset: exactly the number of files asked for, whatever an earlier soak left in its folder. */
class SoakJobTest {
  private static List<String> files(Path dir) throws Exception {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString()).sorted().toList();
    }
  }

  @Test
  void replicatesRoundRobinAndDropsWhatALargerSoakLeft(@TempDir Path dir) throws Exception {
    Path source = dir.resolve("src");
    for (String f : List.of("a/1.png", "a/2.png", "b/3.png")) {
      Files.createDirectories(source.resolve(f).getParent());
      Files.writeString(source.resolve(f), f);
    }
    Path target = dir.resolve("images");
    assertThat(SoakJob.replicate(source, target, 7)).isEqualTo(7);
    assertThat(files(target)).containsExactly("a/0-1.png", "a/0-2.png", "a/1-1.png", "a/1-2.png", "a/2-1.png",
        "b/0-3.png", "b/1-3.png");
    assertThat(Files.readString(target.resolve("a/2-1.png"))).isEqualTo("a/1.png");
    // a smaller soak in the same folder scores only its own files
    assertThat(SoakJob.replicate(source, target, 4)).isEqualTo(4);
    assertThat(files(target)).containsExactly("a/0-1.png", "a/0-2.png", "a/1-1.png", "b/0-3.png");
  }
}
