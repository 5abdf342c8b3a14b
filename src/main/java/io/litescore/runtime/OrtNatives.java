package io.litescore.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.jar.JarEntry;
import java.util.stream.Stream;

/**
 * ONNX Runtime's native libraries from a folder extracted once per machine and library build, instead of ONNX
 * Runtime's own copy into a new temporary folder at every JVM start: 20 MB inflated and written (~0.1 s of a fresh
 * command), and an empty {@code onnxruntime-java*} folder left behind in the temporary directory each time. The
 * folder lies in DJL's engine cache (beside libtorch's natives) and is named by the libraries' CRCs in their jar;
 * it is made under a temporary name and renamed into place, so JVMs starting side by side on one host never load a
 * half-written copy. ONNX Runtime reads it from {@value #PROPERTY}; a value the user set is kept.
 */
final class OrtNatives {
  static final String PROPERTY = "onnxruntime.native.path";
  private static final List<String> LIBRARIES = List.of("libonnxruntime.so", "libonnxruntime4j_jni.so");

  private OrtNatives() {}

  /** Sets {@value #PROPERTY} to the cached copy, unless set; where no copy can be made ONNX Runtime copies its own. */
  static void useCachedCopy() {
    if (System.getProperty(PROPERTY) == null) {
      cachedCopy(ai.djl.util.Utils.getEngineCacheDir("onnxruntime"))
          .ifPresent(dir -> System.setProperty(PROPERTY, dir.toString()));
    }
  }

  /**
   * The folder under {@code root} holding this class path's ONNX Runtime libraries, extracted if missing; empty on a
   * platform without them (ONNX Runtime's jar carries Linux x64 and aarch64 ones), when they are not in a jar, or
   * when {@code root} cannot be written.
   */
  static Optional<Path> cachedCopy(Path root) {
    String platform = platform();
    if (platform == null) {
      return Optional.empty();
    }
    try {
      List<URL> urls = new ArrayList<>();
      List<Long> sizes = new ArrayList<>();
      StringBuilder name = new StringBuilder("onnxruntime-").append(platform);
      for (String lib : LIBRARIES) {
        URL url = OrtNatives.class.getClassLoader().getResource("ai/onnxruntime/native/" + platform + "/" + lib);
        if (url == null) {
          return Optional.empty();
        }
        URLConnection c = url.openConnection();
        if (!(c instanceof JarURLConnection jar)) {
          return Optional.empty();
        }
        JarEntry e = jar.getJarEntry();
        name.append('-').append(Long.toHexString(e.getCrc())).append('-').append(e.getSize());
        urls.add(url);
        sizes.add(e.getSize());
      }
      Path dir = root.resolve(name.toString());
      if (complete(dir, sizes)) {
        return Optional.of(dir);
      }
      Files.createDirectories(root);
      Path tmp = Files.createTempDirectory(root, ".tmp-onnxruntime-");
      try {
        for (int i = 0; i < LIBRARIES.size(); i++) {
          try (InputStream in = urls.get(i).openStream()) {
            Files.copy(in, tmp.resolve(LIBRARIES.get(i)));
          }
        }
        try {
          Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException | DirectoryNotEmptyException raced) {
          // another JVM on this host put its copy in place first
        }
      } finally {
        delete(tmp);
      }
      return complete(dir, sizes) ? Optional.of(dir) : Optional.empty();
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private static boolean complete(Path dir, List<Long> sizes) {
    for (int i = 0; i < LIBRARIES.size(); i++) {
      Path lib = dir.resolve(LIBRARIES.get(i));
      try {
        if (!Files.isRegularFile(lib) || Files.size(lib) != sizes.get(i)) {
          return false;
        }
      } catch (IOException e) {
        return false;
      }
    }
    return true;
  }

  /** ONNX Runtime's name for this platform's folder in its jar; null where litescore leaves loading to it. */
  private static String platform() {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    if (!os.contains("linux")) {
      return null;
    }
    return switch (arch) {
      case "amd64", "x86_64" -> "linux-x64";
      case "aarch64" -> "linux-aarch64";
      default -> null;
    };
  }

  private static void delete(Path tmp) {
    if (!Files.exists(tmp)) {
      return;
    }
    try (Stream<Path> files = Files.walk(tmp)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // a leftover temporary folder: harmless, and named so that no run mistakes it for a copy
    }
  }
}
