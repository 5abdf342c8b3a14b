package io.litescore.zoo;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.litescore.image.ImageDecoder;
import io.litescore.image.Npy;
import io.litescore.image.Preprocessing;
import io.litescore.runtime.TorchRuntime;
import io.litescore.testing.Resources;
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
    JsonNode order = new ObjectMapper().readTree(Resources.bytes("reference/logits/order.json")).get("order");
    Preprocessing p = Preprocessing.imagenet(256, 224);
    batch = new float[order.size() * p.tensorSize()];
    for (int i = 0; i < order.size(); i++) {
      p.apply(new ImageDecoder().decode(Resources.bytes("reference/photos/" + order.get(i).asText())), batch,
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
        double maxDiff = 0;
        double maxRef = 0;
        for (int c = 0; c < 1000; c++) {
          float ref = expected.data()[i * 1000 + c];
          maxDiff = Math.max(maxDiff, Math.abs(got[i * 1000 + c] - ref));
          maxRef = Math.max(maxRef, Math.abs(ref));
        }
        assertThat(maxDiff / maxRef).as("%s photo %d rel", name, i).isLessThanOrEqualTo(1e-5);
      }
      if (!folded) {
        assertThat(net.stateDict().keySet()).containsAll(
            sd.keySet().stream().filter(k -> !k.endsWith("num_batches_tracked")).toList());
      }
    }
  }
}
