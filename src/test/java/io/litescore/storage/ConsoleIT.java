package io.litescore.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.litescore.testing.ChildProcess;
import io.litescore.testing.ItPaths;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What a user sees: the demo run through {@code jobs/litescore} prints litescore's own lines (models, dataset,
 * per-model results, the metrics table, where the output went) and no native library's noise.
 */
class ConsoleIT {
  /** Lines native libraries print on a CPU run when left alone; none may reach any launcher's console. */
  static final List<String> NATIVE_NOISE = List.of("CudaUtils", "CUDA driver", "AutoNonVariableTypeMode",
      "libpng warning", "StaticLoggerBinder", "LegacyTypeDispatch", "CUDA is not supported");

  /** jobs/litescore's own console also holds no SLF4J or Hadoop start-up chatter. */
  static final List<String> NOISE = java.util.stream.Stream.concat(NATIVE_NOISE.stream(),
      java.util.stream.Stream.of("SLF4J", "WARN NativeCodeLoader", "OrtEngine")).toList();

  @Test
  void demoConsoleHoldsLitescoresLinesOnly() {
    var work = ItPaths.work("console");
    ChildProcess demo = ChildProcess.start("demo", List.of("bash",
        ItPaths.projectRoot().resolve("jobs/litescore").toString(), "score", "--set",
        "run.output=\"" + work.resolve("out") + "\""), Map.of(), work, work.resolve("demo.log"));
    assertThat(demo.waitFor(Duration.ofMinutes(6))).as(demo.tail()).isZero();
    String console = demo.output();
    System.out.println("ConsoleIT: the demo's console\n" + console);
    for (String noise : NOISE) {
      assertThat(console).as("console of the demo").doesNotContain(noise);
    }
    assertThat(console).contains("running the bundled demo", "Model fmnist_shufflenet_v2_x0_5:",
        "Dataset ", "1000 images", "top1", "Run demo: 1000 images x 2 models", "Compare the models");
  }
}
