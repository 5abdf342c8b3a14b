package io.litescore.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The class loader a job's session is built under: spark-mllib's session extension left out, nothing else. */
class SessionsTest {
  private static URL folder(Path root, String name, String services) throws Exception {
    Path dir = root.resolve(name);
    Path file = dir.resolve(Sessions.WithoutMlExtension.PROVIDERS);
    Files.createDirectories(file.getParent());
    Files.writeString(file, services);
    Files.writeString(dir.resolve("other.txt"), name);
    return dir.toUri().toURL();
  }

  @Test
  void leavesOutTheServiceFileThatNamesOnlyMllibsExtension(@TempDir Path root) throws Exception {
    URL ml = folder(root, "ml", "# mllib\n" + Sessions.WithoutMlExtension.ML_PROVIDER + "\n");
    URL other = folder(root, "other", "com.example.OtherExtension\n");
    URL both = folder(root, "both", Sessions.WithoutMlExtension.ML_PROVIDER + "\ncom.example.Third\n");
    try (URLClassLoader jars = new URLClassLoader(new URL[] {ml, other, both}, null)) {
      ClassLoader filtered = new Sessions.WithoutMlExtension(jars);
      List<URL> providers = Collections.list(filtered.getResources(Sessions.WithoutMlExtension.PROVIDERS));
      assertThat(providers).extracting(URL::toString).containsExactly(
          other + Sessions.WithoutMlExtension.PROVIDERS, both + Sessions.WithoutMlExtension.PROVIDERS);
      // every other resource, and the unfiltered view, as before
      assertThat(Collections.list(filtered.getResources("other.txt"))).hasSize(3);
      assertThat(Collections.list(jars.getResources(Sessions.WithoutMlExtension.PROVIDERS))).hasSize(3);
    }
  }

  @Test
  void spark_mllibShipsItsExtensionAsTheOnlyEntryOfItsServiceFile() throws Exception {
    // what the filter relies on: the file in spark-mllib's jar names that one provider, so the filter drops it
    ClassLoader filtered = new Sessions.WithoutMlExtension(getClass().getClassLoader());
    List<URL> all = Collections.list(getClass().getClassLoader().getResources(
        Sessions.WithoutMlExtension.PROVIDERS));
    List<URL> kept = Collections.list(filtered.getResources(Sessions.WithoutMlExtension.PROVIDERS));
    assertThat(all).anyMatch(u -> u.toString().contains("spark-mllib"));
    assertThat(kept).noneMatch(u -> u.toString().contains("spark-mllib"));
  }
}
