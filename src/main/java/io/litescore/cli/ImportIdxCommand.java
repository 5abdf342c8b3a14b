package io.litescore.cli;

import io.litescore.train.IdxImport;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "import-idx", mixinStandardHelpOptions = true,
    description = {"Turn IDX files (MNIST, Fashion-MNIST; gzip or plain) into an ImageFolder of PNGs:",
        "<output>/<class>/<prefix>-<index>.png. Example (Debian dataset-fashion-mnist):",
        "  import-idx --images /usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz \\",
        "    --labels /usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz \\",
        "    --classes tshirt_top,trouser,pullover,dress,coat,sandal,shirt,sneaker,bag,ankle_boot --output fmnist/test"})
final class ImportIdxCommand implements Callable<Integer> {
  @Option(names = "--images", required = true, description = "IDX image file (magic 0x803).")
  Path images;

  @Option(names = "--labels", required = true, description = "IDX label file (magic 0x801).")
  Path labels;

  @Option(names = "--classes", required = true, split = ",", description = "Class folder names, in label order.")
  List<String> classes;

  @Option(names = "--output", required = true, description = "ImageFolder root to write.")
  Path output;

  @Option(names = "--prefix", defaultValue = "img", description = "File name prefix (default ${DEFAULT-VALUE}).")
  String prefix;

  @Override
  public Integer call() throws Exception {
    long t0 = System.nanoTime();
    IdxImport.Result r = IdxImport.run(images, labels, classes, output, prefix);
    System.out.printf("Wrote %d images to %s in %.1f s%n", r.images(), output, (System.nanoTime() - t0) / 1e9);
    for (int i = 0; i < classes.size(); i++) {
      System.out.printf("  %-12s %d%n", classes.get(i), r.perClass()[i]);
    }
    return 0;
  }
}
