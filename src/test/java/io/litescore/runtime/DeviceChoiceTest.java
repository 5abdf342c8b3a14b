package io.litescore.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class DeviceChoiceTest {
  @Test
  void usesTheAddressSparkAssignedNotGpuZero() {
    assertThat(DeviceChoice.choose("gpu", List.of("3"), 4)).isEqualTo(new DeviceChoice(true, 3));
    assertThat(DeviceChoice.choose("auto", List.of("1", "2"), 4)).hasToString("gpu:1");
  }

  @Test
  void autoFallsBackToCpu() {
    assertThat(DeviceChoice.choose("auto", List.of(), 4)).isEqualTo(DeviceChoice.CPU);
    assertThat(DeviceChoice.choose("auto", List.of("0"), 0)).isEqualTo(DeviceChoice.CPU);
    assertThat(DeviceChoice.choose("cpu", List.of("0"), 1)).hasToString("cpu");
  }

  @Test
  void gpuWithoutGpuFailsWithTheFix() {
    assertThatThrownBy(() -> DeviceChoice.choose("gpu", List.of(), 1))
        .hasMessageContaining("spark.task.resource.gpu.amount");
    assertThatThrownBy(() -> DeviceChoice.choose("gpu", List.of("0"), 0))
        .hasMessageContaining("PYTORCH_LIBRARY_PATH");
    assertThatThrownBy(() -> DeviceChoice.choose("gpu", List.of("5"), 2)).hasMessageContaining("CUDA sees 2");
    assertThatThrownBy(() -> DeviceChoice.choose("tpu", List.of(), 0)).hasMessageContaining("auto, cpu or gpu");
  }
}
