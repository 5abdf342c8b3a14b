package io.litescore.ml;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.SparkContext;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.LongAccumulator;

/**
 * What a scoring pass measures, for jobs that report it: images done, CPU nanoseconds spent reading, decoding and
 * preprocessing, and per model the loads into executor JVMs, CPU nanoseconds of inference and the devices used.
 * Times are thread CPU time: a task preempted on a busy executor is not charged for the wait (libtorch runs a
 * one-thread model on the calling thread).
 */
public record PassCounters(LongAccumulator done, LongAccumulator decodeNanos, List<LongAccumulator> loads,
    List<LongAccumulator> inferNanos, List<CollectionAccumulator<String>> devices) implements Serializable {

  /** Fresh accumulators for a pass over these models. */
  public static PassCounters create(SparkContext sc, List<String> models) {
    List<LongAccumulator> loads = new ArrayList<>();
    List<LongAccumulator> infer = new ArrayList<>();
    List<CollectionAccumulator<String>> devices = new ArrayList<>();
    for (String m : models) {
      loads.add(sc.longAccumulator("model loads " + m));
      infer.add(sc.longAccumulator("inference ns " + m));
      devices.add(sc.collectionAccumulator("devices " + m));
    }
    return new PassCounters(sc.longAccumulator("images done"), sc.longAccumulator("decode ns"), loads, infer,
        devices);
  }
}
