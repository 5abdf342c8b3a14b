package io.litescore.spark;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.util.functional.FutureIO;

/** Small reads through Hadoop's FileSystem API, so every path may be file://, hdfs:// or s3a://. */
final class HadoopFiles {
  /** Java arrays cannot hold more; larger files become error rows rather than crashes. */
  static final long MAX_FILE_BYTES = Integer.MAX_VALUE - 16;

  private HadoopFiles() {}

  static byte[] readAll(String uri, long knownLength, Configuration conf) throws IOException {
    Path p = new Path(uri);
    FileSystem fs = p.getFileSystem(conf);
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
  }

  static List<String> readLines(String uri, Configuration conf) throws IOException {
    Path p = new Path(uri);
    List<String> lines = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(
        new InputStreamReader(p.getFileSystem(conf).open(p), StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        lines.add(line);
      }
    }
    return lines;
  }

  static String qualify(String uri, Configuration conf) throws IOException {
    Path p = new Path(uri);
    return p.getFileSystem(conf).makeQualified(p).toString();
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
