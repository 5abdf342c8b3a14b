package io.litescore.io;

import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * Turns object-store failures whose cause a user cannot guess from the exception into messages that name the
 * store, the object and the setting to change.
 */
final class StoreErrors {
  private StoreErrors() {}

  /** {@code e} itself, or an IOException that says what to do, with {@code e} as its cause. */
  static IOException explain(IOException e, Path p, Configuration conf) {
    String text = messages(e);
    if ("s3a".equals(p.toUri().getScheme()) && text.contains("requires ETag")) {
      String bucket = p.toUri().getHost();
      String endpoint = conf.getTrimmed("fs.s3a.bucket." + bucket + ".endpoint", conf.getTrimmed("fs.s3a.endpoint",
          "the default AWS endpoint"));
      return new IOException("the S3 store at " + (endpoint.isEmpty() ? "the default AWS endpoint" : endpoint)
          + " returned no ETag for s3a://" + bucket + p.toUri().getPath() + ", and S3A's change detection requires "
          + "one (fs.s3a.change.detection.version.required = true by default). For a store that sends no ETags set "
          + "spark.hadoop.fs.s3a.change.detection.version.required=false (for this bucket only: "
          + "spark.hadoop.fs.s3a.bucket." + bucket + ".change.detection.version.required=false); see README, "
          + "\"S3 stores without ETags\"", e);
    }
    return e;
  }

  private static String messages(Throwable e) {
    StringBuilder s = new StringBuilder();
    for (Throwable t = e; t != null && s.length() < 10_000; t = t.getCause() == t ? null : t.getCause()) {
      s.append(t.getMessage()).append('\n');
    }
    return s.toString();
  }
}
