package io.litescore.cli;

import io.litescore.image.ImageDecoder;
import io.litescore.image.Npy;
import io.litescore.image.Preprocessing;
import io.litescore.image.RgbImage;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "preprocess", mixinStandardHelpOptions = true,
    description = {"Write the exact float32 [3,crop,crop] tensor a model sees for one image as a NumPy .npy file,",
        "to compare with torchvision: numpy.load(FILE) equals transforms(Image.open(IMAGE).convert('RGB'))."})
final class PreprocessCommand implements Callable<Integer> {
  @Option(names = "--image", required = true, paramLabel = "PATH", description = "Image file (JPEG, PNG, BMP, GIF).")
  Path image;

  @Option(names = "--out", required = true, paramLabel = "FILE.npy", description = "Where to write the tensor.")
  Path out;

  @Option(names = "--resize", defaultValue = "256", description = "Short side after Resize (default ${DEFAULT-VALUE}).")
  int resize;

  @Option(names = "--crop", defaultValue = "224", description = "CenterCrop size (default ${DEFAULT-VALUE}).")
  int crop;

  @Option(names = "--mean", split = ",", paramLabel = "R,G,B", description = "Normalize mean (default ImageNet).")
  float[] mean = Preprocessing.IMAGENET_MEAN;

  @Option(names = "--std", split = ",", paramLabel = "R,G,B", description = "Normalize std (default ImageNet).")
  float[] std = Preprocessing.IMAGENET_STD;

  @Override
  public Integer call() throws Exception {
    Preprocessing p = new Preprocessing(resize, crop, mean, std);
    RgbImage rgb = new ImageDecoder().decode(Files.readAllBytes(image));
    float[] tensor = p.apply(rgb);
    try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(out))) {
      Npy.writeFloat32(o, new int[] {3, crop, crop}, tensor);
    }
    double sum = 0;
    double sq = 0;
    for (float v : tensor) {
      sum += v;
      sq += (double) v * v;
    }
    double mean = sum / tensor.length;
    int[] size = Preprocessing.resizedSize(rgb.width(), rgb.height(), resize);
    System.out.printf(Locale.ROOT, "%s: %dx%d -> resize %dx%d -> crop %d; tensor [3,%d,%d] mean %.6f std %.6f -> %s%n",
        image, rgb.width(), rgb.height(), size[0], size[1], crop, crop, crop, mean,
        Math.sqrt(sq / tensor.length - mean * mean), out);
    return 0;
  }
}
