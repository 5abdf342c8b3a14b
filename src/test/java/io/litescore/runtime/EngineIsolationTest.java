package io.litescore.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.litescore.io.HadoopFiles;
import io.litescore.testing.ChildProcess;
import io.litescore.testing.Resources;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each engine starts only when a model needs it: a JVM that scores ONNX models alone never loads libtorch. Checked
 * in a JVM of its own (this one has libtorch from other tests), through what the process has mapped.
 */
class EngineIsolationTest {
  /** Loads one model through the executors' path (cache, scorer, one batch) and reports what the JVM loaded. */
  public static void main(String[] args) {
    boolean onnx = args[0].equals("onnx");
    String resource = "reference/models/squeezenet1_1." + (onnx ? "onnx" : "pt");
    byte[] bytes = Resources.bytes(resource);
    ModelSource source = onnx ? new ModelSource.Onnx("m") : new ModelSource.TorchScript("m");
    ModelCache.Entry e = ModelCache.get(source, HadoopFiles.sha256(bytes), () -> bytes, 1);
    float[][] out;
    try (BatchScorer s = new BatchScorer(e.model())) {
      out = s.logits(new TensorBatch(new float[3 * 224 * 224], 1, 3, 224, 224, s.channelsLast()));
    }
    String maps;
    try {
      maps = Files.readString(Path.of("/proc/self/maps"));
    } catch (java.io.IOException ex) {
      maps = "";
    }
    String ortFolder = maps.lines().map(l -> l.replaceFirst("^.* ", "")).filter(f -> f.endsWith("/libonnxruntime.so"))
        .map(f -> f.substring(0, f.lastIndexOf('/'))).findFirst().orElse("none");
    System.out.println("outputs=" + out[0].length + " libtorch-started=" + TorchRuntime.libtorchStarted()
        + " libtorch-mapped=" + maps.contains("libtorch_cpu") + " onnxruntime-mapped="
        + maps.contains("libonnxruntime") + " onnxruntime-from=" + ortFolder);
  }

  private static String run(String form, Path dir) {
    ChildProcess p = ChildProcess.start("engine-" + form, ChildProcess.java(List.of("-Xmx1g", "-DENGINE_CACHE_DIR="
        + dir.resolve("engines"), "-cp", System.getProperty("java.class.path")), EngineIsolationTest.class.getName(),
        form), Map.of(), dir, dir.resolve(form + ".log"));
    assertThat(p.waitFor(Duration.ofMinutes(2))).as(p.tail()).isZero();
    return p.output();
  }

  @Test
  void anOnnxModelRunsWithoutLoadingLibtorch(@TempDir Path dir) {
    assertThat(run("onnx", dir)).contains("outputs=1000 libtorch-started=false libtorch-mapped=false "
        + "onnxruntime-mapped=true");
  }

  /** ONNX Runtime's natives come from the copy in the engine cache, made by the first JVM, mapped by the next. */
  @Test
  void onnxRuntimeLoadsItsNativesFromTheEngineCache(@TempDir Path dir) throws Exception {
    String first = run("onnx", dir).replaceFirst("(?s).*onnxruntime-from=(\\S+).*", "$1");
    assertThat(Path.of(first).getParent()).isEqualTo(dir.resolve("engines").resolve("onnxruntime"));
    long written = Files.getLastModifiedTime(Path.of(first, "libonnxruntime.so")).toMillis();
    assertThat(run("onnx", dir)).contains("onnxruntime-from=" + first + "\n");
    assertThat(Files.getLastModifiedTime(Path.of(first, "libonnxruntime.so")).toMillis()).isEqualTo(written);
  }

  @Test
  void aTorchScriptModelLoadsLibtorch(@TempDir Path dir) {
    assertThat(run("torchscript", dir)).contains("outputs=1000 libtorch-started=true libtorch-mapped=true");
  }
}
