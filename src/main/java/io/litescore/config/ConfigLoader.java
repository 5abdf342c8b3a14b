package io.litescore.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import io.litescore.config.ScoreConfig.Layout;
import io.litescore.image.Preprocessing;
import java.io.File;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Reads a {@code score} configuration. Precedence, highest first: {@code --set key=value} overrides, the
 * {@code --conf} file (HOCON; plain JSON is valid HOCON), then the defaults in {@code litescore/defaults.conf}.
 * Each model entry falls back to {@code model-defaults}.
 */
public final class ConfigLoader {
  private static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9._-]+");
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  private ConfigLoader() {}

  public static ScoreConfig load(File file, List<String> overrides) {
    Config base;
    if (file == null) {
      base = ConfigFactory.empty();
    } else {
      if (!file.isFile()) {
        throw new ConfigError("Cannot score: --conf " + file + ": expected a readable config file");
      }
      try {
        base = ConfigFactory.parseFile(file, ConfigParseOptions.defaults().setSyntax(ConfigSyntax.CONF)
            .setAllowMissing(false));
      } catch (ConfigException e) {
        throw new ConfigError("Cannot score: --conf " + file + " is not valid HOCON/JSON: " + e.getMessage(), e);
      }
    }
    return parse(withOverrides(base, overrides));
  }

  /** Applies {@code key=value} overrides (HOCON syntax on each side) on top of {@code base}. */
  public static Config withOverrides(Config base, List<String> overrides) {
    Config result = base;
    for (String o : overrides) {
      int eq = o.indexOf('=');
      if (eq <= 0) {
        throw new ConfigError("Cannot score: --set " + o + ": expected key=value");
      }
      try {
        result = ConfigFactory.parseString(o).withFallback(result);
      } catch (ConfigException e) {
        throw new ConfigError("Cannot score: --set " + o + " is not valid HOCON: " + e.getMessage(), e);
      }
    }
    return result;
  }

  private static final String DEFAULTS = "litescore/defaults.conf";

  /** Resolves and validates a configuration against the defaults. */
  public static ScoreConfig parse(Config user) {
    // the one copy in litescore's jar: parseResources would list every jar of the class path for others
    java.net.URL url = ConfigLoader.class.getClassLoader().getResource(DEFAULTS);
    if (url == null) {
      throw new IllegalStateException("Cannot score: " + DEFAULTS + " is not on the class path");
    }
    Config defaults = ConfigFactory.parseURL(url);
    Config c;
    try {
      c = user.withFallback(defaults).resolve();
    } catch (ConfigException e) {
      throw new ConfigError("Cannot score: " + e.getMessage(), e);
    }

    boolean streaming = bool(c, "stream.enabled");
    String runId = c.hasPath("run.id") ? string(c, "run.id") : streaming ? "stream" : defaultRunId();
    if (!RUN_ID.matcher(runId).matches()) {
      throw ConfigError.of("run.id", runId, "letters, digits, '.', '_' or '-' (it names a Parquet partition)");
    }
    ScoreConfig.Run run = new ScoreConfig.Run(runId, nonEmpty(c, "run.output"), bool(c, "run.incremental"));

    String layoutText = string(c, "dataset.layout");
    Layout layout;
    try {
      layout = Layout.valueOf(layoutText.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw ConfigError.of("dataset.layout", layoutText, "one of imagefolder, manifest, unlabeled, table");
    }
    String manifest = c.hasPath("dataset.manifest") ? string(c, "dataset.manifest") : null;
    if (layout == Layout.MANIFEST && (manifest == null || manifest.isBlank())) {
      throw ConfigError.of("dataset.manifest", manifest, "a CSV or Parquet file with columns path[,label] when "
          + "dataset.layout = manifest");
    }
    List<String> extensions = stringList(c, "dataset.extensions");
    if (extensions.isEmpty()) {
      throw ConfigError.of("dataset.extensions", "[]", "at least one file extension such as jpg");
    }
    List<String> ext = new ArrayList<>();
    for (String e : extensions) {
      String norm = e.startsWith(".") ? e.substring(1) : e;
      if (!norm.matches("[A-Za-z0-9]+")) {
        throw ConfigError.of("dataset.extensions", e, "file extensions made of letters and digits");
      }
      ext.add(norm.toLowerCase(Locale.ROOT));
    }
    String path = layout == Layout.MANIFEST && !c.hasPath("dataset.path") ? "" : nonEmpty(c, "dataset.path");
    ScoreConfig.Table table = new ScoreConfig.Table(nonEmpty(c, "dataset.format"),
        optional(c, "dataset.content-column", "dataset.content-column"),
        optional(c, "dataset.label-column", "dataset.label-column"),
        optional(c, "dataset.id-column", "dataset.id-column"));
    if (layout != Layout.TABLE) {
      for (String key : List.of("content-column", "label-column", "id-column")) {
        if (c.hasPath("dataset." + key)) {
          throw ConfigError.of("dataset." + key, string(c, "dataset." + key), "no value unless dataset.layout = "
              + "table (it is " + layout.key() + ")");
        }
      }
    }
    String labelMap = optional(c, "dataset.label-map", "dataset.label-map");
    ScoreConfig.Dataset dataset = new ScoreConfig.Dataset(path, layout, manifest, List.copyOf(ext),
        intAtLeast(c, "dataset.partitions", 0), longAtLeast(c, "dataset.max-pixels", 1), table, labelMap,
        bool(c, "dataset.labels-are-indices"));

    ScoreConfig.Output output = new ScoreConfig.Output(intAtLeast(c, "output.top-k", 1), bool(c, "output.logits"));

    String device = string(c, "runtime.device");
    if (!List.of("auto", "cpu", "gpu").contains(device)) {
      throw ConfigError.of("runtime.device", device, "auto, cpu or gpu");
    }
    ScoreConfig.Runtime runtime = new ScoreConfig.Runtime(device, intAtLeast(c, "runtime.threads", 0),
        prefetch(c));

    List<ModelSpec> models = models(c);
    String trigger = string(c, "stream.trigger").strip().toLowerCase(Locale.ROOT);
    if (!trigger.equals("available-now") && !trigger.matches("\\d+\\s*(ms|milliseconds?|s|seconds?|m|minutes?|h|hours?)")) {
      throw ConfigError.of("stream.trigger", trigger, "available-now, or an interval such as '30 seconds' or '5 "
          + "minutes'");
    }
    ScoreConfig.Stream stream = new ScoreConfig.Stream(streaming, optional(c, "stream.checkpoint",
        "stream.checkpoint"), trigger, longAtLeast(c, "stream.max-files-per-trigger", 0));
    if (streaming && run.incremental()) {
      throw ConfigError.of("run.incremental", true, "false with --stream: a stream's checkpoint already remembers "
          + "what it scored");
    }
    if (streaming && layout == Layout.MANIFEST) {
      throw ConfigError.of("dataset.layout", layout.key(), "imagefolder, unlabeled or table with --stream (a "
          + "manifest is one fixed list)");
    }
    return new ScoreConfig(run, dataset, models, output, runtime, stream, sparkConf(c));
  }

  private static List<ModelSpec> models(Config c) {
    if (!c.hasPath("models") || c.getValue("models").valueType() != ConfigValueType.LIST) {
      throw ConfigError.of("models", c.hasPath("models") ? c.getValue("models").render() : null,
          "a non-empty list of models, each { name, uri, labels }");
    }
    List<? extends ConfigObject> entries = c.getObjectList("models");
    if (entries.isEmpty()) {
      throw ConfigError.of("models", "[]", "at least one model");
    }
    Config fallback = c.getConfig("model-defaults");
    List<ModelSpec> out = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < entries.size(); i++) {
      String k = "models[" + i + "]";
      KeyNames keys = KeyNames.config(i);
      Config m = entries.get(i).toConfig().withFallback(fallback);
      String name = nonEmpty(m, "name", k + ".name");
      if (!NAME.matcher(name).matches()) {
        throw ConfigError.of(k + ".name", name, "letters, digits, '.', '_' or '-' (it names a Parquet partition)");
      }
      if (!names.add(name)) {
        throw ConfigError.of(k + ".name", name, "a name no other model in this run has");
      }
      Config own = entries.get(i).toConfig();
      ModelEntry entry = ModelEntry.of(optional(m, "uri", k + ".uri"), optional(m, "arch", k + ".arch"),
          m.hasPath("weights") ? string(m, "weights", k + ".weights") : null, optional(m, "artifact",
              k + ".artifact"), keys, entries.get(i).render(ConfigRenderOptions.concise()));
      String labels = entry.needsLabels() ? nonEmpty(m, "labels", k + ".labels") : optional(m, "labels",
          k + ".labels");
      String stem = string(m, "stem", k + ".stem").toLowerCase(Locale.ROOT);
      if (!stem.equals("standard") && !stem.equals("small")) {
        throw ConfigError.of(k + ".stem", stem, "standard or small");
      }
      int numClasses = intAtLeast(m, "num-classes", 0, k + ".num-classes");
      String sha = m.hasPath("sha256") ? string(m, "sha256", k + ".sha256").toLowerCase(Locale.ROOT) : null;
      if (sha != null && !SHA256.matcher(sha).matches()) {
        throw ConfigError.of(k + ".sha256", sha, "64 hexadecimal digits");
      }
      int resize = intAtLeast(m, "preprocessing.resize", 1, k + ".preprocessing.resize");
      int crop = intAtLeast(m, "preprocessing.crop", 1, k + ".preprocessing.crop");
      if (crop > resize) {
        throw ConfigError.of(k + ".preprocessing.crop", crop, "at most preprocessing.resize (" + resize + ")");
      }
      float[] mean = triple(m, "preprocessing.mean", k + ".preprocessing.mean", false);
      float[] std = triple(m, "preprocessing.std", k + ".preprocessing.std", true);
      Set<String> explicit = new TreeSet<>();
      for (String p : List.of("resize", "crop", "mean", "std")) {
        if (own.hasPath("preprocessing." + p)) {
          explicit.add(p);
        }
      }
      String mode = string(m, "preprocessing.mode", k + ".preprocessing.mode").toLowerCase(Locale.ROOT);
      if (!mode.equals("exact") && !mode.equals("fast")) {
        throw ConfigError.of(k + ".preprocessing.mode", mode, "exact (torchvision's pixels) or fast (JPEGs much "
            + "larger than the input are decoded at 1/2, 1/4 or 1/8 scale)");
      }
      int batch = intAtLeast(m, "batch-size", 1, k + ".batch-size");
      String engine = ModelSpec.checkEngine(string(m, "engine", k + ".engine"), entry, keys);
      out.add(new ModelSpec(name, entry, labels, numClasses, stem, sha, new Preprocessing(resize, crop, mean, std),
          Set.copyOf(explicit), batch, mode.equals("fast"), engine, keys));
    }
    return List.copyOf(out);
  }

  private static Map<String, String> sparkConf(Config c) {
    Map<String, String> out = new LinkedHashMap<>();
    if (c.hasPath("spark-conf")) {
      flatten("", c.getObject("spark-conf"), out);
    }
    return out;
  }

  /** Accepts both {@code "spark.master" = x} (one quoted key) and {@code spark.master = x} (nested objects). */
  private static void flatten(String prefix, ConfigObject obj, Map<String, String> out) {
    for (Map.Entry<String, ConfigValue> e : obj.entrySet()) {
      String key = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
      ConfigValue v = e.getValue();
      if (v.valueType() == ConfigValueType.OBJECT) {
        flatten(key, (ConfigObject) v, out);
      } else if (v.valueType() == ConfigValueType.LIST) {
        throw ConfigError.of("spark-conf." + key, v.render(), "a single value (Spark properties are strings)");
      } else if (v.valueType() != ConfigValueType.NULL) {
        out.put(key, String.valueOf(v.unwrapped()));
      }
    }
  }

  private static String defaultRunId() {
    return "run-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
  }

  private static String optional(Config c, String path, String key) {
    if (!c.hasPath(path)) {
      return null;
    }
    String s = string(c, path, key);
    if (s.isBlank()) {
      throw ConfigError.of(key, s, "a non-empty string");
    }
    return s;
  }

  private static String string(Config c, String path) {
    return string(c, path, path);
  }

  private static String string(Config c, String path, String key) {
    if (!c.hasPath(path)) {
      throw ConfigError.of(key, null, "a string");
    }
    ConfigValue v = c.getValue(path);
    if (v.valueType() == ConfigValueType.OBJECT || v.valueType() == ConfigValueType.LIST) {
      throw ConfigError.of(key, v.render(), "a string");
    }
    return String.valueOf(v.unwrapped());
  }

  private static String nonEmpty(Config c, String path) {
    return nonEmpty(c, path, path);
  }

  private static String nonEmpty(Config c, String path, String key) {
    String s = string(c, path, key);
    if (s.isBlank()) {
      throw ConfigError.of(key, s, "a non-empty string");
    }
    return s;
  }

  private static boolean bool(Config c, String path) {
    try {
      return c.getBoolean(path);
    } catch (ConfigException e) {
      throw ConfigError.of(path, c.hasPath(path) ? c.getValue(path).unwrapped() : null, "true or false");
    }
  }

  private static long number(Config c, String path, String key, String expected) {
    try {
      ConfigValue v = c.getValue(path);
      if (v.valueType() == ConfigValueType.NUMBER) {
        Number n = (Number) v.unwrapped();
        if (n.doubleValue() != Math.rint(n.doubleValue())) {
          throw ConfigError.of(key, n, expected);
        }
        return n.longValue();
      }
      return Long.parseLong(String.valueOf(v.unwrapped()).trim());
    } catch (ConfigException | NumberFormatException e) {
      throw ConfigError.of(key, c.hasPath(path) ? c.getValue(path).unwrapped() : null, expected);
    }
  }

  /** {@code runtime.prefetch}: a count of batches, or {@code auto} (-1). */
  private static int prefetch(Config c) {
    String v = c.getValue("runtime.prefetch").unwrapped().toString().strip();
    if (v.equalsIgnoreCase("auto")) {
      return ScoreConfig.Runtime.PREFETCH_AUTO;
    }
    try {
      int n = Integer.parseInt(v);
      if (n >= 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw ConfigError.of("runtime.prefetch", v, "auto, or a number of batches >= 0");
  }

  private static int intAtLeast(Config c, String path, int min) {
    return intAtLeast(c, path, min, path);
  }

  private static int intAtLeast(Config c, String path, int min, String key) {
    String expected = "an integer >= " + min;
    long v = number(c, path, key, expected);
    if (v < min || v > Integer.MAX_VALUE) {
      throw ConfigError.of(key, v, expected);
    }
    return (int) v;
  }

  private static long longAtLeast(Config c, String path, long min) {
    String expected = "an integer >= " + min;
    long v = number(c, path, path, expected);
    if (v < min) {
      throw ConfigError.of(path, v, expected);
    }
    return v;
  }

  private static List<String> stringList(Config c, String path) {
    try {
      return c.getStringList(path);
    } catch (ConfigException e) {
      throw ConfigError.of(path, c.hasPath(path) ? c.getValue(path).render() : null, "a list of strings");
    }
  }

  private static float[] triple(Config c, String path, String key, boolean positive) {
    String expected = "a list of 3 numbers (R, G, B)" + (positive ? ", each > 0" : "");
    List<Double> values;
    try {
      values = c.getDoubleList(path);
    } catch (ConfigException e) {
      throw ConfigError.of(key, c.hasPath(path) ? c.getValue(path).render() : null, expected);
    }
    if (values.size() != 3 || (positive && values.stream().anyMatch(v -> v <= 0))) {
      throw ConfigError.of(key, values, expected);
    }
    return new float[] {values.get(0).floatValue(), values.get(1).floatValue(), values.get(2).floatValue()};
  }
}
