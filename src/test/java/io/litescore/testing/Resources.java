package io.litescore.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.nio.file.Paths;

/** Test resources on disk. */
public final class Resources {
  private Resources() {}

  public static Path path(String resource) {
    try {
      return Paths.get(Resources.class.getResource("/" + resource).toURI());
    } catch (URISyntaxException | NullPointerException e) {
      throw new IllegalStateException("missing test resource " + resource, e);
    }
  }

  public static byte[] bytes(String resource) {
    try (InputStream in = Resources.class.getResourceAsStream("/" + resource)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + resource);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static String hex(byte[] digest) {
    StringBuilder s = new StringBuilder();
    for (byte b : digest) {
      s.append(String.format("%02x", b));
    }
    return s.toString();
  }
}
