package io.litescore.zoo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.pytorch.jni.JniUtils;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Supplier;

/** Convolution (+ BatchNorm) (+ activation) and linear layers bound to torchvision parameter names. */
final class Units {
  private Units() {}

  static Tensor require(Map<String, Tensor> sd, String key, long... shape) {
    Tensor t = sd.get(key);
    if (t == null) {
      throw new IllegalArgumentException("Cannot load weights: the state dict has no tensor '" + key + "'");
    }
    if (!Arrays.equals(t.shape(), shape)) {
      throw new IllegalArgumentException("Cannot load weights: '" + key + "' has shape " + Arrays.toString(t.shape())
          + ", the architecture expects " + Arrays.toString(shape));
    }
    return t;
  }

  /**
   * Copies the weights into the parameter. Through an indexed put, with autograd off for the copy: DJL's
   * {@code NDArray.set(float[])} goes through a libtorch call that prints a deprecation warning to stderr.
   */
  static void set(Parameter p, Tensor t) {
    NDArray target = p.getArray();
    boolean grad = JniUtils.isGradMode();
    JniUtils.setGradMode(false);
    try (NDArray source = target.getManager().create(t.data(), target.getShape())) {
      target.set(new NDIndex("..."), source);
    } finally {
      JniUtils.setGradMode(grad);
    }
  }

  static Tensor get(Parameter p) {
    NDArray a = p.getArray();
    return new Tensor(a.getShape().getShape(), a.toFloatArray());
  }

  /**
   * {@code Conv2d(in, out, k, stride, padding, groups, bias)}, optionally followed by {@code BatchNorm2d(out, eps)}
   * (torchvision keys {@code convKey.weight}, {@code bnKey.weight/bias/running_mean/running_var}) and an
   * activation. Built "folded", the BatchNorm is merged into the convolution's weight and bias at load time.
   */
  static final class ConvBn implements WeightUnit {
    private final String convKey;
    private final String bnKey;
    private final boolean convBias;
    private final float eps;
    private final boolean folded;
    private final int out;
    private final int k;
    private final int groups;
    private final int stride;
    private final int padding;
    private final Act act;
    private final Conv2d conv;
    private final BatchNorm bn;
    private final Block block;
    private int in = -1;

    ConvBn(String convKey, String bnKey, int out, int k, int stride, int padding, int groups, boolean convBias,
        float eps, Act act, boolean folded) {
      this.convKey = convKey;
      this.bnKey = bnKey;
      this.convBias = convBias;
      this.eps = eps;
      this.folded = folded && bnKey != null;
      this.out = out;
      this.k = k;
      this.groups = groups;
      this.stride = stride;
      this.padding = padding;
      this.act = act;
      this.conv = Conv2d.builder()
          .setKernelShape(new Shape(k, k))
          .optStride(new Shape(stride, stride))
          .optPadding(new Shape(padding, padding))
          .setFilters(out)
          .optGroups(groups)
          .optBias(convBias || this.folded)
          .build();
      this.bn = bnKey != null && !this.folded
          ? BatchNorm.builder().optEpsilon(eps).optMomentum(0.9f).build()
          : null;
      SequentialBlock seq = new UnitBlock(this::layer).add(conv);
      if (bn != null) {
        seq.add(bn);
      }
      Block a = act.block();
      if (a != null) {
        seq.add(a);
      }
      this.block = seq;
    }

    Block block() {
      return block;
    }

    Layer layer() {
      return new Layer.Conv(convKey, bnKey, out, k, stride, padding, groups, convBias, eps, act);
    }

    private int inChannels() {
      if (in < 0) {
        in = (int) conv.getParameters().get("weight").getArray().getShape().get(1) * groups;
      }
      return in;
    }

    @Override
    public void load(Map<String, Tensor> sd) {
      int perGroup = inChannels() / groups;
      Tensor w = require(sd, convKey + ".weight", out, perGroup, k, k);
      Tensor b = convBias ? require(sd, convKey + ".bias", out) : null;
      if (bnKey == null) {
        set(conv.getParameters().get("weight"), w);
        if (b != null) {
          set(conv.getParameters().get("bias"), b);
        }
        return;
      }
      Tensor gamma = require(sd, bnKey + ".weight", out);
      Tensor beta = require(sd, bnKey + ".bias", out);
      Tensor mean = require(sd, bnKey + ".running_mean", out);
      Tensor var = require(sd, bnKey + ".running_var", out);
      if (!folded) {
        set(conv.getParameters().get("weight"), w);
        if (b != null) {
          set(conv.getParameters().get("bias"), b);
        }
        set(bn.getParameters().get("gamma"), gamma);
        set(bn.getParameters().get("beta"), beta);
        set(bn.getParameters().get("runningMean"), mean);
        set(bn.getParameters().get("runningVar"), var);
        return;
      }
      Tensor[] f = BnFolding.fold(w, b, gamma, beta, mean, var, eps);
      set(conv.getParameters().get("weight"), f[0]);
      set(conv.getParameters().get("bias"), f[1]);
    }

    @Override
    public void export(Map<String, Tensor> outMap) {
      if (folded) {
        throw new IllegalStateException("Cannot export weights of a network built with folded BatchNorm");
      }
      outMap.put(convKey + ".weight", get(conv.getParameters().get("weight")));
      if (convBias) {
        outMap.put(convKey + ".bias", get(conv.getParameters().get("bias")));
      }
      if (bn != null) {
        outMap.put(bnKey + ".weight", get(bn.getParameters().get("gamma")));
        outMap.put(bnKey + ".bias", get(bn.getParameters().get("beta")));
        outMap.put(bnKey + ".running_mean", get(bn.getParameters().get("runningMean")));
        outMap.put(bnKey + ".running_var", get(bn.getParameters().get("runningVar")));
      }
    }
  }

  /** {@code Linear(in, out)} with keys {@code key.weight} [out, in] and {@code key.bias}; flattens its input. */
  static final class Fc implements WeightUnit {
    private final String key;
    private final int out;
    private final Linear linear;
    private final Block block;

    Fc(String key, int out) {
      this.key = key;
      this.out = out;
      this.linear = Linear.builder().setUnits(out).build();
      this.block = new UnitBlock(() -> new Layer.Linear(key, out)).add(Blocks.batchFlattenBlock()).add(linear);
    }

    Block block() {
      return block;
    }

    @Override
    public void load(Map<String, Tensor> sd) {
      long in = linear.getParameters().get("weight").getArray().getShape().get(1);
      set(linear.getParameters().get("weight"), require(sd, key + ".weight", out, in));
      set(linear.getParameters().get("bias"), require(sd, key + ".bias", out));
    }

    @Override
    public void export(Map<String, Tensor> outMap) {
      outMap.put(key + ".weight", get(linear.getParameters().get("weight")));
      outMap.put(key + ".bias", get(linear.getParameters().get("bias")));
    }
  }

  /** A unit's blocks, which describe themselves as the unit's layer. */
  static final class UnitBlock extends SequentialBlock implements Layers.Described {
    private final Supplier<Layer> layer;

    UnitBlock(Supplier<Layer> layer) {
      this.layer = layer;
    }

    @Override
    public Layer layer() {
      return layer.get();
    }
  }
}
