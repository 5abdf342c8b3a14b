package io.litescore.image;

import static org.assertj.core.api.Assertions.assertThat;

import io.litescore.reliability.BadInputCorpus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * JPEGs and PNGs go through OpenCV for speed; that must not change a single pixel against the ImageIO path (whose
 * pixels equal PIL's, see ReferenceParityTest), nor any outcome of the bad-input corpus, except where the JDK's
 * reader departs from PIL: it applies an embedded ICC profile, which PIL and OpenCV ignore.
 */
class OpenCvParityTest {
  @TempDir Path dir;

  @Test
  void openCvLoadsHere() {
    assertThat(OpenCvDecoder.available()).as("bytedeco OpenCV natives for linux-x86_64 are on the class path").isTrue();
  }

  /** JavaCPP was told there is no GPU variant to look for (the CUDA preloads' class-path searches cost a task 0.6 s). */
  @Test
  void javacppLooksForNoGpuVariant() {
    assertThat(OpenCvDecoder.available()).isTrue();
    assertThat(System.getProperty(OpenCvDecoder.JAVACPP_EXTENSION)).isEmpty();
    assertThat(org.bytedeco.javacpp.Loader.loadProperties().getProperty("platform.extension")).isEmpty();
    org.bytedeco.javacpp.ClassProperties core = org.bytedeco.javacpp.Loader.loadProperties(
        org.bytedeco.opencv.global.opencv_core.class, org.bytedeco.javacpp.Loader.loadProperties(), true);
    assertThat(core.get("platform.preload")).noneMatch(lib -> lib.startsWith("cud") || lib.startsWith("npp"));
  }

  @Test
  void referencePhotosDecodeToTheSamePixels() throws Exception {
    List<Path> photos;
    try (Stream<Path> s = Files.list(Path.of("src/test/resources/reference/photos"))) {
      photos = s.filter(p -> p.toString().matches(".*\\.(jpg|png)")).sorted().toList();
    }
    assertThat(photos).hasSizeGreaterThanOrEqualTo(8);
    ImageDecoder fast = new ImageDecoder();
    ImageDecoder imageIo = new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS, false);
    for (Path p : photos) {
      byte[] b = Files.readAllBytes(p);
      RgbImage a = fast.decode(b);
      RgbImage e = imageIo.decode(b);
      assertThat(a.width()).as(p.toString()).isEqualTo(e.width());
      assertThat(a.height()).as(p.toString()).isEqualTo(e.height());
      assertThat(a.pixels()).as(p.toString()).isEqualTo(e.pixels());
    }
  }

  /**
   * Scoring tasks decode into buffers reused from image to image: the photos in turn (large after small, reduced
   * after full, PNG after JPEG) give exactly the pixels of a fresh decode, and the buffer is reused, not regrown.
   */
  @Test
  void reusedBuffersGiveTheSamePixels() throws Exception {
    List<Path> photos;
    try (Stream<Path> s = Files.list(Path.of("src/test/resources/reference/photos"))) {
      photos = s.filter(p -> p.toString().matches(".*\\.(jpg|png|webp)")).sorted().toList();
    }
    assertThat(photos).hasSizeGreaterThanOrEqualTo(8);
    ImageDecoder decoder = new ImageDecoder();
    DecodeBuffers reuse = new DecodeBuffers();
    java.util.Set<byte[]> arrays = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    int largest = 0;
    for (int round = 0; round < 2; round++) {
      for (Path p : photos) {
        byte[] b = Files.readAllBytes(p);
        for (int minShortSide : new int[] {0, 64}) {
          RgbImage fresh = decoder.decode(b, minShortSide);
          RgbImage reused = decoder.decode(b, minShortSide, reuse);
          int n = fresh.width() * fresh.height() * 3;
          largest = Math.max(largest, n);
          assertThat(reused.width()).as(p + " " + minShortSide).isEqualTo(fresh.width());
          assertThat(reused.height()).as(p + " " + minShortSide).isEqualTo(fresh.height());
          assertThat(java.util.Arrays.copyOf(reused.pixels(), n)).as(p + " " + minShortSide)
              .isEqualTo(fresh.pixels());
          if (round == 1) {
            arrays.add(reused.pixels());
          }
        }
      }
    }
    assertThat(arrays).as("second round: every image lands in the one kept buffer").hasSize(1);
    assertThat(arrays.iterator().next().length).isEqualTo(largest);
  }

  @Test
  void badInputCorpusHasTheSameOutcomes() throws Exception {
    BadInputCorpus.write(dir);
    ImageDecoder fast = new ImageDecoder(100_000_000L);
    ImageDecoder imageIo = new ImageDecoder(100_000_000L, false);
    List<String> decodedByBoth = new ArrayList<>();
    for (Map.Entry<String, String> c : BadInputCorpus.EXPECTED.entrySet()) {
      byte[] b = Files.readAllBytes(dir.resolve(c.getKey()));
      RgbImage a = null;
      RgbImage e = null;
      String errA = null;
      String errE = null;
      try {
        a = fast.decode(b);
      } catch (ImageDecodeException ex) {
        errA = ex.getMessage();
      }
      try {
        e = imageIo.decode(b);
      } catch (ImageDecodeException ex) {
        errE = ex.getMessage();
      }
      if (c.getKey().endsWith(".webp") && WebpHeader.isWebp(b) && (errA == null) == (errE == null)) {
        // damaged WebP: libwebp's refusal has its own message; lossy WebP: TwelveMonkeys' pixels are not PIL's
        if (a != null && !WebpHeader.read(b).lossless()) {
          continue;
        }
      } else {
        assertThat(errA).as(c.getKey()).isEqualTo(errE);
      }
      if (a != null && c.getKey().startsWith("icc-")) {
        // the JDK's reader converts through an embedded ICC profile; OpenCV ignores it, as PIL does (BadInputTest)
        assertThat(a.pixels()).as(c.getKey()).isNotEqualTo(e.pixels());
        continue;
      }
      if (a != null) {
        assertThat(a.width()).as(c.getKey()).isEqualTo(e.width());
        assertThat(a.height()).as(c.getKey()).isEqualTo(e.height());
        assertThat(a.pixels()).as(c.getKey()).isEqualTo(e.pixels());
        decodedByBoth.add(c.getKey());
      }
    }
    assertThat(decodedByBoth).hasSizeGreaterThan(8);
  }
}
