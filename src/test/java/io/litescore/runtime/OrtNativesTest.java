package io.litescore.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cached copy of ONNX Runtime's natives: the jar's bytes, made once, never a broken folder. */
class OrtNativesTest {
  private static final String JAR_FOLDER = "ai/onnxruntime/native/linux-x64/";

  private static byte[] resource(String name) throws Exception {
    try (InputStream in = OrtNativesTest.class.getClassLoader().getResourceAsStream(JAR_FOLDER + name)) {
      return in.readAllBytes();
    }
  }

  @Test
  void theCopyHoldsTheJarsLibrariesAndIsMadeOnce(@TempDir Path root) throws Exception {
    assumeTrue(System.getProperty("os.name").toLowerCase().contains("linux")
        && System.getProperty("os.arch").matches("amd64|x86_64"), "ONNX Runtime's linux-x64 natives");
    Optional<Path> dir = OrtNatives.cachedCopy(root);
    assertThat(dir).isPresent();
    assertThat(dir.get().getParent()).isEqualTo(root);
    assertThat(dir.get().getFileName().toString()).startsWith("onnxruntime-linux-x64-");
    for (String lib : new String[] {"libonnxruntime.so", "libonnxruntime4j_jni.so"}) {
      assertThat(Arrays.equals(Files.readAllBytes(dir.get().resolve(lib)), resource(lib))).as(lib).isTrue();
    }
    long written = Files.getLastModifiedTime(dir.get().resolve("libonnxruntime.so")).toMillis();
    assertThat(OrtNatives.cachedCopy(root)).isEqualTo(dir);
    assertThat(Files.getLastModifiedTime(dir.get().resolve("libonnxruntime.so")).toMillis()).isEqualTo(written);
    // no temporary folder left beside it
    try (Stream<Path> entries = Files.list(root)) {
      assertThat(entries.toList()).containsExactly(dir.get());
    }
  }

  @Test
  void aDamagedCopyIsNeverUsed(@TempDir Path root) throws Exception {
    assumeTrue(System.getProperty("os.name").toLowerCase().contains("linux")
        && System.getProperty("os.arch").matches("amd64|x86_64"), "ONNX Runtime's linux-x64 natives");
    Path dir = OrtNatives.cachedCopy(root).orElseThrow();
    Files.write(dir.resolve("libonnxruntime.so"), new byte[] {1, 2, 3});
    // ONNX Runtime then extracts its own copy as before
    assertThat(OrtNatives.cachedCopy(root)).isEmpty();
  }

  @Test
  void anUnwritableCacheLeavesLoadingToOnnxRuntime(@TempDir Path root) throws Exception {
    Path file = Files.writeString(root.resolve("not-a-folder"), "x");
    assertThat(OrtNatives.cachedCopy(file.resolve("cache"))).isEmpty();
  }
}
