package io.litescore.testing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Image files named as cameras, pipelines and people name them: ISO timestamps with colons, percent signs, URI
 * delimiters, glob characters, spaces and non-ASCII, in label folders named likewise. Solid colours, so
 * {@code channel_mean.pt} predicts each file's colour; the {@code wrong} files lie in another colour's folder.
 */
public final class NamesCorpus {
  /** Names every store in the tests allows (HDFS forbids ':' in a name). */
  public static final List<String> PORTABLE = List.of("100%.png", "a%20b.png", "hash#1.png", "what?.png",
      "[bracket].png", "{brace}.png", "star*.png", "space name.png", "ünïcødé-日本.png", "plus+sign.png",
      "amp&eq=.png", "quote'single.png", "semi;colon.png", "-dash.png", "x.y.z.png");

  /** Names with ':' (local disks and S3 allow them). */
  public static final List<String> WITH_COLON = List.of("colon:name.png", "2026-12-01T10:15:00Z.png");

  /** Label folders: each colour's folder name. */
  public static final List<String> FOLDERS = List.of("red:one", "green two", "blue#3");

  private static final int[] RGB = {0xff0000, 0x00ff00, 0x0000ff};

  private NamesCorpus() {}

  public static List<String> names(boolean colons) {
    List<String> all = new ArrayList<>(PORTABLE);
    if (colons) {
      all.addAll(WITH_COLON);
    }
    return all;
  }

  /** The label folders, ':' replaced where the store forbids it. */
  public static List<String> folders(boolean colons) {
    return FOLDERS.stream().map(f -> colons ? f : f.replace(':', '-')).toList();
  }

  /**
   * Writes every name under the colour folders in turn ({@code <folder>/<name>}); the first two go to the next
   * colour's folder (misclassified on purpose). Returns the relative paths written.
   */
  public static List<String> write(Path root, boolean colons) {
    List<String> names = names(colons);
    List<String> folders = folders(colons);
    List<String> written = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      int colour = i % 3;
      int folder = i < 2 ? (colour + 1) % 3 : colour;
      String rel = folders.get(folder) + "/" + names.get(i);
      Fixtures.solidPng(root.resolve(rel), RGB[colour], 10 + i, 12);
      written.add(rel);
    }
    return written;
  }

  /** A labels file naming the three folders in channel_mean's output order (red, green, blue). */
  public static Path labels(Path file, boolean colons) {
    return Fixtures.write(file, String.join("\n", folders(colons)).getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }
}
