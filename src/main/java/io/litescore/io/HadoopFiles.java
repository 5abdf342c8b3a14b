package io.litescore.io;

import java.io.BufferedReader;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.util.functional.FutureIO;

/**
 * Small reads and writes through Hadoop's FileSystem API, so every path may be {@code file://}, {@code hdfs://} or
 * {@code s3a://}; the one place where a path string becomes a Hadoop {@link Path}.
 *
 * <p>Path strings are what {@link Path#toString()} prints ({@code file:/data/a b.jpg}, {@code s3a://bucket/k:1.jpg}):
 * characters are not escaped. {@link #path(String)} turns such a string back into the same Path for every name a
 * file system allows, {@code :} included (Hadoop's {@code new Path(String)} takes {@code colon:name.jpg} for a URI
 * scheme).
 */
public final class HadoopFiles {
  /** Java arrays cannot hold more; larger files become error rows rather than crashes. */
  public static final long MAX_FILE_BYTES = Integer.MAX_VALUE - 16;

  /** {@code scheme:} followed by {@code /}: an absolute URI. Anything else with a colon is a plain name. */
  private static final Pattern ABSOLUTE = Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*):(//([^/]*))?(/.*)?");

  private HadoopFiles() {}

  /**
   * The Hadoop path a string names: {@code scheme://authority/path}, {@code scheme:/path}, {@code /path} or a
   * relative path; any character a file system allows in a name, including {@code :}, {@code %}, {@code #},
   * {@code ?}, spaces and non-ASCII, is part of the name.
   */
  public static Path path(String s) {
    try {
      Matcher m = ABSOLUTE.matcher(s);
      if (m.matches() && (m.group(2) != null || m.group(4) != null)) {
        String p = m.group(4) == null ? "/" : m.group(4);
        return new Path(new URI(m.group(1), m.group(3), p, null, null));
      }
      return new Path(new URI(null, null, s, null, null));
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("Cannot use '" + s + "' as a path: " + e.getMessage(), e);
    }
  }

  /** True when {@code s} is an absolute URI or path ({@code scheme:/...} or {@code /...}), not a relative name. */
  public static boolean isAbsolute(String s) {
    if (s.startsWith("/")) {
      return true;
    }
    Matcher m = ABSOLUTE.matcher(s);
    return m.matches() && (m.group(2) != null || m.group(4) != null);
  }

  /**
   * The file system to read {@code p} with. On local disks that is the raw one: the checksummed wrapper would look
   * for a {@code .<name>.crc} file beside every image (there is none) and cannot even name one for some names.
   */
  public static FileSystem readerFor(Path p, Configuration conf) throws IOException {
    FileSystem fs = p.getFileSystem(conf);
    return fs instanceof LocalFileSystem local ? local.getRaw() : fs;
  }

  /** The whole file; {@code knownLength >= 0} saves a metadata request (object stores fetch it in one GET). */
  public static byte[] readAll(String uri, long knownLength, Configuration conf) throws IOException {
    Path p = path(uri);
    FileSystem fs = readerFor(p, conf);
    try {
      long length = knownLength >= 0 ? knownLength : fs.getFileStatus(p).getLen();
      if (length > MAX_FILE_BYTES) {
        throw new IOException("file of " + length + " bytes is larger than the 2 GiB a single image may have");
      }
      byte[] out = new byte[(int) length];
      // The length is known and the whole file is read: object stores (S3A) then skip the HEAD request and fetch
      // the object in one GET. Other file systems ignore these options.
      try (FSDataInputStream in = FutureIO.awaitFuture(fs.openFile(p)
          .opt("fs.option.openfile.read.policy", "whole-file")
          .opt("fs.option.openfile.length", Long.toString(length))
          .build())) {
        in.readFully(0, out);
      }
      return out;
    } catch (FileNotFoundException e) {
      throw e;
    } catch (IOException e) {
      throw StoreErrors.explain(e, p, conf);
    }
  }

  /** The lines of a UTF-8 text file. */
  public static List<String> readLines(String uri, Configuration conf) throws IOException {
    Path p = path(uri);
    List<String> lines = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(
        new InputStreamReader(readerFor(p, conf).open(p), StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        lines.add(line);
      }
    } catch (FileNotFoundException e) {
      throw e;
    } catch (IOException e) {
      throw StoreErrors.explain(e, p, conf);
    }
    return lines;
  }

  /** A UTF-8 text file's content. */
  public static String readText(String uri, Configuration conf) throws IOException {
    return String.join("\n", readLines(uri, conf));
  }

  /** Writes (replaces) a UTF-8 text file. */
  public static void writeText(String uri, String text, Configuration conf) {
    Path p = path(uri);
    try {
      FileSystem fs = p.getFileSystem(conf);
      try (OutputStream out = fs.create(p, true)) {
        out.write(text.getBytes(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + p + ": " + e.getMessage(), e);
    }
  }

  /** Whether the file or folder exists; false also when the URI cannot be resolved. */
  public static boolean exists(String uri, Configuration conf) {
    try {
      Path p = path(uri);
      return p.getFileSystem(conf).exists(p);
    } catch (IOException | IllegalArgumentException e) {
      return false;
    }
  }

  /** The fully qualified form of a URI or local path ({@code data} becomes {@code file:/home/me/data}). */
  public static String qualify(String uri, Configuration conf) throws IOException {
    Path p = path(uri);
    return p.getFileSystem(conf).makeQualified(p).toString();
  }

  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The last component of a path string. */
  public static String fileName(String path) {
    int slash = path.lastIndexOf('/');
    return slash >= 0 ? path.substring(slash + 1) : path;
  }
}
