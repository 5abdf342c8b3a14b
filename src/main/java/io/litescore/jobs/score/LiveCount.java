package io.litescore.jobs.score;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.AccumulableInfo;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorMetricsUpdate;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.util.LongAccumulator;
import scala.Tuple4;
import scala.jdk.javaapi.CollectionConverters;

/**
 * A counter's live value on the driver: what finished tasks added to the accumulator, plus what running tasks
 * reported in their executors' last heartbeats ({@code spark.executor.heartbeatInterval}). An accumulator alone only
 * moves when a task ends, which with a few long tasks means no progress until the end.
 */
final class LiveCount extends SparkListener implements LongSupplier, AutoCloseable {
  private final SparkContext sc;
  private final LongAccumulator counter;
  private final ConcurrentHashMap<Long, Long> running = new ConcurrentHashMap<>();

  LiveCount(SparkContext sc, LongAccumulator counter) {
    this.sc = sc;
    this.counter = counter;
    sc.addSparkListener(this);
  }

  @Override
  public void onExecutorMetricsUpdate(SparkListenerExecutorMetricsUpdate update) {
    for (Tuple4<Object, Object, Object, scala.collection.immutable.Seq<AccumulableInfo>> t
        : CollectionConverters.asJava(update.accumUpdates())) {
      for (AccumulableInfo a : CollectionConverters.asJava(t._4())) {
        if (a.id() == counter.id() && a.update().isDefined() && a.update().get() instanceof Number n) {
          running.put((Long) t._1(), n.longValue());
        }
      }
    }
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd end) {
    running.remove(end.taskInfo().taskId());
  }

  @Override
  public long getAsLong() {
    long sum = counter.value();
    for (long v : running.values()) {
      sum += v;
    }
    return sum;
  }

  @Override
  public void close() {
    sc.removeSparkListener(this);
  }
}
