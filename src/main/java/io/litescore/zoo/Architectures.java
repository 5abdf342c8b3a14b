package io.litescore.zoo;

import static io.litescore.zoo.NetBuilder.avgPool;
import static io.litescore.zoo.NetBuilder.channelShuffle;
import static io.litescore.zoo.NetBuilder.concat;
import static io.litescore.zoo.NetBuilder.dropout;
import static io.litescore.zoo.NetBuilder.globalAvgPool;
import static io.litescore.zoo.NetBuilder.half;
import static io.litescore.zoo.NetBuilder.maxPool;
import static io.litescore.zoo.NetBuilder.relu;
import static io.litescore.zoo.NetBuilder.residual;
import static io.litescore.zoo.NetBuilder.scaleBy;
import static io.litescore.zoo.NetBuilder.seq;
import static io.litescore.zoo.NetBuilder.squeezeSpatial;

import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;

/**
 * The seed architectures as DJL blocks, each driven by a config table in torchvision's style. State-dict names
 * follow torchvision (SqueezeNet, MobileNetV2/V3, ShuffleNetV2) or, for the architectures torchvision lacks, the
 * papers' usual PyTorch layout (MobileNetV1: {@code features.i}; ShuffleNetV1: {@code stageN.i.*}).
 */
final class Architectures {
  private Architectures() {}

  // ---------------------------------------------------------------- SqueezeNet (Iandola et al. 2016)
  /** features after the stem: {squeeze, expand1x1, expand3x3}, or {0} for a ceil-mode 3x3/2 max-pool. */
  static final int[][] SQUEEZENET_1_0 = {
    {16, 64, 64}, {16, 64, 64}, {32, 128, 128}, {0}, {32, 128, 128}, {48, 192, 192}, {48, 192, 192},
    {64, 256, 256}, {0}, {64, 256, 256},
  };
  static final int[][] SQUEEZENET_1_1 = {
    {16, 64, 64}, {16, 64, 64}, {0}, {32, 128, 128}, {32, 128, 128}, {0}, {48, 192, 192}, {48, 192, 192},
    {64, 256, 256}, {64, 256, 256},
  };

  static Block squeezeNet(NetBuilder b, boolean v10, int classes, Stem stem) {
    SequentialBlock features = new SequentialBlock();
    features.add(v10 ? b.convBias("features.0", 96, 7, stem.stride(), 0, Act.RELU)
        : b.convBias("features.0", 64, 3, stem.stride(), 0, Act.RELU));
    if (stem.keepsMaxPool()) {
      features.add(maxPool(3, 2, 0, true));
    }
    int index = 3;
    for (int[] row : v10 ? SQUEEZENET_1_0 : SQUEEZENET_1_1) {
      String k = "features." + index++;
      features.add(row.length == 1 ? maxPool(3, 2, 0, true) : seq(
          b.convBias(k + ".squeeze", row[0], 1, 1, 0, Act.RELU),
          concat(b.convBias(k + ".expand1x1", row[1], 1, 1, 0, Act.RELU),
              b.convBias(k + ".expand3x3", row[2], 3, 1, 1, Act.RELU))));
    }
    return seq(features, dropout(0.5f), b.convBias("classifier.1", classes, 1, 1, 0, Act.RELU), globalAvgPool());
  }

  // ---------------------------------------------------------------- MobileNetV1 (Howard et al. 2017)
  /** conv_dw rows after the 32-channel stem: {output channels, stride}. */
  static final int[][] MOBILENET_V1 = {
    {64, 1}, {128, 2}, {128, 1}, {256, 2}, {256, 1}, {512, 2}, {512, 1}, {512, 1}, {512, 1}, {512, 1}, {512, 1},
    {1024, 2}, {1024, 1},
  };

  static Block mobileNetV1(NetBuilder b, float alpha, int classes, Stem stem) {
    SequentialBlock features = new SequentialBlock();
    int in = Math.max(8, (int) (32 * alpha));
    features.add(b.convBn("features.0.0", "features.0.1", in, 3, stem.stride(), 1, 1, NetBuilder.BN_EPS, Act.RELU));
    int i = 1;
    for (int[] row : MOBILENET_V1) {
      int out = Math.max(8, (int) (row[0] * alpha));
      String k = "features." + i++;
      features.add(seq(
          b.convBn(k + ".0", k + ".1", in, 3, row[1], 1, in, NetBuilder.BN_EPS, Act.RELU),
          b.convBn(k + ".3", k + ".4", out, 1, 1, 0, 1, NetBuilder.BN_EPS, Act.RELU)));
      in = out;
    }
    return seq(features, globalAvgPool(), b.fc("fc", classes));
  }

  // ---------------------------------------------------------------- MobileNetV2 (Sandler et al. 2018)
  /** Inverted residual rows: t (expansion), c (output channels), n (repeats), s (first stride). */
  static final int[][] MOBILENET_V2 = {
    {1, 16, 1, 1}, {6, 24, 2, 2}, {6, 32, 3, 2}, {6, 64, 4, 2}, {6, 96, 3, 1}, {6, 160, 3, 2}, {6, 320, 1, 1},
  };

  /** torchvision's {@code _make_divisible}: round to a multiple of {@code divisor}, never below 90% of v. */
  static int makeDivisible(double v, int divisor) {
    int newV = Math.max(divisor, (int) (v + divisor / 2.0) / divisor * divisor);
    if (newV < 0.9 * v) {
      newV += divisor;
    }
    return newV;
  }

  static Block mobileNetV2(NetBuilder b, float width, int classes, Stem stem) {
    int round = 8;
    int in = makeDivisible(32 * width, round);
    int last = makeDivisible(1280 * Math.max(1.0f, width), round);
    SequentialBlock features = new SequentialBlock();
    features.add(b.convNormAct("features.0", in, 3, stem.stride(), 1, NetBuilder.BN_EPS, Act.RELU6));
    int index = 1;
    for (int[] row : MOBILENET_V2) {
      int out = makeDivisible(row[1] * width, round);
      for (int r = 0; r < row[2]; r++) {
        int stride = r == 0 ? row[3] : 1;
        String k = "features." + index++ + ".conv.";
        int hidden = Math.round(in * (float) row[0]);
        SequentialBlock body = new SequentialBlock();
        int layer = 0;
        if (row[0] != 1) {
          body.add(b.convNormAct(k + layer++, hidden, 1, 1, 1, NetBuilder.BN_EPS, Act.RELU6));
        }
        body.add(b.convNormAct(k + layer++, hidden, 3, stride, hidden, NetBuilder.BN_EPS, Act.RELU6));
        body.add(b.convBn(k + layer, k + (layer + 1), out, 1, 1, 0, 1, NetBuilder.BN_EPS, Act.NONE));
        features.add(stride == 1 && in == out ? residual(body) : body);
        in = out;
      }
    }
    features.add(b.convNormAct("features." + index, last, 1, 1, 1, NetBuilder.BN_EPS, Act.RELU6));
    return seq(features, globalAvgPool(), dropout(0.2f), b.fc("classifier.1", classes));
  }

  // ---------------------------------------------------------------- MobileNetV3 (Howard et al. 2019)
  /** Bneck rows: in, kernel, expanded, out, SE (1/0), hardswish (1) or ReLU (0), stride. */
  static final int[][] MOBILENET_V3_LARGE = {
    {16, 3, 16, 16, 0, 0, 1}, {16, 3, 64, 24, 0, 0, 2}, {24, 3, 72, 24, 0, 0, 1}, {24, 5, 72, 40, 1, 0, 2},
    {40, 5, 120, 40, 1, 0, 1}, {40, 5, 120, 40, 1, 0, 1}, {40, 3, 240, 80, 0, 1, 2}, {80, 3, 200, 80, 0, 1, 1},
    {80, 3, 184, 80, 0, 1, 1}, {80, 3, 184, 80, 0, 1, 1}, {80, 3, 480, 112, 1, 1, 1}, {112, 3, 672, 112, 1, 1, 1},
    {112, 5, 672, 160, 1, 1, 2}, {160, 5, 960, 160, 1, 1, 1}, {160, 5, 960, 160, 1, 1, 1},
  };
  static final int[][] MOBILENET_V3_SMALL = {
    {16, 3, 16, 16, 1, 0, 2}, {16, 3, 72, 24, 0, 0, 2}, {24, 3, 88, 24, 0, 0, 1}, {24, 5, 96, 40, 1, 1, 2},
    {40, 5, 240, 40, 1, 1, 1}, {40, 5, 240, 40, 1, 1, 1}, {40, 5, 120, 48, 1, 1, 1}, {48, 5, 144, 48, 1, 1, 1},
    {48, 5, 288, 96, 1, 1, 2}, {96, 5, 576, 96, 1, 1, 1}, {96, 5, 576, 96, 1, 1, 1},
  };
  static final float BN_EPS_V3 = 0.001f;

  static Block mobileNetV3(NetBuilder b, boolean large, float width, int classes, Stem stem) {
    int[][] rows = large ? MOBILENET_V3_LARGE : MOBILENET_V3_SMALL;
    int lastChannel = makeDivisible((large ? 1280 : 1024) * width, 8);
    SequentialBlock features = new SequentialBlock();
    int first = makeDivisible(rows[0][0] * width, 8);
    features.add(b.convNormAct("features.0", first, 3, stem.stride(), 1, BN_EPS_V3, Act.HARDSWISH));
    int index = 1;
    int out = first;
    for (int[] row : rows) {
      int in = makeDivisible(row[0] * width, 8);
      int expanded = makeDivisible(row[2] * width, 8);
      out = makeDivisible(row[3] * width, 8);
      Act act = row[5] == 1 ? Act.HARDSWISH : Act.RELU;
      String k = "features." + index++ + ".block.";
      SequentialBlock body = new SequentialBlock();
      int layer = 0;
      if (expanded != in) {
        body.add(b.convNormAct(k + layer++, expanded, 1, 1, 1, BN_EPS_V3, act));
      }
      body.add(b.convNormAct(k + layer++, expanded, row[1], row[6], expanded, BN_EPS_V3, act));
      if (row[4] == 1) {
        int squeeze = makeDivisible(expanded / 4, 8);
        String se = k + layer++;
        body.add(scaleBy(seq(squeezeSpatial(), b.convBias(se + ".fc1", squeeze, 1, 1, 0, Act.RELU),
            b.convBias(se + ".fc2", expanded, 1, 1, 0, Act.HARDSIGMOID))));
      }
      body.add(b.convNormAct(k + layer, out, 1, 1, 1, BN_EPS_V3, Act.NONE));
      features.add(row[6] == 1 && in == out ? residual(body) : body);
    }
    features.add(b.convNormAct("features." + index, 6 * out, 1, 1, 1, BN_EPS_V3, Act.HARDSWISH));
    return seq(features, globalAvgPool(), b.fc("classifier.0", lastChannel), Act.HARDSWISH.block(),
        dropout(0.2f), b.fc("classifier.3", classes));
  }

  // ---------------------------------------------------------------- ShuffleNetV2 (Ma et al. 2018)
  static final int[] SHUFFLENET_V2_REPEATS = {4, 8, 4};
  /** Output channels of conv1, stage2, stage3, stage4, conv5 per width. */
  static final int[][] SHUFFLENET_V2_CHANNELS = {
    {24, 48, 96, 192, 1024}, {24, 116, 232, 464, 1024}, {24, 176, 352, 704, 1024}, {24, 244, 488, 976, 2048},
  };

  static Block shuffleNetV2(NetBuilder b, int[] channels, int classes, Stem stem) {
    SequentialBlock net = new SequentialBlock();
    net.add(b.convBn("conv1.0", "conv1.1", channels[0], 3, stem.stride(), 1, 1, NetBuilder.BN_EPS, Act.RELU));
    if (stem.keepsMaxPool()) {
      net.add(maxPool(3, 2, 1, false));
    }
    int in = channels[0];
    for (int s = 0; s < 3; s++) {
      int out = channels[s + 1];
      for (int i = 0; i < SHUFFLENET_V2_REPEATS[s]; i++) {
        net.add(shuffleV2Unit(b, "stage" + (s + 2) + "." + i, in, out, i == 0 ? 2 : 1));
        in = out;
      }
    }
    net.add(b.convBn("conv5.0", "conv5.1", channels[4], 1, 1, 0, 1, NetBuilder.BN_EPS, Act.RELU));
    return seq(net, globalAvgPool(), b.fc("fc", classes));
  }

  private static Block shuffleV2Unit(NetBuilder b, String k, int in, int out, int stride) {
    int half = out / 2;
    float eps = NetBuilder.BN_EPS;
    Block branch2 = seq(
        b.convBn(k + ".branch2.0", k + ".branch2.1", half, 1, 1, 0, 1, eps, Act.RELU),
        b.convBn(k + ".branch2.3", k + ".branch2.4", half, 3, stride, 1, half, eps, Act.NONE),
        b.convBn(k + ".branch2.5", k + ".branch2.6", half, 1, 1, 0, 1, eps, Act.RELU));
    if (stride == 1) {
      return seq(concat(half(false), seq(half(true), branch2)), channelShuffle(2));
    }
    Block branch1 = seq(
        b.convBn(k + ".branch1.0", k + ".branch1.1", in, 3, stride, 1, in, eps, Act.NONE),
        b.convBn(k + ".branch1.2", k + ".branch1.3", half, 1, 1, 0, 1, eps, Act.RELU));
    return seq(concat(branch1, branch2), channelShuffle(2));
  }

  // ---------------------------------------------------------------- ShuffleNetV1 (Zhang et al. 2018)
  static final int[] SHUFFLENET_V1_REPEATS = {4, 8, 4};

  /** Output channels of stages 2-4 at scale 1x, by number of groups (paper, Table 1). */
  static int[] shuffleNetV1Channels(int groups) {
    return switch (groups) {
      case 1 -> new int[] {144, 288, 576};
      case 2 -> new int[] {200, 400, 800};
      case 3 -> new int[] {240, 480, 960};
      case 4 -> new int[] {272, 544, 1088};
      case 8 -> new int[] {384, 768, 1536};
      default -> throw new IllegalArgumentException("Cannot build ShuffleNetV1: groups must be 1, 2, 3, 4 or 8, got "
          + groups);
    };
  }

  static Block shuffleNetV1(NetBuilder b, int groups, float scale, int classes, Stem stem) {
    int[] base = shuffleNetV1Channels(groups);
    SequentialBlock net = new SequentialBlock();
    int in = 24;
    net.add(b.convBn("conv1.0", "conv1.1", in, 3, stem.stride(), 1, 1, NetBuilder.BN_EPS, Act.RELU));
    if (stem.keepsMaxPool()) {
      net.add(maxPool(3, 2, 1, false));
    }
    for (int s = 0; s < 3; s++) {
      // channels must split evenly into groups at every 1x1 group conv: round to a multiple of 4 * groups
      int out = Math.max(4 * groups, Math.round(base[s] * scale / (4 * groups)) * 4 * groups);
      for (int i = 0; i < SHUFFLENET_V1_REPEATS[s]; i++) {
        boolean first = i == 0;
        net.add(shuffleV1Unit(b, "stage" + (s + 2) + "." + i, in, out, first ? 2 : 1, groups, !(s == 0 && first)));
        in = out;
      }
    }
    return seq(net, globalAvgPool(), b.fc("fc", classes));
  }

  private static Block shuffleV1Unit(NetBuilder b, String k, int in, int out, int stride, int groups,
      boolean groupedFirst) {
    int mid = out / 4;
    int branchOut = stride == 2 ? out - in : out;
    float eps = NetBuilder.BN_EPS;
    Block branch = seq(
        b.convBn(k + ".gconv1.0", k + ".gconv1.1", mid, 1, 1, 0, groupedFirst ? groups : 1, eps, Act.RELU),
        groups > 1 ? channelShuffle(groups) : null,
        b.convBn(k + ".dwconv.0", k + ".dwconv.1", mid, 3, stride, 1, mid, eps, Act.NONE),
        b.convBn(k + ".gconv2.0", k + ".gconv2.1", branchOut, 1, 1, 0, groups, eps, Act.NONE));
    if (stride == 1) {
      return seq(residual(branch), relu());
    }
    return seq(concat(avgPool(3, 2, 1), branch), relu());
  }
}
