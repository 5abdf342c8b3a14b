package io.litescore.jobs.score;

import io.litescore.config.ScoreConfig;
import io.litescore.io.SerializableHadoopConf;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;

/** The dataset's image files as the score job lists them, walked in this JVM (benchmarks take a sample). */
public final class ImageFiles {
  private ImageFiles() {}

  /** Up to {@code max} image paths below {@code dataset.path}, in listing order. */
  public static List<String> list(ScoreConfig.Dataset ds, Configuration conf, int max) throws IOException {
    List<String> paths = new ArrayList<>();
    Iterator<Row> it = new FileWalker(ds.extensions(), new SerializableHadoopConf(conf))
        .call(ImageListing.root(ds, conf));
    while (it.hasNext() && paths.size() < max) {
      paths.add(it.next().getString(0));
    }
    return paths;
  }
}
