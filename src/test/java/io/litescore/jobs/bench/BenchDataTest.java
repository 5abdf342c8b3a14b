package io.litescore.jobs.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.litescore.testing.Fixtures;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchDataTest {
  @Test
  void writesRealisticPhotosInAnImageFolder(@TempDir Path dir) throws Exception {
    Fixtures.copyResource("reference/photos/home.jpg", dir.resolve("seeds/home.jpg"));
    Fixtures.copyResource("reference/photos/chelsea.png", dir.resolve("seeds/chelsea.png"));
    BenchData.Result r = BenchData.generate(dir.resolve("seeds"), 6, dir.resolve("out"), 3);
    assertThat(r.images()).isEqualTo(6);
    List<Path> files;
    try (Stream<Path> s = Files.walk(dir.resolve("out"))) {
      files = s.filter(Files::isRegularFile).toList();
    }
    assertThat(files).hasSize(6);
    assertThat(Files.list(dir.resolve("out")).map(p -> p.getFileName().toString())).containsOnly("home", "chelsea");
    for (Path f : files) {
      BufferedImage img = ImageIO.read(f.toFile());
      double mp = img.getWidth() * (double) img.getHeight() / 1e6;
      assertThat(mp).as(f.toString()).isBetween(0.19, 5.01);
    }
  }
}
