package io.litescore.testing;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** Small images and files written by the tests themselves. */
public final class Fixtures {
  private Fixtures() {}

  public static Path solidPng(Path file, int rgb, int w, int h) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.setRGB(x, y, rgb);
      }
    }
    try {
      Files.createDirectories(file.getParent());
      ImageIO.write(img, "png", file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  public static Path write(Path file, byte[] bytes) {
    try {
      Files.createDirectories(file.getParent());
      return Files.write(file, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static Path copyResource(String resource, Path file) {
    return write(file, Resources.bytes(resource));
  }

  /** Forward slashes, safe inside a HOCON string. */
  public static String hocon(Path p) {
    return p.toAbsolutePath().toString().replace('\\', '/');
  }
}
