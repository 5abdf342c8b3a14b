package io.litescore.zoo;

import static org.assertj.core.api.Assertions.assertThat;

import io.litescore.runtime.TorchRuntime;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The layer table read back from the blocks names every weight of the network, once. */
class LayersTest {
  @BeforeAll
  static void engine() {
    TorchRuntime.start(1);
  }

  @Test
  void everyVariantsLayerTableUsesExactlyItsStateDict() {
    for (Variant v : Variant.all()) {
      for (Stem stem : Stem.values()) {
        List<String> used = new java.util.ArrayList<>();
        collect(Layers.describe(v, 10, stem), used);
        Set<String> keys;
        try (ZooNet net = ZooNet.build(v, 10, 64, stem, false)) {
          keys = net.stateDict().keySet();
        }
        assertThat(new HashSet<>(used)).as(v.name() + " " + stem).hasSameSizeAs(used).isEqualTo(keys);
      }
    }
  }

  @Test
  void layersSayWhatTheBlocksCompute() {
    Layer.Seq net = (Layer.Seq) Layers.describe(Variant.named("mobilenet_v3_small"), 1000, Stem.STANDARD);
    Layer.Seq features = (Layer.Seq) net.layers().get(0);
    assertThat(features.layers().get(0)).isEqualTo(new Layer.Conv("features.0.0", "features.0.1", 16, 3, 2, 1, 1,
        false, 0.001f, Act.HARDSWISH));
    // first bneck: depthwise 3x3/2, SE (squeeze 8), linear 1x1 projection; no residual (stride 2)
    Layer.Seq block1 = (Layer.Seq) features.layers().get(1);
    assertThat(block1.layers()).hasSize(3);
    Layer.Scale se = (Layer.Scale) block1.layers().get(1);
    assertThat(se.gate()).isEqualTo(new Layer.Seq(List.of(new Layer.GlobalAvgPool(true),
        new Layer.Conv("features.1.block.1.fc1", null, 8, 1, 1, 0, 1, true, 0f, Act.RELU),
        new Layer.Conv("features.1.block.1.fc2", null, 16, 1, 1, 0, 1, true, 0f, Act.HARDSIGMOID))));
    assertThat(features.layers().get(2)).isInstanceOf(Layer.Seq.class);
    assertThat(features.layers().get(3)).isInstanceOf(Layer.Residual.class);
    // head: pool, fc, hard-swish, (dropout left out), fc
    assertThat(net.layers().subList(1, 5)).containsExactly(new Layer.GlobalAvgPool(false),
        new Layer.Linear("classifier.0", 1024), new Layer.Activation(Act.HARDSWISH),
        new Layer.Linear("classifier.3", 1000));

    Layer.Seq top = (Layer.Seq) Layers.describe(Variant.named("shufflenet_v2_x0_5"), 1000, Stem.STANDARD);
    assertThat(top.layers().subList(1, 3)).containsExactly(new Layer.GlobalAvgPool(false),
        new Layer.Linear("fc", 1000));
    Layer.Seq shuffle = (Layer.Seq) top.layers().get(0);
    assertThat(shuffle.layers().get(0)).isEqualTo(new Layer.Conv("conv1.0", "conv1.1", 24, 3, 2, 1, 1, false, 1e-5f,
        Act.RELU));
    assertThat(shuffle.layers().get(1)).isEqualTo(new Layer.MaxPool(3, 2, 1, false));
    Layer.Seq unit = (Layer.Seq) shuffle.layers().get(3); // stage2.1, stride 1: halves, shuffle
    Layer.Concat split = (Layer.Concat) unit.layers().get(0);
    assertThat(split.branches().get(0)).isEqualTo(new Layer.ChannelHalf(false));
    assertThat(((Layer.Seq) split.branches().get(1)).layers().get(0)).isEqualTo(new Layer.ChannelHalf(true));
    assertThat(unit.layers().get(1)).isEqualTo(new Layer.ChannelShuffle(2));
  }

  private static void collect(Layer layer, List<String> out) {
    if (layer instanceof Layer.Conv c) {
      out.add(c.key() + ".weight");
      if (c.bias()) {
        out.add(c.key() + ".bias");
      }
      if (c.bnKey() != null) {
        for (String s : new String[] {".weight", ".bias", ".running_mean", ".running_var"}) {
          out.add(c.bnKey() + s);
        }
      }
    } else if (layer instanceof Layer.Linear l) {
      out.add(l.key() + ".weight");
      out.add(l.key() + ".bias");
    } else if (layer instanceof Layer.Seq s) {
      s.layers().forEach(l -> collect(l, out));
    } else if (layer instanceof Layer.Concat c) {
      c.branches().forEach(l -> collect(l, out));
    } else if (layer instanceof Layer.Residual r) {
      collect(r.body(), out);
    } else if (layer instanceof Layer.Scale s) {
      collect(s.gate(), out);
    }
  }
}
