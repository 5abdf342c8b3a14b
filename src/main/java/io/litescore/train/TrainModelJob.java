package io.litescore.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.litescore.image.Preprocessing;
import io.litescore.metrics.TopK;
import io.litescore.runtime.TorchRuntime;
import io.litescore.zoo.ModelCard;
import io.litescore.zoo.Safetensors;
import io.litescore.zoo.Stem;
import io.litescore.zoo.Variant;
import io.litescore.zoo.ZooNet;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * {@code litescore train}: trains a zoo architecture on an ImageFolder dataset with DJL's training API on CPU and
 * writes {@code weights.safetensors} (torchvision names) and {@code model.json} to the output folder, which
 * {@code score} accepts as an {@code artifact} model entry.
 */
public final class TrainModelJob {
  /** Everything {@code train} takes; see {@code jobs/litescore train --help}. */
  public record Options(String arch, String data, String output, int epochs, int batchSize, double lr,
      String optimizer, double weightDecay, int inputSize, int resize, Stem stem, double valSplit, int pad,
      float[] mean, float[] std, long seed, int threads, int maxImages) {}

  /** What was written and how the model did on the validation split. */
  public record Result(ModelCard card, String output) {}

  private final Options o;
  private final PrintStream out;

  public TrainModelJob(Options options, PrintStream out) {
    this.o = options;
    this.out = out;
  }

  public Result run() throws IOException {
    Variant variant = Variant.named(o.arch());
    TorchRuntime.start(o.threads());
    // the seed fixes the weights' initialisation too, not only the split and the batch order
    ai.djl.engine.Engine.getEngine("PyTorch").setRandomSeed((int) o.seed());
    Preprocessing pre = new Preprocessing(o.resize(), o.inputSize(), o.mean(), o.std());
    long t0 = System.nanoTime();
    out.printf("Reading %s (%s)...%n", o.data(), pre);
    LabelledImages data = LabelledImages.load(o.data(), pre, o.threads(), o.maxImages(), null, out);
    out.printf("%d images in %d classes %s, decoded in %.1f s%s%n", data.count(), data.classes().size(),
        data.classes(), (System.nanoTime() - t0) / 1e9,
        data.skipped() > 0 ? " (" + data.skipped() + " unreadable, skipped)" : "");

    int[] order = shuffled(data.count(), new Random(o.seed()));
    int valCount = (int) Math.round(data.count() * o.valSplit());
    int[] val = java.util.Arrays.copyOfRange(order, 0, valCount);
    int[] train = java.util.Arrays.copyOfRange(order, valCount, order.length);
    if (train.length == 0) {
      throw new IllegalArgumentException("Cannot train: no training images left after a validation split of "
          + o.valSplit());
    }

    int classes = data.classes().size();
    int steps = o.epochs() * ((train.length + o.batchSize() - 1) / o.batchSize());
    Tracker lr = Tracker.warmUp().optWarmUpSteps(Math.min(steps / 10, 500)).optWarmUpBeginValue(0f)
        .setMainTracker(Tracker.cosine().setBaseValue((float) o.lr()).optFinalValue(0f).setMaxUpdates(steps)
            .build()).build();
    Optimizer opt = o.optimizer().equals("adam")
        ? Optimizer.adam().optLearningRateTracker(lr).optWeightDecays((float) o.weightDecay()).build()
        : Optimizer.sgd().setLearningRateTracker(lr).optMomentum(0.9f).optWeightDecays((float) o.weightDecay())
            .build();
    DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
        .optOptimizer(opt)
        .optInitializer(ZooNet.heNormal(), ai.djl.nn.Parameter.Type.WEIGHT);

    List<ModelCard.Epoch> history = new ArrayList<>();
    double[] lastVal = {0, 0};
    long trainStart = System.nanoTime();
    try (ZooNet net = ZooNet.forTraining(variant, classes, o.stem(), false);
        Trainer trainer = net.model().newTrainer(config)) {
      trainer.initialize(new Shape(o.batchSize(), 3, o.inputSize(), o.inputSize()));
      out.printf("Training %s (%d parameters, stem %s) on %d images, validating on %d; %d epochs, batch %d, "
          + "%s lr %.4g, %d threads%n", variant.name(), net.parameterCount(), o.stem().name().toLowerCase(Locale.ROOT),
          train.length, val.length, o.epochs(), o.batchSize(), o.optimizer(), o.lr(), TorchRuntime.threads());
      Random rnd = new Random(o.seed() + 1);
      for (int epoch = 1; epoch <= o.epochs(); epoch++) {
        long e0 = System.nanoTime();
        shuffle(train, rnd);
        double lossSum = 0;
        long correct = 0;
        long seen = 0;
        ProgressBar bar = new ProgressBar("epoch " + epoch + "/" + o.epochs(), train.length, out);
        float[] x = new float[o.batchSize() * 3 * o.inputSize() * o.inputSize()];
        for (int start = 0; start < train.length; start += o.batchSize()) {
          int n = Math.min(o.batchSize(), train.length - start);
          int[] y = new int[n];
          int plane = 3 * o.inputSize() * o.inputSize();
          for (int i = 0; i < n; i++) {
            int idx = train[start + i];
            Augmentation.randomApply(data.crops()[idx], o.inputSize(), o.pad(), rnd, o.mean(), o.std(), x, i * plane);
            y[i] = data.labels()[idx];
          }
          try (NDManager m = trainer.getManager().newSubManager()) {
            NDArray input = m.create(java.nio.FloatBuffer.wrap(x, 0, n * plane),
                new Shape(n, 3, o.inputSize(), o.inputSize()));
            NDArray label = m.create(y).toType(DataType.INT64, false);
            try (GradientCollector gc = trainer.newGradientCollector()) {
              NDList pred = trainer.forward(new NDList(input));
              NDArray loss = trainer.getLoss().evaluate(new NDList(label), pred);
              gc.backward(loss);
              float l = loss.getFloat();
              if (!Float.isFinite(l)) {
                throw new IllegalStateException("Cannot train " + variant.name() + ": the loss became " + l
                    + " in epoch " + epoch + " after " + seen + " images; lower --lr (now " + o.lr() + ")");
              }
              lossSum += l * n;
              int[] argmax = pred.singletonOrThrow().argMax(1).toType(DataType.INT32, false).toIntArray();
              for (int i = 0; i < n; i++) {
                correct += argmax[i] == y[i] ? 1 : 0;
              }
            }
            trainer.step();
          }
          seen += n;
          bar.update(seen, String.format(Locale.ROOT, "loss %.4f acc %.4f", lossSum / seen, (double) correct / seen));
        }
        lastVal = val.length > 0 ? evaluate(trainer, data, val, pre) : new double[] {Double.NaN, Double.NaN};
        double secs = (System.nanoTime() - e0) / 1e9;
        bar.done(String.format(Locale.ROOT, "loss %.4f train top-1 %.4f | val top-1 %.4f top-5 %.4f | %.0f s",
            lossSum / seen, (double) correct / seen, lastVal[0], lastVal[1], secs));
        history.add(new ModelCard.Epoch(epoch, lossSum / seen, (double) correct / seen, lastVal[0], secs));
      }
      double trainSeconds = (System.nanoTime() - trainStart) / 1e9;
      Map<String, io.litescore.zoo.Tensor> sd = net.stateDict();
      byte[] weights = Safetensors.write(sd, Map.of("arch", variant.name(), "format", "pt"));
      ModelCard card = new ModelCard(ModelCard.FORMAT, variant.name(), o.stem().name().toLowerCase(Locale.ROOT),
          classes, data.classes(), new ModelCard.Prep(pre.resize(), pre.crop(), pre.mean(), pre.std()),
          o.inputSize(), ModelCard.WEIGHTS, sha256(weights), net.parameterCount(),
          new ModelCard.Training(o.data(), o.epochs(), o.batchSize(), o.lr(), o.optimizer(), train.length,
              val.length, lastVal[0], lastVal[1], trainSeconds, history));
      write(o.output(), ModelCard.WEIGHTS, weights);
      write(o.output(), ModelCard.FILE, card.toJson().getBytes(StandardCharsets.UTF_8));
      out.printf("Wrote %s/{%s,%s} (val top-1 %.4f, top-5 %.4f, %.0f s of training)%n", o.output(),
          ModelCard.WEIGHTS, ModelCard.FILE, lastVal[0], lastVal[1], trainSeconds);
      return new Result(card, o.output());
    }
  }

  /** Top-1 and top-5 accuracy of the model in inference mode on the given images (eval transform, no aug). */
  static double[] evaluate(Trainer trainer, LabelledImages data, int[] idx, Preprocessing pre) {
    int size = pre.crop();
    int plane = 3 * size * size;
    int batch = 256;
    float[] x = new float[batch * plane];
    long top1 = 0;
    long top5 = 0;
    for (int start = 0; start < idx.length; start += batch) {
      int n = Math.min(batch, idx.length - start);
      for (int i = 0; i < n; i++) {
        Augmentation.apply(data.crops()[idx[start + i]], size, 0, 0, false, pre.mean(), pre.std(), x, i * plane);
      }
      try (NDManager m = trainer.getManager().newSubManager()) {
        NDArray input = m.create(java.nio.FloatBuffer.wrap(x, 0, n * plane), new Shape(n, 3, size, size));
        float[] logits = trainer.evaluate(new NDList(input)).singletonOrThrow().toFloatArray();
        int classes = logits.length / n;
        for (int i = 0; i < n; i++) {
          float[] row = java.util.Arrays.copyOfRange(logits, i * classes, (i + 1) * classes);
          int[] ranked = TopK.indices(row, 5);
          int label = data.labels()[idx[start + i]];
          top1 += ranked[0] == label ? 1 : 0;
          top5 += TopK.contains(ranked, 5, label) ? 1 : 0;
        }
      }
    }
    return new double[] {(double) top1 / idx.length, (double) top5 / idx.length};
  }

  private static int[] shuffled(int n, Random rnd) {
    int[] a = new int[n];
    for (int i = 0; i < n; i++) {
      a[i] = i;
    }
    shuffle(a, rnd);
    return a;
  }

  private static void shuffle(int[] a, Random rnd) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }

  private static void write(String dir, String name, byte[] bytes) throws IOException {
    Path p = new Path(dir, name);
    FileSystem fs = p.getFileSystem(new Configuration());
    try (OutputStream os = fs.create(p, true)) {
      os.write(bytes);
    }
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

}
