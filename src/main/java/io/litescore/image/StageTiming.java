package io.litescore.image;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Decode and preprocess timing, one thread, on files already read into memory: what {@code litescore bench}
 * phase b and {@code notebooks/pil_stage_timing.py} report side by side. Pure Java (no Spark, no DJL).
 *
 * <p>Each round decodes every file ({@link ImageDecoder#decode(byte[], int)}) and preprocesses the decoded image
 * into one reused direct buffer ({@link Preprocessing#apply(RgbImage, FloatBuffer, int)}), as a scoring task does;
 * the first {@code warmup} rounds are not counted (JIT). Wall and thread-CPU time are summed per stage and per
 * format; {@code ms/img} is total time / (images x rounds).
 */
public final class StageTiming {
  private StageTiming() {}

  /** Sums of one stage over the measured rounds. */
  public static final class Stage {
    long images;
    long wallNanos;
    long cpuNanos;

    public long images() {
      return images;
    }

    public double msPerImage() {
      return images == 0 ? Double.NaN : wallNanos / 1e6 / images;
    }

    public double cpuMsPerImage() {
      return images == 0 ? Double.NaN : cpuNanos / 1e6 / images;
    }
  }

  /**
   * What one measurement gave.
   *
   * @param files files given
   * @param failed files that did not decode (left out of every sum)
   * @param rounds rounds measured (warm-up excluded)
   * @param decode decode, every format
   * @param preprocess preprocess of the decoded images
   * @param decodeByFormat decode per format ({@code jpeg}, {@code png}, {@code webp}, {@code other})
   */
  public record Result(int files, int failed, int rounds, Stage decode, Stage preprocess,
      Map<String, Stage> decodeByFormat) {
    /** One JSON object, the keys {@code notebooks/pil_stage_timing.py} reads. */
    public String toJson() {
      StringBuilder s = new StringBuilder("{");
      s.append("\"files\": ").append(files).append(", \"failed\": ").append(failed)
          .append(", \"rounds\": ").append(rounds).append(", ");
      stage(s, "decode", decode).append(", ");
      stage(s, "preprocess", preprocess);
      for (Map.Entry<String, Stage> e : decodeByFormat.entrySet()) {
        stage(s.append(", "), "decode_" + e.getKey(), e.getValue());
      }
      return s.append("}").toString();
    }

    private static StringBuilder stage(StringBuilder s, String name, Stage st) {
      return s.append(String.format(Locale.ROOT, "\"%s\": {\"images\": %d, \"ms_per_img\": %.4f, \"cpu_ms_per_img\": %.4f}",
          name, st.images, st.msPerImage(), st.cpuMsPerImage()));
    }
  }

  /** The format of a file by its first bytes: jpeg, png, webp or other. */
  public static String format(byte[] b) {
    if (b.length >= 3 && (b[0] & 0xff) == 0xFF && (b[1] & 0xff) == 0xD8) {
      return "jpeg";
    }
    if (ImageDecoder.pngSize(b) != null) {
      return "png";
    }
    if (WebpHeader.isWebp(b)) {
      return "webp";
    }
    return "other";
  }

  /**
   * Times decode and preprocess of {@code files}: {@code warmup} rounds not counted, then {@code rounds} counted.
   * {@code minShortSide > 0} is {@code preprocessing.mode = fast}.
   */
  public static Result measure(List<byte[]> files, ImageDecoder decoder, Preprocessing pre, int minShortSide,
      int warmup, int rounds) {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    FloatBuffer out = ByteBuffer.allocateDirect(pre.tensorSize() * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
    Stage decode = new Stage();
    Stage preprocess = new Stage();
    Map<String, Stage> byFormat = new LinkedHashMap<>();
    String[] formats = new String[files.size()];
    for (int i = 0; i < formats.length; i++) {
      formats[i] = format(files.get(i));
    }
    boolean[] bad = new boolean[files.size()];
    DecodeBuffers reuse = new DecodeBuffers(); // as a scoring task decodes
    for (int round = 0; round < warmup + rounds; round++) {
      boolean counted = round >= warmup;
      for (int i = 0; i < files.size(); i++) {
        if (bad[i]) {
          continue;
        }
        long c0 = mx.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        RgbImage img;
        try {
          img = decoder.decode(files.get(i), minShortSide, reuse);
        } catch (ImageDecodeException e) {
          bad[i] = true;
          continue;
        }
        long t1 = System.nanoTime();
        long c1 = mx.getCurrentThreadCpuTime();
        pre.apply(img, out, 0);
        long t2 = System.nanoTime();
        long c2 = mx.getCurrentThreadCpuTime();
        if (counted) {
          add(decode, t1 - t0, c1 - c0);
          add(byFormat.computeIfAbsent(formats[i], k -> new Stage()), t1 - t0, c1 - c0);
          add(preprocess, t2 - t1, c2 - c1);
        }
      }
    }
    int failed = 0;
    for (boolean b : bad) {
      failed += b ? 1 : 0;
    }
    return new Result(files.size(), failed, rounds, decode, preprocess, byFormat);
  }

  private static void add(Stage s, long wall, long cpu) {
    s.images++;
    s.wallNanos += wall;
    s.cpuNanos += cpu;
  }

  /**
   * Per file, tab-separated: path, width, height, sha256 of the decoded RGB bytes, sha256 of the float32
   * little-endian tensor (or the error instead of the last three): what {@code pil_stage_timing.py --check}
   * compares with PIL and torchvision.
   */
  public static void writeHashes(List<Path> paths, List<byte[]> files, ImageDecoder decoder, Preprocessing pre,
      int minShortSide, PrintStream out) {
    for (int i = 0; i < files.size(); i++) {
      try {
        RgbImage img = decoder.decode(files.get(i), minShortSide);
        float[] t = pre.apply(img);
        ByteBuffer le = ByteBuffer.allocate(t.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        le.asFloatBuffer().put(t);
        out.println(paths.get(i) + "\t" + img.width() + "\t" + img.height() + "\t" + sha256(img.pixels()) + "\t"
            + sha256(le.array()));
      } catch (ImageDecodeException e) {
        out.println(paths.get(i) + "\terror\t" + e.getMessage().replace('\t', ' ').replace('\n', ' '));
      }
    }
  }

  static String sha256(byte[] b) {
    try {
      StringBuilder s = new StringBuilder();
      for (byte x : MessageDigest.getInstance("SHA-256").digest(b)) {
        s.append(String.format("%02x", x & 0xff));
      }
      return s.toString();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The files named in {@code list} (one path a line), or the image files below a folder, sorted. */
  static List<Path> paths(Path listOrDir) throws IOException {
    if (Files.isDirectory(listOrDir)) {
      try (Stream<Path> s = Files.walk(listOrDir)) {
        return s.filter(Files::isRegularFile)
            .filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).matches(".*\\.(jpe?g|png|webp)"))
            .sorted().toList();
      }
    }
    List<Path> out = new ArrayList<>();
    for (String line : Files.readAllLines(listOrDir, StandardCharsets.UTF_8)) {
      if (!line.isBlank()) {
        out.add(Path.of(line.strip()));
      }
    }
    return out;
  }

  /**
   * {@code StageTiming FILES [--resize 256] [--crop 224] [--rounds 3] [--warmup 1] [--fast] [--imageio]
   * [--hashes OUT.tsv]}: FILES is a folder (image files below it, sorted) or a text file of paths. Prints one
   * JSON line (see {@link Result#toJson()}). {@code --imageio}: ImageIO only (no OpenCV).
   */
  public static void main(String[] args) throws Exception {
    if (args.length == 0) {
      System.err.println("usage: StageTiming FILES|DIR [--resize N] [--crop N] [--rounds N] [--warmup N] [--fast]"
          + " [--imageio] [--hashes OUT.tsv]");
      System.exit(2);
    }
    int resize = 256;
    int crop = 224;
    int rounds = 3;
    int warmup = 1;
    boolean fast = false;
    boolean imageIo = false;
    Path hashes = null;
    for (int i = 1; i < args.length; i++) {
      switch (args[i]) {
        case "--resize" -> resize = Integer.parseInt(args[++i]);
        case "--crop" -> crop = Integer.parseInt(args[++i]);
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        case "--warmup" -> warmup = Integer.parseInt(args[++i]);
        case "--fast" -> fast = true;
        case "--imageio" -> imageIo = true;
        case "--hashes" -> hashes = Path.of(args[++i]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    List<Path> paths = paths(Path.of(args[0]));
    List<byte[]> files = new ArrayList<>();
    for (Path p : paths) {
      files.add(Files.readAllBytes(p));
    }
    ImageDecoder decoder = new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS, !imageIo);
    Preprocessing pre = Preprocessing.imagenet(resize, crop);
    int minShortSide = fast ? resize : 0;
    if (hashes != null) {
      try (PrintStream out = new PrintStream(Files.newOutputStream(hashes), false, StandardCharsets.UTF_8)) {
        writeHashes(paths, files, decoder, pre, minShortSide, out);
      }
    }
    if (rounds > 0) {
      System.out.println(measure(files, decoder, pre, minShortSide, warmup, rounds).toJson());
    }
  }
}
