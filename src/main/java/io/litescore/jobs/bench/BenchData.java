package io.litescore.jobs.bench;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * Writes a benchmark dataset of realistic photos: random crops, flips and rescales of a few seed photos, 0.2 to
 * 5 megapixels, re-encoded as JPEG (quality 75-95, most of them) or PNG, in an ImageFolder layout (one folder per
 * seed photo, so the set is labelled).
 */
public final class BenchData {
  private BenchData() {}

  /** What was written. */
  public record Result(int images, long bytes, double minMegapixels, double maxMegapixels) {}

  public static Result generate(Path seeds, int count, Path output, long seed) throws IOException {
    List<BufferedImage> photos = new ArrayList<>();
    List<String> names = new ArrayList<>();
    try (Stream<Path> files = Files.list(seeds)) {
      for (Path p : files.sorted().toList()) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        if (n.endsWith(".jpg") || n.endsWith(".jpeg") || n.endsWith(".png")) {
          BufferedImage img = ImageIO.read(p.toFile());
          if (img != null) {
            photos.add(toRgb(img));
            names.add(n.substring(0, n.lastIndexOf('.')).replaceAll("[^a-z0-9_]", "_"));
          }
        }
      }
    }
    if (photos.isEmpty()) {
      throw new IOException("Cannot make bench data: no JPEG or PNG photos in " + seeds);
    }
    Random rnd = new Random(seed);
    long bytes = 0;
    double minMp = Double.MAX_VALUE;
    double maxMp = 0;
    for (int i = 0; i < count; i++) {
      int k = i % photos.size();
      BufferedImage src = photos.get(k);
      // a crop of 50-100% of each side, then a rescale to 0.2-5 MP with the crop's aspect ratio
      int cw = (int) (src.getWidth() * (0.5 + 0.5 * rnd.nextDouble()));
      int ch = (int) (src.getHeight() * (0.5 + 0.5 * rnd.nextDouble()));
      int cx = rnd.nextInt(src.getWidth() - cw + 1);
      int cy = rnd.nextInt(src.getHeight() - ch + 1);
      double mp = 0.2 + 4.8 * Math.pow(rnd.nextDouble(), 2);
      double scale = Math.sqrt(mp * 1e6 / ((double) cw * ch));
      int w = Math.max(16, (int) (cw * scale));
      int h = Math.max(16, (int) (ch * scale));
      BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
      Graphics2D g = out.createGraphics();
      g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      boolean flip = rnd.nextBoolean();
      g.drawImage(src, flip ? w : 0, 0, flip ? 0 : w, h, cx, cy, cx + cw, cy + ch, null);
      g.dispose();
      Path dir = output.resolve(names.get(k));
      Files.createDirectories(dir);
      boolean png = rnd.nextInt(5) == 0;
      File f = dir.resolve(String.format(Locale.ROOT, "bench-%06d.%s", i, png ? "png" : "jpg")).toFile();
      if (png) {
        ImageIO.write(out, "png", f);
      } else {
        writeJpeg(out, f, 0.75f + 0.2f * rnd.nextFloat());
      }
      bytes += f.length();
      minMp = Math.min(minMp, w * (double) h / 1e6);
      maxMp = Math.max(maxMp, w * (double) h / 1e6);
    }
    return new Result(count, bytes, minMp, maxMp);
  }

  private static BufferedImage toRgb(BufferedImage img) {
    BufferedImage rgb = new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = rgb.createGraphics();
    g.drawImage(img, 0, 0, null);
    g.dispose();
    return rgb;
  }

  private static void writeJpeg(BufferedImage img, File f, float quality) throws IOException {
    ImageWriter w = ImageIO.getImageWritersByFormatName("jpeg").next();
    try (ImageOutputStream out = ImageIO.createImageOutputStream(f)) {
      w.setOutput(out);
      ImageWriteParam p = w.getDefaultWriteParam();
      p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      p.setCompressionQuality(quality);
      w.write(null, new IIOImage(img, null, null), p);
    } finally {
      w.dispose();
    }
  }
}
