package io.litescore.zoo.onnx;

import io.litescore.zoo.Act;
import io.litescore.zoo.BnFolding;
import io.litescore.zoo.Layer;
import io.litescore.zoo.Layers;
import io.litescore.zoo.Stem;
import io.litescore.zoo.Tensor;
import io.litescore.zoo.Variant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A zoo network with its torchvision-named weights as an ONNX model, for ONNX Runtime: the whole network as one
 * graph (ORT fuses and plans it; DJL blocks run op by op over JNI). Every BatchNorm is folded into the convolution
 * before it exactly as {@link BnFolding} folds it for the DJL zoo, so both compute the same function. Dropout is
 * left out (inference).
 *
 * <p>The graph: opset {@value #OPSET}, IR version {@value #IR_VERSION}; one float32 input {@value #INPUT}
 * {@code [batch, 3, size, size]} with a symbolic batch dimension, one float32 output {@value #OUTPUT}
 * {@code [batch, classes]}; weights as initializers named after the torchvision tensors they come from (a folded
 * conv's {@code .weight}/{@code .bias} hold the folded values). Operators: Conv, Relu, Clip (ReLU6), HardSigmoid,
 * HardSwish, MaxPool, AveragePool, GlobalAveragePool, Flatten, Gemm, Concat, Add, Mul, Split, Reshape, Transpose.
 * Every zoo variant is covered.
 */
public final class OnnxExport {
  public static final String INPUT = "input";
  public static final String OUTPUT = "logits";
  /** The symbolic name of the batch dimension of input and output. */
  public static final String BATCH = "batch";
  /** 14: the first opset with HardSwish; ONNX Runtime 1.21 runs up to 22. */
  public static final int OPSET = 14;
  /** ONNX 1.9's IR version, the one that came with opset 14. */
  public static final int IR_VERSION = 7;

  /** How MobileNetV3's hard-swish is written: one HardSwish node, or HardSigmoid then Mul (as torch 1.13 emits). */
  enum HardSwishForm { OPERATOR, COMPOSED }

  private OnnxExport() {}

  /**
   * The ONNX model bytes of {@code variant} with {@code classes} outputs and the given stem, for
   * {@code inputSize} x {@code inputSize} RGB inputs, with {@code weights} (torchvision's {@code state_dict()}
   * names, BatchNorm statistics included, as {@link io.litescore.zoo.Safetensors} reads them).
   *
   * @throws IllegalArgumentException naming the tensor, when a weight the architecture needs is missing or has the
   *     wrong shape, or when the input is too small for the network
   */
  public static byte[] export(Variant variant, int classes, Stem stem, int inputSize, Map<String, Tensor> weights) {
    return export(variant, classes, stem, inputSize, weights, HardSwishForm.OPERATOR);
  }

  static byte[] export(Variant variant, int classes, Stem stem, int inputSize, Map<String, Tensor> weights,
      HardSwishForm hardSwish) {
    if (classes < 1 || inputSize < 1) {
      throw new IllegalArgumentException("Cannot export " + variant.name() + " to ONNX: classes and input size must "
          + "be positive, got " + classes + " and " + inputSize);
    }
    Emitter e = new Emitter(variant.name(), weights, hardSwish);
    e.graph.input(INPUT, BATCH, 3, inputSize, inputSize);
    Value out = e.emit(Layers.describe(variant, classes, stem), new Value(INPUT, 3, inputSize, inputSize, false));
    if (!out.flat() || out.c() != classes) {
      throw new IllegalStateException("Cannot export " + variant.name() + " to ONNX: the network ends in "
          + out.shape() + ", not [batch, " + classes + "]");
    }
    e.graph.output(out.name(), OUTPUT, BATCH, classes);
    e.graph.metadata("litescore.arch", variant.name());
    e.graph.metadata("litescore.classes", Integer.toString(classes));
    e.graph.metadata("litescore.stem", stem.name());
    e.graph.metadata("litescore.input_size", Integer.toString(inputSize));
    e.graph.metadata("litescore.batchnorm", "folded");
    return e.graph.toModel(variant.name(), IR_VERSION, OPSET, "zoo-onnx/1");
  }

  /** A tensor of the graph being built: {@code [N, c, h, w]}, or {@code [N, c]} when {@code flat}. */
  private record Value(String name, int c, int h, int w, boolean flat) {
    String shape() {
      return flat ? "[batch, " + c + "]" : "[batch, " + c + ", " + h + ", " + w + "]";
    }
  }

  /** Walks a layer table, adding the nodes of each layer and checking every weight against the tensor it meets. */
  private static final class Emitter {
    final OnnxGraph graph = new OnnxGraph();
    private final String arch;
    private final Map<String, Tensor> weights;
    private final HardSwishForm hardSwish;
    /** Split outputs by input tensor: ShuffleNetV2's two channel halves come from one Split node. */
    private final Map<String, String[]> halves = new HashMap<>();

    Emitter(String arch, Map<String, Tensor> weights, HardSwishForm hardSwish) {
      this.arch = arch;
      this.weights = weights;
      this.hardSwish = hardSwish;
    }

    Value emit(Layer layer, Value x) {
      if (layer instanceof Layer.Seq s) {
        Value v = x;
        for (Layer l : s.layers()) {
          v = emit(l, v);
        }
        return v;
      }
      if (layer instanceof Layer.Conv c) {
        return conv(c, x);
      }
      if (layer instanceof Layer.Linear l) {
        return linear(l, x);
      }
      if (layer instanceof Layer.Activation a) {
        return act(a.act(), x, a.act().name().toLowerCase(java.util.Locale.ROOT));
      }
      if (layer instanceof Layer.MaxPool p) {
        image(x, "MaxPool");
        int h = outSize(x.h(), p.kernel(), p.stride(), p.padding(), p.ceil(), "MaxPool");
        int w = outSize(x.w(), p.kernel(), p.stride(), p.padding(), p.ceil(), "MaxPool");
        OnnxGraph.Node n = graph.node("MaxPool", "maxpool", List.of(x.name()), 1)
            .attr("kernel_shape", pair(p.kernel())).attr("strides", pair(p.stride())).attr("pads", quad(p.padding()));
        if (p.ceil()) {
          n.attr("ceil_mode", 1L);
        }
        return new Value(n.outputs[0], x.c(), h, w, false);
      }
      if (layer instanceof Layer.AvgPool p) {
        image(x, "AveragePool");
        int h = outSize(x.h(), p.kernel(), p.stride(), p.padding(), false, "AveragePool");
        int w = outSize(x.w(), p.kernel(), p.stride(), p.padding(), false, "AveragePool");
        OnnxGraph.Node n = graph.node("AveragePool", "avgpool", List.of(x.name()), 1)
            .attr("kernel_shape", pair(p.kernel())).attr("strides", pair(p.stride())).attr("pads", quad(p.padding()))
            .attr("count_include_pad", 1L);
        return new Value(n.outputs[0], x.c(), h, w, false);
      }
      if (layer instanceof Layer.GlobalAvgPool g) {
        image(x, "GlobalAveragePool");
        String pooled = graph.node("GlobalAveragePool", "gap", List.of(x.name()), 1).outputs[0];
        if (g.keepSpatial()) {
          return new Value(pooled, x.c(), 1, 1, false);
        }
        return new Value(graph.node("Flatten", "flatten", List.of(pooled), 1).attr("axis", 1L).outputs[0], x.c(), 1,
            1, true);
      }
      if (layer instanceof Layer.ChannelShuffle s) {
        return shuffle(s.groups(), x);
      }
      if (layer instanceof Layer.ChannelHalf half) {
        image(x, "channel split");
        if (x.c() % 2 != 0) {
          throw error("cannot split " + x.c() + " channels in halves");
        }
        String[] outs = halves.computeIfAbsent(x.name(),
            k -> graph.node("Split", "split", List.of(k), 2).attr("axis", 1L).outputs);
        return new Value(outs[half.second() ? 1 : 0], x.c() / 2, x.h(), x.w(), false);
      }
      if (layer instanceof Layer.Concat c) {
        return concat(c, x);
      }
      if (layer instanceof Layer.Residual r) {
        Value y = emit(r.body(), x);
        if (!y.shape().equals(x.shape())) {
          throw error("a residual body maps " + x.shape() + " to " + y.shape());
        }
        return new Value(graph.node("Add", "add", List.of(x.name(), y.name()), 1).outputs[0], x.c(), x.h(), x.w(),
            x.flat());
      }
      if (layer instanceof Layer.Scale s) {
        image(x, "squeeze-excitation");
        Value g = emit(s.gate(), x);
        if (g.flat() || g.c() != x.c() || g.h() != 1 || g.w() != 1) {
          throw error("a gate for " + x.shape() + " gives " + g.shape());
        }
        return new Value(graph.node("Mul", "se_scale", List.of(x.name(), g.name()), 1).outputs[0], x.c(), x.h(),
            x.w(), false);
      }
      throw new IllegalStateException("Cannot export " + arch + " to ONNX: no ONNX form for layer " + layer);
    }

    private Value conv(Layer.Conv c, Value x) {
      image(x, "Conv " + c.key());
      if (x.c() % c.groups() != 0 || c.out() % c.groups() != 0) {
        throw error("Conv " + c.key() + " has " + c.groups() + " groups for " + x.c() + " -> " + c.out()
            + " channels");
      }
      Tensor w = require(c.key() + ".weight", c.out(), x.c() / c.groups(), c.kernel(), c.kernel());
      Tensor b = c.bias() ? require(c.key() + ".bias", c.out()) : null;
      if (c.bnKey() != null) {
        Tensor[] folded = BnFolding.fold(w, b, require(c.bnKey() + ".weight", c.out()),
            require(c.bnKey() + ".bias", c.out()), require(c.bnKey() + ".running_mean", c.out()),
            require(c.bnKey() + ".running_var", c.out()), c.eps());
        w = folded[0];
        b = folded[1];
      }
      List<String> inputs = new ArrayList<>(List.of(x.name(), graph.floats(c.key() + ".weight", w.shape(), w.data())));
      if (b != null) {
        inputs.add(graph.floats(c.key() + ".bias", b.shape(), b.data()));
      }
      int h = outSize(x.h(), c.kernel(), c.stride(), c.padding(), false, "Conv " + c.key());
      int wd = outSize(x.w(), c.kernel(), c.stride(), c.padding(), false, "Conv " + c.key());
      OnnxGraph.Node n = graph.node("Conv", c.key(), inputs, 1)
          .attr("kernel_shape", pair(c.kernel())).attr("strides", pair(c.stride())).attr("pads", quad(c.padding()))
          .attr("dilations", pair(1)).attr("group", (long) c.groups());
      return act(c.act(), new Value(n.outputs[0], c.out(), h, wd, false), c.key() + "/" + c.act().name()
          .toLowerCase(java.util.Locale.ROOT));
    }

    private Value linear(Layer.Linear l, Value x) {
      Value in = x;
      if (!x.flat()) {
        in = new Value(graph.node("Flatten", l.key() + "/flatten", List.of(x.name()), 1).attr("axis", 1L).outputs[0],
            x.c() * x.h() * x.w(), 1, 1, true);
      }
      Tensor w = require(l.key() + ".weight", l.out(), in.c());
      Tensor b = require(l.key() + ".bias", l.out());
      OnnxGraph.Node n = graph.node("Gemm", l.key(), List.of(in.name(),
          graph.floats(l.key() + ".weight", w.shape(), w.data()), graph.floats(l.key() + ".bias", b.shape(), b.data())),
          1).attr("transB", 1L);
      return new Value(n.outputs[0], l.out(), 1, 1, true);
    }

    private Value act(Act act, Value x, String name) {
      List<String> in = List.of(x.name());
      String out = switch (act) {
        case NONE -> x.name();
        case RELU -> graph.node("Relu", name, in, 1).outputs[0];
        case RELU6 -> graph.node("Clip", name, List.of(x.name(), graph.scalar("relu6.min", 0f),
            graph.scalar("relu6.max", 6f)), 1).outputs[0];
        case HARDSIGMOID -> hardSigmoid(name, x.name());
        case HARDSWISH -> hardSwish == HardSwishForm.OPERATOR
            ? graph.node("HardSwish", name, in, 1).outputs[0]
            : graph.node("Mul", name, List.of(x.name(), hardSigmoid(name + "/gate", x.name())), 1).outputs[0];
      };
      return new Value(out, x.c(), x.h(), x.w(), x.flat());
    }

    /** PyTorch's {@code relu6(x + 3) / 6} is ONNX's {@code max(0, min(1, x / 6 + 0.5))}. */
    private String hardSigmoid(String name, String x) {
      return graph.node("HardSigmoid", name, List.of(x), 1).attr("alpha", 1f / 6).attr("beta", 0.5f).outputs[0];
    }

    /** View as {@code [N, g, C/g, H*W]}, swap axes 1 and 2, view as {@code [N, C, H, W]} (0 keeps the batch). */
    private Value shuffle(int groups, Value x) {
      image(x, "channel shuffle");
      if (x.c() % groups != 0) {
        throw error("cannot shuffle " + x.c() + " channels in " + groups + " groups");
      }
      long[] grouped = {0, groups, x.c() / groups, (long) x.h() * x.w()};
      long[] back = {0, x.c(), x.h(), x.w()};
      String r1 = graph.node("Reshape", "shuffle/reshape", List.of(x.name(),
          graph.int64s("shape" + Arrays.toString(grouped), grouped)), 1).outputs[0];
      String t = graph.node("Transpose", "shuffle/transpose", List.of(r1), 1).attr("perm", new long[] {0, 2, 1, 3})
          .outputs[0];
      String r2 = graph.node("Reshape", "shuffle/reshape", List.of(t, graph.int64s("shape" + Arrays.toString(back),
          back)), 1).outputs[0];
      return new Value(r2, x.c(), x.h(), x.w(), false);
    }

    private Value concat(Layer.Concat c, Value x) {
      List<String> names = new ArrayList<>();
      int channels = 0;
      Value first = null;
      for (Layer branch : c.branches()) {
        Value y = emit(branch, x);
        if (first != null && (y.flat() || y.h() != first.h() || y.w() != first.w())) {
          throw error("cannot concatenate " + first.shape() + " and " + y.shape());
        }
        first = first == null ? y : first;
        names.add(y.name());
        channels += y.c();
      }
      if (first == null) {
        throw error("a concatenation without branches");
      }
      image(first, "Concat");
      return new Value(graph.node("Concat", "concat", names, 1).attr("axis", 1L).outputs[0], channels, first.h(),
          first.w(), false);
    }

    /** PyTorch's output size; in ceil mode the last window must start inside the input (or its left padding). */
    private int outSize(int in, int k, int stride, int pad, boolean ceil, String what) {
      int span = in + 2 * pad - k;
      if (span < 0) {
        throw error(what + " needs at least " + (k - 2 * pad) + " px, the feature map here has " + in
            + " (input too small)");
      }
      int out = (ceil ? (span + stride - 1) / stride : span / stride) + 1;
      if (ceil && (out - 1) * stride >= in + pad) {
        out--;
      }
      return out;
    }

    private void image(Value x, String what) {
      if (x.flat()) {
        throw error(what + " needs [batch, C, H, W], got " + x.shape());
      }
    }

    private Tensor require(String key, long... shape) {
      Tensor t = weights.get(key);
      if (t == null) {
        throw new IllegalArgumentException("Cannot export " + arch + " to ONNX: the weight map has no tensor '" + key
            + "'");
      }
      if (!Arrays.equals(t.shape(), shape)) {
        throw new IllegalArgumentException("Cannot export " + arch + " to ONNX: '" + key + "' has shape "
            + Arrays.toString(t.shape()) + ", the architecture expects " + Arrays.toString(shape));
      }
      return t;
    }

    private IllegalArgumentException error(String message) {
      return new IllegalArgumentException("Cannot export " + arch + " to ONNX: " + message);
    }

    private static long[] pair(int v) {
      return new long[] {v, v};
    }

    private static long[] quad(int v) {
      return new long[] {v, v, v, v};
    }
  }
}
