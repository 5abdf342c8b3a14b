package io.litescore.zoo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.litescore.runtime.TorchRuntime;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ZooTest {
  @BeforeAll
  static void engine() {
    TorchRuntime.start(1);
  }

  static Stream<Arguments> torchvisionCounts() {
    return Stream.of(
        Arguments.of("squeezenet1_0", 1_248_424L),
        Arguments.of("squeezenet1_1", 1_235_496L),
        Arguments.of("mobilenet_v1", 4_231_976L),
        Arguments.of("mobilenet_v2", 3_504_872L),
        Arguments.of("mobilenet_v3_small", 2_542_856L),
        Arguments.of("mobilenet_v3_large", 5_483_032L),
        Arguments.of("shufflenet_v2_x0_5", 1_366_792L),
        Arguments.of("shufflenet_v2_x1_0", 2_278_604L),
        Arguments.of("shufflenet_v2_x1_5", 3_503_624L),
        Arguments.of("shufflenet_v2_x2_0", 7_393_996L));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("torchvisionCounts")
  void parameterCountsEqualTorchvision(String name, long expected) {
    try (ZooNet net = ZooNet.build(Variant.named(name), 1000, 224, Stem.STANDARD, false)) {
      assertThat(net.parameterCount()).isEqualTo(expected);
      assertThat(Variant.named(name).params()).isEqualTo(expected);
    }
  }

  @Test
  void shuffleNetV1G3IsWithinTwoPercentOfThePaper() {
    try (ZooNet net = ZooNet.build(Variant.named("shufflenet_v1_g3"), 1000, 224, Stem.STANDARD, false)) {
      assertThat((double) net.parameterCount()).isCloseTo(1.87e6, within(0.02 * 1.87e6));
    }
  }

  @Test
  void everyVariantRunsAtSmallInputWithBothStems() {
    try (NDManager m = NDManager.newBaseManager()) {
      for (Variant v : Variant.all()) {
        for (Stem stem : Stem.values()) {
          try (ZooNet net = ZooNet.build(v, 10, 32, stem, false)) {
            NDArray x = m.randomNormal(new Shape(2, 3, 32, 32));
            NDList y = net.block().forward(new ParameterStore(m, false), new NDList(x), false);
            assertThat(y.singletonOrThrow().getShape()).as(v.name() + " " + stem).isEqualTo(new Shape(2, 10));
          }
        }
      }
    }
  }

  @Test
  void bnFoldingMatchesConvThenBatchNorm() {
    Random r = new Random(7);
    Tensor w = random(r, 4, 3, 3, 3);
    Tensor b = random(r, 4);
    Tensor gamma = random(r, 4);
    Tensor beta = random(r, 4);
    Tensor mean = random(r, 4);
    float[] v = {0.5f, 1.5f, 2f, 0.1f};
    Tensor var = new Tensor(new long[] {4}, v);
    Tensor[] f = BnFolding.fold(w, b, gamma, beta, mean, var, 1e-5);
    // for any conv output y of channel o: bn(y) = (y - mean) * g / sqrt(v + eps) + beta = fold applied to y
    for (int o = 0; o < 4; o++) {
      double scale = gamma.data()[o] / Math.sqrt(v[o] + 1e-5);
      assertThat(f[0].data()[o * 27 + 5]).isCloseTo((float) (w.data()[o * 27 + 5] * scale), within(1e-6f));
      double y = 0.37;
      double viaBn = ((y + b.data()[o]) - mean.data()[o]) * scale + beta.data()[o];
      assertThat(y * scale + f[1].data()[o]).isCloseTo(viaBn, within(1e-5));
    }
  }

  @Test
  void missingOrMisshapenWeightsAreNamed() {
    try (ZooNet net = ZooNet.build(Variant.named("squeezenet1_1"), 10, 64, Stem.STANDARD, false)) {
      Map<String, Tensor> sd = net.stateDict();
      sd.remove("features.3.expand3x3.weight");
      assertThatThrownBy(() -> net.load(sd)).hasMessageContaining("no tensor 'features.3.expand3x3.weight'");
      sd.put("features.3.expand3x3.weight", new Tensor(new long[] {1}, new float[1]));
      assertThatThrownBy(() -> net.load(sd)).hasMessageContaining("'features.3.expand3x3.weight' has shape [1]");
    }
    assertThatThrownBy(() -> Variant.named("resnet50")).hasMessageContaining("expected one of squeezenet1_0");
  }

  private static Tensor random(Random r, long... shape) {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    float[] d = new float[(int) n];
    for (int i = 0; i < d.length; i++) {
      d[i] = (float) r.nextGaussian();
    }
    return new Tensor(shape, d);
  }
}
