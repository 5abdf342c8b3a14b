package io.litescore.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FileUtil;

/**
 * Fixtures for the storage tests: an ImageFolder of solid red, green and blue PNGs, whose colour is their label, so
 * {@code channel_mean.pt} gets every one right; one corrupt PNG that must become an error row; the models.
 */
public final class ColourDataset {
  public static final String[] COLOURS = {"red", "green", "blue"};
  private static final int[] RGB = {0xff0000, 0x00ff00, 0x0000ff};

  private ColourDataset() {}

  /**
   * Writes {@code perClass} images per colour (sizes {@code size} to {@code size + 6}) and {@code blue/corrupt.png}
   * under {@code root}; returns the number of files written.
   */
  public static int write(Path root, int perClass, int size) {
    for (int c = 0; c < COLOURS.length; c++) {
      for (int i = 0; i < perClass; i++) {
        int w = size + i % 7;
        int h = size + (i * 3) % 5;
        Fixtures.solidPng(root.resolve(COLOURS[c] + "/" + COLOURS[c] + "-" + i + ".png"), RGB[c], w, h);
      }
    }
    Fixtures.write(root.resolve("blue/corrupt.png"), "not a png".getBytes(StandardCharsets.UTF_8));
    return 3 * perClass + 1;
  }

  /**
   * The nine-file folder whose metrics are computed by hand in the score and compare tests: red 3 right + 1 green,
   * green 2 right (one in a nested folder), blue 1 right + 1 red ({@code redInBlueWidth} x {@code redInBlueHeight})
   * + 1 corrupt, and a text file that is not an image.
   */
  public static void handCounted(Path root, int redInBlueWidth, int redInBlueHeight) {
    Fixtures.solidPng(root.resolve("red/r1.png"), RGB[0], 10, 12);
    Fixtures.solidPng(root.resolve("red/r2.png"), RGB[0], 30, 20);
    Fixtures.solidPng(root.resolve("red/r3.PNG"), RGB[0], 9, 9);
    Fixtures.solidPng(root.resolve("red/g-in-red.png"), RGB[1], 16, 16);
    Fixtures.solidPng(root.resolve("green/g1.png"), RGB[1], 16, 16);
    Fixtures.solidPng(root.resolve("green/nested/g2.png"), RGB[1], 40, 16);
    Fixtures.solidPng(root.resolve("blue/b1.png"), RGB[2], 16, 16);
    Fixtures.solidPng(root.resolve("blue/r-in-blue.png"), RGB[0], redInBlueWidth, redInBlueHeight);
    Fixtures.write(root.resolve("blue/corrupt.png"), "definitely not a png".getBytes(StandardCharsets.UTF_8));
    Fixtures.write(root.resolve("blue/notes.txt"), "ignored: not an image extension".getBytes(StandardCharsets.UTF_8));
  }

  /** {@code channel_mean.pt} and its labels (red, green, blue) into {@code dir}. */
  public static void channelMean(Path dir) {
    Fixtures.copyResource("models/channel_mean.pt", dir.resolve("channel_mean.pt"));
    Fixtures.copyResource("models/channel_mean.labels", dir.resolve("channel_mean.labels"));
  }

  /**
   * Torchvision's squeezenet1_1 (seed-0 weights) as {@code <name>.pt}, and {@code squeezenet.labels}: red, green,
   * blue, then c3 to c999, so the colour folders are valid labels. Each name gets a file with other bytes (an extra
   * zip entry) but the same weights: to libtorch and to litescore's model cache they are distinct models.
   */
  public static void squeezenets(Path dir, String... names) {
    Path src = Resources.path("reference/models/squeezenet1_1.pt");
    for (String name : names) {
      torchScriptVariant(src, dir.resolve(name + ".pt"), name);
    }
    StringBuilder labels = new StringBuilder("red\ngreen\nblue\n");
    for (int i = 3; i < 1000; i++) {
      labels.append('c').append(i).append('\n');
    }
    Fixtures.write(dir.resolve("squeezenet.labels"), labels.toString().getBytes(StandardCharsets.UTF_8));
  }

  /** A copy of a TorchScript zip with one more (ignored) entry naming {@code tag}. */
  static void torchScriptVariant(Path src, Path dst, String tag) {
    try {
      Files.createDirectories(dst.getParent());
      try (ZipFile in = new ZipFile(src.toFile());
          ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(dst))) {
        String root = null;
        for (Enumeration<? extends ZipEntry> e = in.entries(); e.hasMoreElements(); ) {
          ZipEntry entry = e.nextElement();
          if (root == null) {
            root = entry.getName().substring(0, entry.getName().indexOf('/') + 1);
          }
          stored(out, entry.getName(), in.getInputStream(entry).readAllBytes());
        }
        stored(out, root + "extra/litescore_variant", tag.getBytes(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void stored(ZipOutputStream out, String name, byte[] bytes) throws IOException {
    ZipEntry e = new ZipEntry(name);
    e.setMethod(ZipEntry.STORED);
    e.setSize(bytes.length);
    e.setCompressedSize(bytes.length);
    CRC32 crc = new CRC32();
    crc.update(bytes);
    e.setCrc(crc.getValue());
    out.putNextEntry(e);
    out.write(bytes);
    out.closeEntry();
  }

  /** Copies a local folder's content to a Hadoop URI ({@code s3a://}, {@code hdfs://}). */
  public static void upload(Path local, String uri, Configuration conf) {
    try {
      FileSystem fs = FileSystem.get(URI.create(uri), conf);
      List<Path> files = new ArrayList<>();
      try (var walk = Files.walk(local)) {
        walk.filter(Files::isRegularFile).forEach(files::add);
      }
      for (Path f : files) {
        String rel = local.relativize(f).toString().replace('\\', '/');
        // create() and a plain stream, as Spark writes: S3A's copyFromLocalFile sends checksum trailers S3Proxy
        // does not implement
        FileUtil.copy(f.toFile(), fs, io.litescore.io.HadoopFiles.path(uri + "/" + rel), false, conf);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot upload " + local + " to " + uri + ": " + e.getMessage(), e);
    }
  }
}
