package io.litescore.zoo;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.litescore.image.ImageDecoder;
import io.litescore.image.Npy;
import io.litescore.image.Preprocessing;
import io.litescore.runtime.TorchRuntime;
import io.litescore.testing.Parity;
import io.litescore.testing.Resources;
import java.util.List;
import java.io.ByteArrayInputStream;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * torchvision state dicts ({@code .safetensors}) load into the Java architectures and give PyTorch's logits on the
 * reference photos within rel = max|a-b| / max|b| <= 1e-5, with BatchNorm kept and with it folded into the convs.
 */
class TorchvisionImportTest {
  private static float[] batch;

  @BeforeAll
  static void photos() throws Exception {
    TorchRuntime.start(1);
    List<String> order = Parity.photoOrder();
    Preprocessing p = Preprocessing.imagenet(256, 224);
    batch = new float[order.size() * p.tensorSize()];
    for (int i = 0; i < order.size(); i++) {
      p.apply(new ImageDecoder().decode(Resources.bytes("reference/photos/" + order.get(i))), batch,
          i * p.tensorSize());
    }
  }

  @ParameterizedTest(name = "{0} folded={1}")
  @CsvSource({"squeezenet1_1,false", "squeezenet1_1,true", "mobilenet_v3_small,false", "mobilenet_v3_small,true",
      "shufflenet_v2_x0_5,false", "shufflenet_v2_x0_5,true"})
  void logitsMatchPyTorch(String name, boolean folded) throws Exception {
    Map<String, Tensor> sd = Safetensors.read(Resources.bytes("reference/models/" + name + ".safetensors")).tensors();
    Npy.Array expected = Npy.readFloat32(new ByteArrayInputStream(Resources.bytes("reference/logits/" + name + ".npy")));
    int n = expected.shape()[0];
    try (ZooNet net = ZooNet.build(Variant.named(name), 1000, 224, Stem.STANDARD, folded);
        NDManager m = NDManager.newBaseManager()) {
      net.load(sd);
      NDList out = net.block().forward(new ParameterStore(m, false),
          new NDList(m.create(batch, new Shape(n, 3, 224, 224))), false);
      float[] got = out.singletonOrThrow().toFloatArray();
      for (int i = 0; i < n; i++) {
        assertThat(Parity.rel(got, i * 1000, expected.data(), i * 1000, 1000)).as("%s photo %d rel", name, i)
            .isLessThanOrEqualTo(1e-5);
      }
      if (!folded) {
        assertThat(net.stateDict().keySet()).containsAll(
            sd.keySet().stream().filter(k -> !k.endsWith("num_batches_tracked")).toList());
      }
    }
  }
}
