package io.litescore.jobs;

import io.litescore.config.ScoreConfig;
import io.litescore.io.LocalFiles;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * Builds the session a job runs in: {@code spark-conf} applied as-is, a local master when none is given.
 *
 * <p>Start-up: Spark's generic {@code SparkSession.builder()} finds the classic session by Scala reflection, and
 * spark-mllib's session extension ({@code org.apache.spark.sql.ml.InternalFunctionRegistration}, found through
 * {@code ServiceLoader}) defines its vector UDFs with type tags. Either one initialises Scala's runtime reflection
 * universe, about a second of a fresh JVM's two cores. litescore's jobs use neither that lookup nor those
 * functions ({@code vector_to_array}, {@code array_to_vector}), so their sessions are built with the classic
 * builder and without that one extension; every other extension (ServiceLoader or {@code spark.sql.extensions})
 * is applied as usual. Sessions that users build for {@link io.litescore.ml.ImageClassifier} are not touched.
 * Spark still needs that universe where a task converts rows with a row encoder (a Dataset's {@code map} or
 * {@code mapPartitions}: Catalyst's {@code Invoke} names its method through it). A batch score run has no such
 * step ({@link io.litescore.ml.CatalystRows}); streaming and incremental runs, and the other jobs, do: in a local
 * session, whose tasks run in this JVM, it is initialised for them on a background thread while the session starts.
 */
public final class Sessions {
  private static final String FILE_IMPL = "spark.hadoop.fs.file.impl";
  private static final String UI = "spark.ui.enabled";

  private Sessions() {}

  /**
   * Spark's logging, configured now on this thread: where no log4j2 file is given (spark-submit without one), the
   * first line Spark logs replaces the whole configuration with Spark's defaults, and a level that a background
   * thread set before that (a native library's start-up kept quiet, {@code TorchRuntime}) would be lost. Call it
   * before starting such a thread; Spark configures its logging once, so later calls do nothing. Where a log4j2
   * file is given ({@code log4j2.configurationFile}, as {@code jobs/litescore} does), Spark keeps it and nothing
   * needs doing here.
   */
  public static void configureLogging() {
    if (System.getProperty("log4j2.configurationFile") == null) {
      org.apache.spark.util.Utils$.MODULE$.initializeLogIfNecessary(false, false);
    }
  }

  /** The session of a job that runs {@code config}'s scoring (the score, bench and soak commands). */
  public static SparkSession forConfig(ScoreConfig config, String appName) {
    // a batch run's datasets are read and scored without row encoders; a streaming Dataset, and the shuffled
    // plan of an incremental run, are mapped with them
    return forConf(config.sparkConf(), appName, config.stream().enabled() || config.run().incremental());
  }

  /** The same, for jobs without a score config: {@code conf} holds full Spark property names. */
  public static SparkSession forConf(Map<String, String> conf, String appName) {
    return forConf(conf, appName, true);
  }

  private static SparkSession forConf(Map<String, String> conf, String appName, boolean rowEncoders) {
    org.apache.spark.sql.classic.SparkSession.Builder b = org.apache.spark.sql.classic.SparkSession.builder()
        .appName(appName);
    // spark-submit passes its settings as system properties, which SparkConf reads.
    SparkConf system = new SparkConf();
    defaults(conf, system).forEach(b::config);
    conf.forEach(b::config);
    if (rowEncoders && master(conf, system).startsWith("local")) {
      initScalaReflectionInBackground();
    }
    Thread thread = Thread.currentThread();
    ClassLoader context = thread.getContextClassLoader();
    thread.setContextClassLoader(new WithoutMlExtension(context != null ? context
        : Sessions.class.getClassLoader()));
    try {
      org.apache.spark.sql.classic.SparkSession session = b.getOrCreate();
      // its SQL state (catalog, analyzer, function registry: 0.1-0.15 s of a fresh JVM) made here, so that a job's
      // first step does not pay for it and the session's start-up is measured whole
      session.sessionState();
      return session;
    } finally {
      thread.setContextClassLoader(context);
    }
  }

  /**
   * What litescore sets where neither {@code conf} nor the system properties ({@code system}) do:
   * <ul>
   *   <li>{@code spark.master = local[*]} (no master given: a run in this JVM);
   *   <li>{@code spark.ui.showConsoleProgress = false} (the jobs print their own progress);
   *   <li>local masters only (one JVM, whose class path the tasks share): {@code file://} through
   *       {@link LocalFiles}, and no web UI. A local run is one command that prints its own progress; Spark's UI
   *       took 0.1-0.15 s of every start-up on 2 cores (its Jetty server and pages are built before the session
   *       returns). {@code spark.ui.enabled = true} brings it back.
   * </ul>
   */
  static Map<String, String> defaults(Map<String, String> conf, SparkConf system) {
    Map<String, String> d = new java.util.LinkedHashMap<>();
    boolean masterGiven = conf.containsKey("spark.master") || system.contains("spark.master");
    if (!masterGiven) {
      d.put("spark.master", "local[*]");
    }
    if (!conf.containsKey("spark.ui.showConsoleProgress")) {
      d.put("spark.ui.showConsoleProgress", "false");
    }
    if (master(conf, system).matches("local(\\[.*])?")) {
      if (!conf.containsKey(FILE_IMPL) && !system.contains(FILE_IMPL)) {
        d.put(FILE_IMPL, LocalFiles.class.getName());
      }
      if (!conf.containsKey(UI) && !system.contains(UI)) {
        d.put(UI, "false");
      }
    }
    return d;
  }

  /** The master the session runs on: {@code conf}'s, else spark-submit's, else {@code local[*]}. */
  private static String master(Map<String, String> conf, SparkConf system) {
    return conf.getOrDefault("spark.master", system.get("spark.master", "local[*]"));
  }

  /** Initialises Catalyst's {@code ScalaReflection} (and Scala's runtime universe) on a daemon thread. */
  private static void initScalaReflectionInBackground() {
    Thread t = new Thread(() -> {
      try {
        org.apache.spark.sql.catalyst.ScalaReflection$.MODULE$.universe();
      } catch (RuntimeException | LinkageError e) {
        // the first task that needs it initialises it, and reports what fails
      }
    }, "litescore-scala-reflection");
    t.setDaemon(true);
    t.start();
  }

  /**
   * The context class loader while a session is built: the same classes and resources, except that the list of
   * session extension providers leaves out spark-mllib's (a service file naming nothing but it).
   */
  static final class WithoutMlExtension extends ClassLoader {
    static final String PROVIDERS = "META-INF/services/org.apache.spark.sql.SparkSessionExtensionsProvider";
    static final String ML_PROVIDER = "org.apache.spark.sql.ml.InternalFunctionRegistration";

    WithoutMlExtension(ClassLoader parent) {
      super(parent);
    }

    @Override
    public Enumeration<URL> getResources(String name) throws IOException {
      Enumeration<URL> all = super.getResources(name);
      if (!name.equals(PROVIDERS)) {
        return all;
      }
      List<URL> kept = new ArrayList<>();
      for (URL url : Collections.list(all)) {
        String text;
        try (InputStream in = url.openStream()) {
          text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        boolean onlyMl = text.lines().map(l -> l.replaceFirst("#.*", "").trim()).filter(l -> !l.isEmpty())
            .allMatch(ML_PROVIDER::equals);
        if (!onlyMl) {
          kept.add(url);
        }
      }
      return Collections.enumeration(kept);
    }
  }
}
