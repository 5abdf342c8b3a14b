package io.litescore.cli;

import io.litescore.image.Preprocessing;
import io.litescore.train.TrainModelJob;
import io.litescore.zoo.Stem;
import io.litescore.zoo.Variant;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "train", mixinStandardHelpOptions = true,
    description = {"Train a zoo architecture on an ImageFolder dataset (CPU, DJL) and write a model artifact",
        "(weights.safetensors + model.json) that `score` takes as { name = x, artifact = \"<output>\" }."})
final class TrainCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--arch", required = true, description = "Zoo architecture (see `litescore zoo`).")
  String arch;

  @Option(names = "--data", required = true, description = "ImageFolder root: <data>/<class>/<image> (any Hadoop URI).")
  String data;

  @Option(names = "--output", required = true, description = "Folder for weights.safetensors and model.json.")
  String output;

  @Option(names = "--epochs", defaultValue = "10", description = "Default ${DEFAULT-VALUE}.")
  int epochs;

  @Option(names = "--batch-size", defaultValue = "64", description = "Default ${DEFAULT-VALUE}.")
  int batchSize;

  @Option(names = "--lr", defaultValue = "0.05", description = "Peak learning rate (warm-up, then cosine to 0). "
      + "Default ${DEFAULT-VALUE} (SGD); try 0.002 with adam.")
  double lr;

  @Option(names = "--optimizer", defaultValue = "sgd", description = "sgd (momentum 0.9) or adam. Default ${DEFAULT-VALUE}.")
  String optimizer;

  @Option(names = "--weight-decay", defaultValue = "0.00005", description = "Default ${DEFAULT-VALUE}.")
  double weightDecay;

  @Option(names = "--input-size", defaultValue = "224", description = "Side of the square input. Default ${DEFAULT-VALUE}.")
  int inputSize;

  @Option(names = "--resize", description = "Resize before the centre crop (default: the input size).")
  Integer resize;

  @Option(names = "--width-mult", description = "Width multiplier: picks the variant <arch>_<w>, e.g. 0.5.")
  Float widthMult;

  @Option(names = "--stem", defaultValue = "auto", description = "standard, small, or auto (small when the input "
      + "is 64 px or less: stride-1 first conv, no stem max-pool). Default ${DEFAULT-VALUE}.")
  String stem;

  @Option(names = "--val-split", defaultValue = "0.1", description = "Share held out for validation. Default ${DEFAULT-VALUE}.")
  double valSplit;

  @Option(names = "--pad", defaultValue = "-1", description = "Random-crop padding in px (default: input/8).")
  int pad;

  @Option(names = "--mean", split = ",", paramLabel = "R,G,B", description = "Normalize mean (1 or 3 values; default ImageNet).")
  float[] mean = Preprocessing.IMAGENET_MEAN;

  @Option(names = "--std", split = ",", paramLabel = "R,G,B", description = "Normalize std (1 or 3 values; default ImageNet).")
  float[] std = Preprocessing.IMAGENET_STD;

  @Option(names = "--seed", defaultValue = "42", description = "Seeds the weights' initialisation, the validation split and the batch order: the same seed, data and threads train the same model. Default ${DEFAULT-VALUE}.")
  long seed;

  @Option(names = "--threads", description = "libtorch and decode threads (default: all cores).")
  Integer threads;

  @Option(names = "--max-images", defaultValue = "0", description = "Use at most this many images (0 = all).")
  int maxImages;

  @Override
  public Integer call() throws Exception {
    String name = widthMult == null || widthMult == 1.0f ? arch
        : arch + "_" + String.format(Locale.ROOT, "%.2f", widthMult).replaceAll("0+$", "").replace('.', '_');
    try {
      Variant.named(name);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--arch/--width-mult: " + e.getMessage());
    }
    if (!optimizer.equals("sgd") && !optimizer.equals("adam")) {
      throw new ParameterException(spec.commandLine(), "--optimizer " + optimizer + ": expected sgd or adam");
    }
    if (epochs < 1 || batchSize < 1 || inputSize < 8 || valSplit < 0 || valSplit >= 1) {
      throw new ParameterException(spec.commandLine(), "Cannot train: need --epochs >= 1, --batch-size >= 1, "
          + "--input-size >= 8 and 0 <= --val-split < 1");
    }
    Stem s = switch (stem) {
      case "auto" -> inputSize <= 64 ? Stem.SMALL : Stem.STANDARD;
      case "standard" -> Stem.STANDARD;
      case "small" -> Stem.SMALL;
      default -> throw new ParameterException(spec.commandLine(), "--stem " + stem + ": expected standard, small, auto");
    };
    int t = threads != null ? threads : Runtime.getRuntime().availableProcessors();
    TrainModelJob.Options o = new TrainModelJob.Options(name, data, output, epochs, batchSize, lr, optimizer,
        weightDecay, inputSize, resize != null ? resize : inputSize, s, valSplit, pad >= 0 ? pad : inputSize / 8,
        triple(mean), triple(std), seed, t, maxImages);
    new TrainModelJob(o, System.out).run();
    return 0;
  }

  private float[] triple(float[] v) {
    if (v.length == 1) {
      return new float[] {v[0], v[0], v[0]};
    }
    if (v.length != 3) {
      throw new ParameterException(spec.commandLine(), "--mean/--std take 1 or 3 values, got " + v.length);
    }
    return v;
  }
}
