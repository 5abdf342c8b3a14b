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
import java.util.Comparator;
import java.util.Enumeration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
   * Copies the demo files to {@code <java.io.tmpdir>/litescore-demo-<content key>} and returns it. The folder is
   * kept after the run, so that {@code compare} can show the images (thumbnails); a later run of the same demo
   * reuses it without copying anything (the key comes from the files' names, sizes and CRCs in the jar, not from
   * reading them: unpacking and hashing 1,000 images took half a second of every demo run). The copy is made in a
   * fresh folder and renamed into place, so concurrent runs never see half a copy.
   */
  static Path extract() {
    Path dir = null;
    try {
      Path base = Path.of(System.getProperty("java.io.tmpdir"));
      Map<String, String> resources = resources();
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      resources.forEach((resource, key) -> digest.update((resource + "\0" + key + "\n")
          .getBytes(StandardCharsets.UTF_8)));
      Path stable = base.resolve("litescore-demo-" + HexFormat.of().formatHex(digest.digest()).substring(0, 16));
      if (Files.isDirectory(stable)) {
        return stable;
      }
      dir = Files.createTempDirectory(base, "litescore-demo-tmp-");
      for (String resource : resources.keySet()) {
        Path target = dir.resolve(resource.substring(ROOT.length()));
        Files.createDirectories(target.getParent());
        try (InputStream in = Demo.class.getClassLoader().getResourceAsStream(resource)) {
          Files.write(target, in.readAllBytes());
        }
      }
      try {
        Files.move(dir, stable, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException raced) {
        // another run put the same content there first
        deleteRecursively(dir);
      }
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

  /**
   * The demo's resources, sorted, each with what identifies its content: size and CRC-32 from the jar's directory,
   * or, run from a classes folder (tests, IDEs), the SHA-256 of the file.
   */
  private static Map<String, String> resources() throws IOException, NoSuchAlgorithmException {
    URL url = Demo.class.getClassLoader().getResource(ROOT + "demo.conf");
    if (url == null) {
      throw new IOException("the demo is not on the classpath (" + ROOT + "demo.conf missing)");
    }
    Map<String, String> out = new TreeMap<>();
    if ("jar".equals(url.getProtocol())) {
      JarFile jar = ((JarURLConnection) url.openConnection()).getJarFile();
      for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
        JarEntry entry = e.nextElement();
        if (entry.getName().startsWith(ROOT) && !entry.isDirectory()) {
          out.put(entry.getName(), entry.getSize() + ":" + Long.toHexString(entry.getCrc()));
        }
      }
      return out;
    }
    try {
      Path base = Paths.get(url.toURI()).getParent();
      List<Path> files;
      try (Stream<Path> walk = Files.walk(base)) {
        files = walk.filter(Files::isRegularFile).toList();
      }
      for (Path p : files) {
        out.put(ROOT + base.relativize(p).toString().replace('\\', '/'),
            HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
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
