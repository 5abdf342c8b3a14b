package io.litescore.train;

import io.litescore.image.ImageDecoder;
import io.litescore.image.Preprocessing;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;

/**
 * An ImageFolder dataset decoded once into memory as uint8 RGB crops (the eval transform up to {@code ToTensor}),
 * with class indices in sorted folder-name order, as torchvision's {@code ImageFolder} assigns them.
 */
record LabelledImages(List<String> classes, byte[][] crops, int[] labels, int size, int skipped) {
  static final List<String> EXTENSIONS = List.of("jpg", "jpeg", "png", "bmp", "gif");

  int count() {
    return labels.length;
  }

  static LabelledImages load(String uri, Preprocessing pre, int threads, int maxImages, List<String> classes,
      PrintStream out) throws IOException {
    Path root = new Path(uri);
    FileSystem fs = root.getFileSystem(new Configuration());
    String prefix = fs.makeQualified(root).toString().replaceAll("/+$", "") + "/";
    List<String[]> files = new ArrayList<>();
    TreeSet<String> found = new TreeSet<>();
    // listStatus, not listFiles: the local file system forks `ls` per LocatedFileStatus to read permissions
    java.util.ArrayDeque<Path> dirs = new java.util.ArrayDeque<>(List.of(root));
    while (!dirs.isEmpty()) {
      for (FileStatus st : fs.listStatus(dirs.pop())) {
        String n = st.getPath().getName();
        if (n.startsWith(".") || n.startsWith("_")) {
          continue;
        }
        if (st.isDirectory()) {
          dirs.push(st.getPath());
          continue;
        }
        String p = st.getPath().toString();
        String rel = p.startsWith(prefix) ? p.substring(prefix.length()) : p;
        int slash = rel.indexOf('/');
        String ext = n.substring(n.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
        if (slash > 0 && EXTENSIONS.contains(ext)) {
          files.add(new String[] {p, rel.substring(0, slash)});
          found.add(rel.substring(0, slash));
        }
      }
    }
    if (files.isEmpty()) {
      throw new IOException("Cannot train: no images in " + uri + " (expected <root>/<class>/<image>)");
    }
    List<String> names = classes != null ? classes : new ArrayList<>(found);
    if (!names.containsAll(found)) {
      TreeSet<String> unknown = new TreeSet<>(found);
      unknown.removeAll(names);
      throw new IOException("Cannot use " + uri + ": classes " + unknown + " are not among " + names);
    }
    Collections.sort(files, (a, b) -> a[0].compareTo(b[0]));
    if (maxImages > 0 && files.size() > maxImages) {
      Collections.shuffle(files, new Random(0));
      files = new ArrayList<>(files.subList(0, maxImages));
    }
    byte[][] crops = new byte[files.size()][];
    int[] labels = new int[files.size()];
    AtomicInteger skipped = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads));
    try {
      List<Future<?>> jobs = new ArrayList<>();
      int chunk = Math.max(1, files.size() / (threads * 8) + 1);
      List<String[]> all = files;
      for (int start = 0; start < files.size(); start += chunk) {
        int from = start;
        int to = Math.min(files.size(), start + chunk);
        jobs.add(pool.submit(() -> {
          ImageDecoder decoder = new ImageDecoder();
          for (int i = from; i < to; i++) {
            String[] f = all.get(i);
            try (FSDataInputStream in = fs.open(new Path(f[0]))) {
              crops[i] = pre.resizeAndCrop(decoder.decode(in.readAllBytes())).pixels();
              labels[i] = names.indexOf(f[1]);
            } catch (Exception e) {
              if (skipped.incrementAndGet() <= 5) {
                out.println("  skipping " + f[0] + ": " + e.getMessage());
              }
            }
          }
          return null;
        }));
      }
      for (Future<?> j : jobs) {
        j.get();
      }
    } catch (Exception e) {
      throw new IOException("Cannot read " + uri + ": " + e.getMessage(), e);
    } finally {
      pool.shutdownNow();
    }
    int kept = files.size() - skipped.get();
    byte[][] keptCrops = new byte[kept][];
    int[] keptLabels = new int[kept];
    for (int i = 0, j = 0; i < crops.length; i++) {
      if (crops[i] != null) {
        keptCrops[j] = crops[i];
        keptLabels[j++] = labels[i];
      }
    }
    return new LabelledImages(List.copyOf(names), keptCrops, keptLabels, pre.crop(), skipped.get());
  }
}
