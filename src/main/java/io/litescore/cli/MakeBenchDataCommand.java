package io.litescore.cli;

import io.litescore.jobs.bench.BenchData;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "make-bench-data", mixinStandardHelpOptions = true,
    description = "Write N realistic photos (0.2-5 MP JPEG/PNG: crops, flips, rescales and re-encodes of a few seed "
        + "photos) as an ImageFolder, one folder per seed photo.")
final class MakeBenchDataCommand implements Callable<Integer> {
  @Option(names = "--from", required = true, description = "Folder of seed photos (JPEG/PNG).")
  Path from;

  @Option(names = "--count", required = true, description = "Images to write.")
  int count;

  @Option(names = "--output", required = true, description = "Output folder.")
  Path output;

  @Option(names = "--seed", defaultValue = "1", description = "Random seed (default ${DEFAULT-VALUE}).")
  long seed;

  @Override
  public Integer call() throws Exception {
    long t0 = System.nanoTime();
    BenchData.Result r = BenchData.generate(from, count, output, seed);
    System.out.printf("Wrote %d images (%.1f MB, %.2f-%.2f MP) to %s in %.1f s%n", r.images(), r.bytes() / 1e6,
        r.minMegapixels(), r.maxMegapixels(), output, (System.nanoTime() - t0) / 1e9);
    return 0;
  }
}
