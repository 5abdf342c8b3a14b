package io.litescore.train;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;
import javax.imageio.ImageIO;

/**
 * Turns IDX files (the MNIST / Fashion-MNIST format: big-endian header, magic 0x00000803 for uint8 images
 * {@code [n, rows, cols]}, 0x00000801 for uint8 labels {@code [n]}; gzip or plain) into an ImageFolder of
 * grayscale PNGs: {@code <output>/<class>/<prefix>-<index>.png}.
 */
public final class IdxImport {
  private IdxImport() {}

  /** Images per class written. */
  public record Result(int images, int[] perClass) {}

  public static Result run(Path images, Path labels, List<String> classes, Path output, String prefix)
      throws IOException {
    try (DataInputStream im = open(images); DataInputStream lb = open(labels)) {
      int magicImages = im.readInt();
      if (magicImages != 0x803) {
        throw new IOException("Cannot import " + images + ": magic " + Integer.toHexString(magicImages)
            + " is not 0x803 (uint8 images)");
      }
      int n = im.readInt();
      int rows = im.readInt();
      int cols = im.readInt();
      int magicLabels = lb.readInt();
      if (magicLabels != 0x801) {
        throw new IOException("Cannot import " + labels + ": magic " + Integer.toHexString(magicLabels)
            + " is not 0x801 (uint8 labels)");
      }
      int nl = lb.readInt();
      if (nl != n) {
        throw new IOException("Cannot import: " + n + " images but " + nl + " labels");
      }
      for (String c : classes) {
        Files.createDirectories(output.resolve(c));
      }
      int[] perClass = new int[classes.size()];
      int digits = Math.max(5, String.valueOf(n - 1).length());
      for (int i = 0; i < n; i++) {
        BufferedImage img = new BufferedImage(cols, rows, BufferedImage.TYPE_BYTE_GRAY);
        im.readFully(((DataBufferByte) img.getRaster().getDataBuffer()).getData());
        int label = lb.readUnsignedByte();
        if (label >= classes.size()) {
          throw new IOException("Cannot import: label " + label + " of image " + i + " has no class name (given "
              + classes.size() + ")");
        }
        String name = String.format("%s-%0" + digits + "d.png", prefix, i);
        ImageIO.write(img, "png", output.resolve(classes.get(label)).resolve(name).toFile());
        perClass[label]++;
      }
      return new Result(n, perClass);
    }
  }

  private static DataInputStream open(Path p) throws IOException {
    InputStream in = new BufferedInputStream(Files.newInputStream(p), 1 << 16);
    in.mark(2);
    int b1 = in.read();
    int b2 = in.read();
    in.reset();
    if (b1 == 0x1f && b2 == 0x8b) {
      in = new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16);
    }
    return new DataInputStream(in);
  }
}
