package io.litescore.zoo;

import ai.djl.nn.Block;
import io.litescore.image.Preprocessing;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One buildable model of the zoo, named as torchvision names its builder, with the metadata that belongs to the
 * model rather than to the job: the input size and preprocessing its weights expect, and its parameter count with
 * 1000 classes.
 *
 * @param name builder name, e.g. {@code mobilenet_v3_small}
 * @param family paper the architecture comes from
 * @param params parameters with 1000 classes (torchvision's figure where torchvision has the model)
 * @param preprocessing torchvision's eval transform for its ImageNet weights
 * @param description one line for {@code litescore zoo}
 */
public record Variant(String name, String family, long params, Preprocessing preprocessing, String description,
    Builder builder) {

  /** Builds the network's blocks with the given number of classes. */
  @FunctionalInterface
  public interface Builder {
    Block build(NetBuilder b, int classes, Stem stem);
  }

  Block build(NetBuilder b, int classes, Stem stem) {
    return builder.build(b, classes, stem);
  }

  /** Input side the weights were trained at. */
  public int inputSize() {
    return preprocessing.crop();
  }

  private static final Map<String, Variant> ALL = new LinkedHashMap<>();

  private static void add(String name, String family, long params, int resize, String description, Builder b) {
    ALL.put(name, new Variant(name, family, params, Preprocessing.imagenet(resize, 224), description, b));
  }

  static {
    add("squeezenet1_0", "SqueezeNet", 1_248_424, 256, "SqueezeNet 1.0: Fire modules, 7x7 stem",
        (b, c, s) -> Architectures.squeezeNet(b, true, c, s));
    add("squeezenet1_1", "SqueezeNet", 1_235_496, 256, "SqueezeNet 1.1: 3x3 stem, earlier pooling, 2.4x cheaper",
        (b, c, s) -> Architectures.squeezeNet(b, false, c, s));
    for (float a : new float[] {1.0f, 0.75f, 0.5f, 0.25f}) {
      String n = a == 1.0f ? "mobilenet_v1" : "mobilenet_v1_" + widthName(a);
      add(n, "MobileNetV1", a == 1.0f ? 4_231_976 : -1, 256,
          "MobileNetV1 alpha=" + a + ": depthwise-separable conv_bn/conv_dw stack",
          (b, c, s) -> Architectures.mobileNetV1(b, a, c, s));
    }
    for (float w : new float[] {1.0f, 0.75f, 0.5f, 0.35f}) {
      String n = w == 1.0f ? "mobilenet_v2" : "mobilenet_v2_" + widthName(w);
      add(n, "MobileNetV2", w == 1.0f ? 3_504_872 : -1, 256,
          "MobileNetV2 width=" + w + ": inverted residuals, linear bottlenecks, ReLU6",
          (b, c, s) -> Architectures.mobileNetV2(b, w, c, s));
    }
    add("mobilenet_v3_small", "MobileNetV3", 2_542_856, 256, "MobileNetV3-Small: SE blocks, hard-swish",
        (b, c, s) -> Architectures.mobileNetV3(b, false, 1.0f, c, s));
    add("mobilenet_v3_large", "MobileNetV3", 5_483_032, 232,
        "MobileNetV3-Large: SE blocks, hard-swish (torchvision V2 weights: resize 232)",
        (b, c, s) -> Architectures.mobileNetV3(b, true, 1.0f, c, s));
    for (int g : new int[] {1, 2, 3, 4, 8}) {
      for (float scale : new float[] {1.0f, 0.5f, 0.25f}) {
        String n = "shufflenet_v1_g" + g + (scale == 1.0f ? "" : "_x" + widthName(scale));
        add(n, "ShuffleNetV1", g == 3 && scale == 1.0f ? 1_870_000 : -1, 256,
            "ShuffleNetV1 g=" + g + " " + scale + "x: group conv + channel shuffle",
            (b, c, s) -> Architectures.shuffleNetV1(b, g, scale, c, s));
      }
    }
    String[] widths = {"0_5", "1_0", "1_5", "2_0"};
    long[] params = {1_366_792, 2_278_604, 3_503_624, 7_393_996};
    for (int i = 0; i < widths.length; i++) {
      int[] ch = Architectures.SHUFFLENET_V2_CHANNELS[i];
      add("shufflenet_v2_x" + widths[i], "ShuffleNetV2", params[i], 256,
          "ShuffleNetV2 " + widths[i].replace('_', '.') + "x: channel split + shuffle",
          (b, c, s) -> Architectures.shuffleNetV2(b, ch, c, s));
    }
  }

  private static String widthName(float w) {
    return String.format(Locale.ROOT, "%.2f", w).replaceAll("0+$", "").replace('.', '_').replaceAll("_$", "");
  }

  /** Every variant, in a stable order. */
  public static List<Variant> all() {
    return Collections.unmodifiableList(new ArrayList<>(ALL.values()));
  }

  /** The variant called {@code name}, or an error listing the valid names. */
  public static Variant named(String name) {
    Variant v = ALL.get(name);
    if (v == null) {
      throw new IllegalArgumentException("Cannot find architecture '" + name + "': expected one of "
          + String.join(", ", ALL.keySet()));
    }
    return v;
  }
}
