package io.litescore.zoo.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Model;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.litescore.image.ImageDecoder;
import io.litescore.image.Npy;
import io.litescore.image.Preprocessing;
import io.litescore.runtime.BatchScorer;
import io.litescore.runtime.DeviceChoice;
import io.litescore.runtime.ModelSource;
import io.litescore.runtime.TensorBatch;
import io.litescore.runtime.TorchRuntime;
import io.litescore.testing.Parity;
import io.litescore.testing.Resources;
import io.litescore.zoo.Safetensors;
import io.litescore.zoo.Stem;
import io.litescore.zoo.Tensor;
import io.litescore.zoo.Variant;
import io.litescore.zoo.ZooNet;
import java.io.ByteArrayInputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The exported ONNX graphs, run by ONNX Runtime exactly as scoring loads an ONNX model (DJL's OnnxRuntime engine,
 * one intra-op thread, sequential, all graph optimisations), compute what the DJL zoo blocks compute and what
 * PyTorch computes. rel = max|a - b| / max|b| per image over all logits (see reference/README.md).
 */
class OnnxExportTest {
  private static float[] photos;
  private static int photoCount;

  @BeforeAll
  static void engines() throws Exception {
    TorchRuntime.start(1);
    TorchRuntime.onnxRuntime(false);
    List<String> order = Parity.photoOrder();
    Preprocessing p = Preprocessing.imagenet(256, 224);
    photoCount = order.size();
    photos = new float[photoCount * p.tensorSize()];
    for (int i = 0; i < photoCount; i++) {
      p.apply(new ImageDecoder().decode(Resources.bytes("reference/photos/" + order.get(i))), photos,
          i * p.tensorSize());
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"squeezenet1_1", "mobilenet_v3_small", "shufflenet_v2_x0_5"})
  void referenceNetworksGivePyTorchLogitsAndTheZoosInOnnxRuntime(String name) throws Exception {
    Map<String, Tensor> sd = Safetensors.read(Resources.bytes("reference/models/" + name + ".safetensors")).tensors();
    Npy.Array expected = Npy.readFloat32(new ByteArrayInputStream(Resources.bytes("reference/logits/" + name
        + ".npy")));
    assertThat(expected.shape()[0]).isEqualTo(photoCount);
    byte[] onnx = OnnxExport.export(Variant.named(name), 1000, Stem.STANDARD, 224, sd);
    float[] ort;
    float[] djl;
    try (Model m = ortModel(name, onnx)) {
      ort = logits(m, photos, photoCount, 224);
    }
    try (ZooNet net = ZooNet.build(Variant.named(name), 1000, 224, Stem.STANDARD, true)) {
      net.load(sd);
      djl = logits(net.model(), photos, photoCount, 224);
    }
    double worstTorch = 0;
    double worstZoo = 0;
    for (int i = 0; i < photoCount; i++) {
      double vsTorch = Parity.rel(ort, i * 1000, expected.data(), i * 1000, 1000);
      double vsZoo = Parity.rel(ort, i * 1000, djl, i * 1000, 1000);
      assertThat(vsTorch).as("%s photo %d rel to PyTorch", name, i).isLessThanOrEqualTo(1e-4);
      assertThat(vsZoo).as("%s photo %d rel to the DJL zoo", name, i).isLessThanOrEqualTo(1e-5);
      worstTorch = Math.max(worstTorch, vsTorch);
      worstZoo = Math.max(worstZoo, vsZoo);
    }
    System.out.printf(Locale.ROOT, "%s: ORT vs PyTorch rel <= %.2e, ORT vs DJL zoo rel <= %.2e (%d photos)%n", name,
        worstTorch, worstZoo, photoCount);
  }

  static Stream<Arguments> everyVariant() {
    return Variant.all().stream().flatMap(v -> Stream.of(Arguments.of(v.name(), 1000, Stem.STANDARD, 224),
        Arguments.of(v.name(), 10, Stem.SMALL, 64)));
  }

  /** Random weights with random BatchNorm statistics, so that folding is exercised, on a random batch of two. */
  @ParameterizedTest(name = "{0} classes={1} stem={2} {3}px")
  @MethodSource("everyVariant")
  void everyVariantMatchesTheZooOnRandomWeights(String name, int classes, Stem stem, int size) throws Exception {
    Variant v = Variant.named(name);
    Random r = new Random(name.hashCode() * 31L + classes);
    Map<String, Tensor> sd = randomWeights(v, classes, stem, size, r);
    float[] x = new float[2 * 3 * size * size];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextGaussian();
    }
    float[] ort;
    float[] djl;
    try (Model m = ortModel(name, OnnxExport.export(v, classes, stem, size, sd))) {
      ort = logits(m, x, 2, size);
    }
    try (ZooNet net = ZooNet.build(v, classes, size, stem, true)) {
      net.load(sd);
      djl = logits(net.model(), x, 2, size);
    }
    assertThat(ort).hasSameSizeAs(djl).hasSize(2 * classes);
    double worst = 0;
    for (int i = 0; i < 2; i++) {
      double rel = Parity.rel(ort, i * classes, djl, i * classes, classes);
      assertThat(rel).as("%s row %d rel to the DJL zoo", name, i).isLessThanOrEqualTo(1e-4);
      worst = Math.max(worst, rel);
    }
    System.out.printf(Locale.ROOT, "%s %d classes %s %dpx: ORT vs DJL zoo rel <= %.2e%n", name, classes, stem, size,
        worst);
  }

  @Test
  void mobileNetV3WithComposedHardSwishMatchesTheZoo() throws Exception {
    Variant v = Variant.named("mobilenet_v3_large");
    Random r = new Random(3);
    Map<String, Tensor> sd = randomWeights(v, 1000, Stem.STANDARD, 224, r);
    float[] x = new float[3 * 224 * 224];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextGaussian();
    }
    float[] ort;
    float[] djl;
    try (Model m = ortModel(v.name(), OnnxExport.export(v, 1000, Stem.STANDARD, 224, sd,
        OnnxExport.HardSwishForm.COMPOSED))) {
      ort = logits(m, x, 1, 224);
    }
    try (ZooNet net = ZooNet.build(v, 1000, 224, Stem.STANDARD, true)) {
      net.load(sd);
      djl = logits(net.model(), x, 1, 224);
    }
    assertThat(Parity.rel(ort, 0, djl, 0, 1000)).isLessThanOrEqualTo(1e-5);
  }

  @Test
  void graphHasNamedInputAndOutputWithADynamicBatch() throws Exception {
    Map<String, Tensor> sd = Safetensors.read(Resources.bytes("reference/models/squeezenet1_1.safetensors"))
        .tensors();
    byte[] onnx = OnnxExport.export(Variant.named("squeezenet1_1"), 1000, Stem.STANDARD, 224, sd);
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions o = new OrtSession.SessionOptions();
        OrtSession s = env.createSession(onnx, o)) {
      assertThat(s.getInputNames()).containsExactly(OnnxExport.INPUT);
      assertThat(s.getOutputNames()).containsExactly(OnnxExport.OUTPUT);
      assertThat(shape(s.getInputInfo().get(OnnxExport.INPUT))).containsExactly(-1, 3, 224, 224);
      assertThat(shape(s.getOutputInfo().get(OnnxExport.OUTPUT))).containsExactly(-1, 1000);
      assertThat(s.getMetadata().getProducerName()).isEqualTo("litescore");
      assertThat(s.getMetadata().getCustomMetadata()).containsEntry("litescore.arch", "squeezenet1_1")
          .containsEntry("litescore.batchnorm", "folded");
    }
    // the same image alone and as the last of a batch of three
    int size = 3 * 224 * 224;
    float[] three = new float[3 * size];
    System.arraycopy(photos, 0, three, 2 * size, size);
    System.arraycopy(photos, size, three, 0, size);
    float[] one = java.util.Arrays.copyOf(photos, size);
    try (Model m = ortModel("squeezenet1_1", onnx)) {
      float[] a = logits(m, one, 1, 224);
      float[] b = logits(m, three, 3, 224);
      assertThat(b).hasSize(3000);
      assertThat(Parity.rel(b, 2000, a, 0, 1000)).isLessThanOrEqualTo(1e-6);
    }
  }

  @Test
  void brokenWeightMapsAreNamed() throws Exception {
    Map<String, Tensor> sd = new LinkedHashMap<>(Safetensors.read(
        Resources.bytes("reference/models/squeezenet1_1.safetensors")).tensors());
    Variant squeeze = Variant.named("squeezenet1_1");
    Tensor kept = sd.remove("features.3.expand3x3.weight");
    assertThatThrownBy(() -> OnnxExport.export(squeeze, 1000, Stem.STANDARD, 224, sd))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot export squeezenet1_1 to ONNX: the weight map has no tensor 'features.3.expand3x3.weight'");
    sd.put("features.3.expand3x3.weight", new Tensor(new long[] {64, 16, 1, 1}, new float[64 * 16]));
    assertThatThrownBy(() -> OnnxExport.export(squeeze, 1000, Stem.STANDARD, 224, sd))
        .hasMessage("Cannot export squeezenet1_1 to ONNX: 'features.3.expand3x3.weight' has shape [64, 16, 1, 1], "
            + "the architecture expects [64, 16, 3, 3]");
    sd.put("features.3.expand3x3.weight", kept);
    // 1000 classes of weights for a 10-class head
    assertThatThrownBy(() -> OnnxExport.export(squeeze, 10, Stem.STANDARD, 224, sd))
        .hasMessageContaining("'classifier.1.weight' has shape [1000, 512, 1, 1], the architecture expects "
            + "[10, 512, 1, 1]");
    assertThatThrownBy(() -> OnnxExport.export(squeeze, 1000, Stem.STANDARD, 16, sd))
        .hasMessageContaining("input too small");

    Map<String, Tensor> mv3 = new LinkedHashMap<>(Safetensors.read(
        Resources.bytes("reference/models/mobilenet_v3_small.safetensors")).tensors());
    mv3.remove("features.4.block.1.1.running_var");
    assertThatThrownBy(() -> OnnxExport.export(Variant.named("mobilenet_v3_small"), 1000, Stem.STANDARD, 224, mv3))
        .hasMessage("Cannot export mobilenet_v3_small to ONNX: the weight map has no tensor "
            + "'features.4.block.1.1.running_var'");

    // another width's weights: the first tensor whose shape differs is named
    Map<String, Tensor> shuffle = Safetensors.read(
        Resources.bytes("reference/models/shufflenet_v2_x0_5.safetensors")).tensors();
    assertThatThrownBy(() -> OnnxExport.export(Variant.named("shufflenet_v2_x1_0"), 1000, Stem.STANDARD, 224,
        shuffle)).hasMessage("Cannot export shufflenet_v2_x1_0 to ONNX: 'stage2.0.branch1.2.weight' has shape "
            + "[24, 24, 1, 1], the architecture expects [58, 24, 1, 1]");
  }

  /** Loaded as scoring loads an ONNX model entry. */
  private static Model ortModel(String name, byte[] onnx) {
    return new ModelSource.Onnx(name).materialise(onnx, DeviceChoice.CPU, 1);
  }

  private static float[] logits(Model model, float[] x, int n, int size) {
    try (BatchScorer s = new BatchScorer(model)) {
      float[][] rows = s.logits(new TensorBatch(x, n, 3, size, size));
      int classes = rows[0].length;
      float[] flat = new float[n * classes];
      for (int i = 0; i < n; i++) {
        System.arraycopy(rows[i], 0, flat, i * classes, classes);
      }
      return flat;
    }
  }

  private static long[] shape(NodeInfo info) {
    return ((TensorInfo) info.getInfo()).getShape();
  }

  /**
   * The zoo's own tensor names and shapes (an unfolded network's state dict), filled with He-normal weights,
   * BatchNorm scales in [0.5, 1), variances in [0.5, 1.5) and small biases and means. Scales around 1 make the
   * deeper random networks expand (mobilenet_v3_large's logits reach ~4e3) and chaotic: there ONNX Runtime's own
   * optimisation levels disagree with each other by 1.6e-4, so nothing could be told apart at 1e-4. Below 1, every
   * engine and form agrees to ~5e-7.
   */
  static Map<String, Tensor> randomWeights(Variant v, int classes, Stem stem, int size, Random r) {
    Map<String, Tensor> shapes;
    try (ZooNet net = ZooNet.build(v, classes, size, stem, false)) {
      shapes = net.stateDict();
    }
    Map<String, Tensor> out = new LinkedHashMap<>();
    shapes.forEach((k, t) -> {
      long[] shape = t.shape();
      float[] d = new float[t.data().length];
      double fanIn = shape.length > 1 ? (double) d.length / shape[0] : 1;
      boolean scale = shape.length == 1 && (k.endsWith(".running_var") || k.endsWith(".weight"));
      for (int i = 0; i < d.length; i++) {
        d[i] = (float) (shape.length > 1 ? r.nextGaussian() * Math.sqrt(2 / fanIn)
            : scale ? (k.endsWith(".running_var") ? 0.5 + r.nextDouble() : 0.5 + 0.5 * r.nextDouble())
            : 0.1 * r.nextGaussian());
      }
      out.put(k, new Tensor(shape, d));
    });
    return out;
  }
}
