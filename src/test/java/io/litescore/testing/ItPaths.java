package io.litescore.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** Where the build put what the integration tests need (set by maven-failsafe-plugin in pom.xml). */
public final class ItPaths {
  private ItPaths() {}

  /** The project's {@code target/}. */
  public static Path target() {
    return Path.of(System.getProperty("litescore.target", "target")).toAbsolutePath();
  }

  public static Path projectRoot() {
    return target().getParent();
  }

  /** A new folder under {@code target/it-work/} for one test class. */
  public static Path work(String name) {
    try {
      return Files.createDirectories(target().resolve("it-work").resolve(name + "-" + System.currentTimeMillis()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A file the build made, or a failure that says how to make it. */
  public static Path built(String relative) {
    Path p = target().resolve(relative);
    if (!Files.exists(p)) {
      throw new IllegalStateException(p + " is missing: run the integration tests with `mvn verify`");
    }
    return p;
  }

  /** The JVM options Spark needs on Java 17, as in pom.xml. */
  public static List<String> jvmOpens() {
    String opens = System.getProperty("litescore.jvmOpens", "");
    return Arrays.stream(opens.trim().split("\\s+")).filter(s -> !s.isEmpty()).toList();
  }
}
