package io.litescore.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/** Shared pieces of the torchvision parity tests (see reference/README.md). */
public final class Parity {
  private Parity() {}

  /** The reference photos, in the row order of {@code reference/logits/*.npy}. */
  public static List<String> photoOrder() {
    try {
      JsonNode order = new ObjectMapper().readTree(Resources.bytes("reference/logits/order.json")).get("order");
      List<String> out = new ArrayList<>();
      order.forEach(n -> out.add(n.asText()));
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Copies the reference photos into {@code dir} and returns it. */
  public static Path copyPhotos(Path dir) {
    for (String f : photoOrder()) {
      Fixtures.copyResource("reference/photos/" + f, dir.resolve(f));
    }
    return dir;
  }

  /** A labels file of {@code n} placeholder class names. */
  public static Path labels(Path file, int n) {
    return Fixtures.write(file, IntStream.range(0, n).mapToObj(i -> "class" + i).collect(Collectors.joining("\n"))
        .getBytes());
  }

  /** {@code max|a - b| / max|b|} over {@code n} values: the relative error the reference README recommends. */
  public static double rel(float[] a, int aOffset, float[] b, int bOffset, int n) {
    double maxDiff = 0;
    double maxRef = 0;
    for (int i = 0; i < n; i++) {
      maxDiff = Math.max(maxDiff, Math.abs(a[aOffset + i] - b[bOffset + i]));
      maxRef = Math.max(maxRef, Math.abs(b[bOffset + i]));
    }
    return maxDiff / maxRef;
  }

  public static float[] floats(List<Float> values) {
    float[] out = new float[values.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = values.get(i);
    }
    return out;
  }
}
