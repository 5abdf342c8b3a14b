package io.litescore.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.HexFormat;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The embedded default of {@code score}: a labelled Fashion-MNIST sample and two models trained on it, shipped in
 * the jar under {@code litescore/demo/} and copied to a folder under {@code java.io.tmpdir} for Spark to read.
 */
final class Demo {
  static final String ROOT = "litescore/demo/";

  private Demo() {}

  /**
   * Copies the demo files to {@code <java.io.tmpdir>/litescore-demo-<content hash>} and returns it. The folder is
   * kept after the run, so that {@code compare} can show the images (thumbnails); a later run of the same demo
   * reuses it. The copy is made in a fresh folder and renamed into place, so concurrent runs never see half a copy.
   */
  static Path extract() {
    Path dir = null;
    try {
      Path base = Path.of(System.getProperty("java.io.tmpdir"));
      dir = Files.createTempDirectory(base, "litescore-demo-tmp-");
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      List<String> resources = resources();
      Collections.sort(resources);
      for (String resource : resources) {
        Path target = dir.resolve(resource.substring(ROOT.length()));
        Files.createDirectories(target.getParent());
        try (InputStream in = Demo.class.getClassLoader().getResourceAsStream(resource)) {
          byte[] bytes = in.readAllBytes();
          digest.update(resource.getBytes(StandardCharsets.UTF_8));
          digest.update(bytes);
          Files.write(target, bytes);
        }
      }
      Path stable = base.resolve("litescore-demo-" + HexFormat.of().formatHex(digest.digest()).substring(0, 16));
      if (!Files.isDirectory(stable)) {
        try {
          Files.move(dir, stable, StandardCopyOption.ATOMIC_MOVE);
          return stable;
        } catch (IOException raced) {
          // another run put the same content there first
        }
      }
      deleteRecursively(dir);
      return stable;
    } catch (IOException | NoSuchAlgorithmException e) {
      if (dir != null) {
        deleteRecursively(dir);
      }
      throw new UncheckedIOException("Cannot unpack the demo data: " + e.getMessage(),
          e instanceof IOException io ? io : new IOException(e));
    }
  }

  /** The demo config, with {@code demo.root} pointing at the unpacked folder. */
  static String config(Path root) {
    try (InputStream in = Demo.class.getClassLoader().getResourceAsStream(ROOT + "demo.conf")) {
      String quoted = root.toAbsolutePath().toString().replace("\\", "\\\\").replace("\"", "\\\"");
      return "demo.root = \"" + quoted + "\"\n" + new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> resources() throws IOException {
    URL url = Demo.class.getClassLoader().getResource(ROOT + "demo.conf");
    if (url == null) {
      throw new IOException("the demo is not on the classpath (" + ROOT + "demo.conf missing)");
    }
    List<String> out = new ArrayList<>();
    if ("jar".equals(url.getProtocol())) {
      JarFile jar = ((JarURLConnection) url.openConnection()).getJarFile();
      for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
        JarEntry entry = e.nextElement();
        if (entry.getName().startsWith(ROOT) && !entry.isDirectory()) {
          out.add(entry.getName());
        }
      }
      return out;
    }
    try {
      Path base = Paths.get(url.toURI()).getParent();
      try (Stream<Path> files = Files.walk(base)) {
        files.filter(Files::isRegularFile)
            .forEach(p -> out.add(ROOT + base.relativize(p).toString().replace('\\', '/')));
      }
      return out;
    } catch (URISyntaxException e) {
      throw new IOException(e);
    }
  }

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // best effort at exit
    }
  }
}
