package io.litescore.zoo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.pooling.Pool;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Builds DJL blocks while recording which torchvision state-dict names each layer's weights have. One builder
 * makes one network, with BatchNorm either kept (training, export) or folded into convolutions (inference).
 */
final class NetBuilder {
  static final float BN_EPS = 1e-5f;

  private final boolean folded;
  private final List<WeightUnit> units = new ArrayList<>();

  NetBuilder(boolean folded) {
    this.folded = folded;
  }

  List<WeightUnit> units() {
    return units;
  }

  /** torchvision's {@code Conv2dNormActivation} at {@code key}: {@code key.0} conv (no bias), {@code key.1} BN. */
  Block convNormAct(String key, int out, int k, int stride, int groups, float eps, Act act) {
    return convBn(key + ".0", key + ".1", out, k, stride, (k - 1) / 2, groups, eps, act);
  }

  /** A bias-free conv at {@code convKey} followed by BatchNorm at {@code bnKey} and an activation. */
  Block convBn(String convKey, String bnKey, int out, int k, int stride, int padding, int groups, float eps,
      Act act) {
    Units.ConvBn u = new Units.ConvBn(convKey, bnKey, out, k, stride, padding, groups, false, eps, act, folded);
    units.add(u);
    return u.block();
  }

  /** A conv with bias and no BatchNorm (SqueezeNet, SE layers). */
  Block convBias(String key, int out, int k, int stride, int padding, Act act) {
    Units.ConvBn u = new Units.ConvBn(key, null, out, k, stride, padding, 1, true, 0f, act, folded);
    units.add(u);
    return u.block();
  }

  Block fc(String key, int out) {
    Units.Fc u = new Units.Fc(key, out);
    units.add(u);
    return u.block();
  }

  static Block seq(Block... blocks) {
    SequentialBlock s = new SequentialBlock();
    for (Block b : blocks) {
      if (b != null) {
        s.add(b);
      }
    }
    return s;
  }

  static Block dropout(float p) {
    return Dropout.builder().optRate(p).build();
  }

  static Block maxPool(int k, int stride, int padding, boolean ceil) {
    return new Op(new Layer.MaxPool(k, stride, padding, ceil), l -> new NDList(Pool.maxPool2d(l.singletonOrThrow(),
        new Shape(k, k), new Shape(stride, stride), new Shape(padding, padding), ceil)), "max_pool");
  }

  static Block avgPool(int k, int stride, int padding) {
    return new Op(new Layer.AvgPool(k, stride, padding), l -> new NDList(Pool.avgPool2d(l.singletonOrThrow(),
        new Shape(k, k), new Shape(stride, stride), new Shape(padding, padding), false, true)), "avg_pool");
  }

  /** Mean over H and W: {@code [N,C,H,W] -> [N,C]} (torchvision's adaptive average pool + flatten). */
  static Block globalAvgPool() {
    return new Op(new Layer.GlobalAvgPool(false),
        l -> new NDList(NDArrays.spatialMean(l.singletonOrThrow(), false)), "global_avg_pool");
  }

  /** {@code x + f(x)}. */
  static Block residual(Block body) {
    return new Join(Join.Kind.RESIDUAL,
        l -> new NDList(l.get(0).singletonOrThrow().add(l.get(1).singletonOrThrow())),
        List.of(Blocks.identityBlock(), body));
  }

  /** Channel concatenation of the branches' outputs, in order. */
  static Block concat(Block... branches) {
    return new Join(Join.Kind.CONCAT, l -> {
      NDList all = new NDList();
      l.forEach(all::addAll);
      return new NDList(NDArrays.concatChannels(all));
    }, List.of(branches));
  }

  /** {@code x * gate(x)}, the gate broadcast over H and W (squeeze-and-excitation). */
  static Block scaleBy(Block gate) {
    return new Join(Join.Kind.SCALE, l -> new NDList(l.get(0).singletonOrThrow().mul(l.get(1).singletonOrThrow())),
        List.of(Blocks.identityBlock(), gate));
  }

  /** Mean over H and W keeping them: {@code [N,C,H,W] -> [N,C,1,1]}. */
  static Block squeezeSpatial() {
    return new Op(new Layer.GlobalAvgPool(true),
        l -> new NDList(NDArrays.spatialMean(l.singletonOrThrow(), true)), "avg_pool_1x1");
  }

  /** ShuffleNet's channel shuffle: view as [N, g, C/g, H, W], swap the two channel axes, flatten back. */
  static Block channelShuffle(int groups) {
    return new Op(new Layer.ChannelShuffle(groups),
        l -> new NDList(NDArrays.shuffle(l.singletonOrThrow(), groups)), "channel_shuffle");
  }

  /** The first or second half of the channels. */
  static Block half(boolean second) {
    return new Op(new Layer.ChannelHalf(second), l -> {
      NDArray x = l.singletonOrThrow();
      return new NDList(x.split(2, 1).get(second ? 1 : 0));
    }, second ? "second_half" : "first_half");
  }

  static Block relu() {
    return Act.RELU.block();
  }

  /** A function block that says which {@link Layer} it computes. */
  static final class Op extends LambdaBlock implements Layers.Described {
    private final Layer layer;

    Op(Layer layer, Function<NDList, NDList> f, String name) {
      super(f, name);
      this.layer = layer;
    }

    @Override
    public Layer layer() {
      return layer;
    }
  }

  /** Branches on one input, joined: concatenated, or {@code x + f(x)} / {@code x * g(x)} (identity first). */
  static final class Join extends ParallelBlock implements Layers.Described {
    enum Kind { CONCAT, RESIDUAL, SCALE }

    private final Kind kind;

    Join(Kind kind, Function<List<NDList>, NDList> join, List<Block> branches) {
      super(join, branches);
      this.kind = kind;
    }

    @Override
    public Layer layer() {
      List<Block> branches = List.copyOf(getChildren().values());
      return switch (kind) {
        case CONCAT -> new Layer.Concat(branches.stream().map(Layers::read).toList());
        case RESIDUAL -> new Layer.Residual(Layers.read(branches.get(1)));
        case SCALE -> new Layer.Scale(Layers.read(branches.get(1)));
      };
    }
  }


  /** NDArray helpers without state. */
  static final class NDArrays {
    private NDArrays() {}

    static NDArray concatChannels(NDList parts) {
      NDArray out = parts.get(0);
      for (int i = 1; i < parts.size(); i++) {
        out = out.concat(parts.get(i), 1);
      }
      return out;
    }

    /** Mean over H and W ({@code [N,C,H,W] -> [N,C]} or {@code [N,C,1,1]}): libtorch reduces one axis here. */
    static NDArray spatialMean(NDArray x, boolean keep) {
      Shape s = x.getShape();
      NDArray m = x.reshape(s.get(0), s.get(1), -1).mean(new int[] {2});
      return keep ? m.reshape(s.get(0), s.get(1), 1, 1) : m;
    }

    static NDArray shuffle(NDArray x, int groups) {
      Shape s = x.getShape();
      long n = s.get(0);
      long c = s.get(1);
      long h = s.get(2);
      long w = s.get(3);
      return x.reshape(n, groups, c / groups, h, w).transpose(0, 2, 1, 3, 4).reshape(n, c, h, w);
    }
  }
}
