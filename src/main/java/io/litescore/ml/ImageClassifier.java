package io.litescore.ml;

import io.litescore.config.KeyNames;
import io.litescore.config.ModelEntry;
import io.litescore.config.ModelSpec;
import io.litescore.image.ImageDecoder;
import io.litescore.image.Preprocessing;
import io.litescore.io.SerializableHadoopConf;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.WeakHashMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Classifies the image of every row with one model: a Spark ML {@link Transformer} that adds one struct column
 * ({@link PredictionColumn}: {@code pred_index}, {@code pred_label}, {@code topk_indices}, {@code topk_labels},
 * {@code topk_probs}, {@code logits} when asked, {@code error}) and keeps every input row and column. A row whose
 * image cannot be read or decoded gets {@code error} set; it never fails the task.
 *
 * <p>The input column holds encoded image bytes (binary), image URIs read on the executors (string: any Hadoop
 * file system), or a struct with a binary {@code bytes} field (Hugging Face image datasets in Parquet). The model is
 * a TorchScript file or an ONNX file ({@code modelUri}, ONNX when it ends in {@code .onnx}), a zoo architecture
 * with torchvision-named weights ({@code arch} + {@code weights}), or a folder written by {@code litescore train}
 * ({@code artifact}). Each {@code transform} reads the model once on the driver, checks it with one dry inference
 * and broadcasts its bytes; each executor JVM materialises it once, whatever the number of tasks or transforms.
 * Images are preprocessed exactly as torchvision's {@code Resize}, {@code CenterCrop}, {@code ToTensor},
 * {@code Normalize} do, and scored in batches. Classifiers applied one after another to the same input column
 * (as the stages of a {@code Pipeline}) are scored in one pass: each image is read and decoded once for all of
 * them. Works on batch and streaming DataFrames; saves and loads like any Spark ML stage.
 *
 * <pre>{@code
 * ImageClassifier squeezenet = new ImageClassifier()
 *     .setInputCol("image").setOutputCol("squeezenet")
 *     .setModelUri("s3a://models/squeezenet1_1.pt").setLabelsUri("s3a://models/imagenet.labels");
 * Dataset<Row> scored = squeezenet.transform(spark.read().parquet("s3a://data/images"));
 * scored.select("id", "squeezenet.pred_label", "squeezenet.error").show();
 * }</pre>
 */
public class ImageClassifier extends Transformer implements DefaultParamsWritable {
  private static final long serialVersionUID = 1L;

  /** Results of {@code transform}, with what they were made from, so the next classifier can join the same pass. */
  private static final Map<Dataset<?>, Chain> CHAINS = Collections.synchronizedMap(new WeakHashMap<>());

  private record Chain(Dataset<Row> source, ImageInput input, List<ResolvedModel> models, List<String> outputs,
      List<String> devices, List<Integer> scoreIf, ClassifierPass.Settings settings) {}

  private static final Map<String, String> PARAM_NAMES = Map.ofEntries(
      Map.entry("uri", "modelUri"), Map.entry("labels", "labelsUri"), Map.entry("batch-size", "batchSize"),
      Map.entry("num-classes", "numClasses"), Map.entry("preprocessing.resize", "resize"),
      Map.entry("preprocessing.crop", "crop"), Map.entry("preprocessing.mean", "mean"),
      Map.entry("preprocessing.std", "std"), Map.entry("preprocessing.mode", "mode"));

  private final String uid;
  /** How the model's fields are named in errors: this classifier's params, or the score config's keys. */
  private transient KeyNames keyNames;

  private final Param<String> inputCol;
  private final Param<String> outputCol;
  private final Param<String> modelUri;
  private final Param<String> labelsUri;
  private final Param<String> arch;
  private final Param<String> weights;
  private final Param<String> artifact;
  private final Param<String> modelName;
  private final Param<String> sha256;
  private final IntParam numClasses;
  private final Param<String> stem;
  private final IntParam batchSize;
  private final IntParam topK;
  private final BooleanParam logits;
  private final IntParam resize;
  private final IntParam crop;
  private final DoubleArrayParam mean;
  private final DoubleArrayParam std;
  private final Param<String> mode;
  private final Param<String> engine;
  private final Param<String> device;
  private final IntParam threads;
  private final IntParam prefetch;
  private final LongParam maxPixels;
  private final Param<String> lengthCol;
  private final Param<String> scoreIfCol;

  public ImageClassifier() {
    this(Identifiable.randomUID("imageClassifier"));
  }

  public ImageClassifier(String uid) {
    this.uid = uid;
    inputCol = new Param<>(this, "inputCol", "column with the image: binary (encoded bytes), string (a URI read on "
        + "the executors) or a struct with a binary 'bytes' field");
    outputCol = new Param<>(this, "outputCol", "name of the prediction struct column added");
    modelUri = new Param<>(this, "modelUri", "TorchScript file, or ONNX file when it ends in .onnx (any Hadoop URI)");
    labelsUri = new Param<>(this, "labelsUri", "class names, one per line, in output order");
    arch = new Param<>(this, "arch", "zoo architecture (litescore zoo lists them), with weights");
    weights = new Param<>(this, "weights", ".safetensors weights with torchvision's names, for arch");
    artifact = new Param<>(this, "artifact", "folder written by litescore train (model.json + weights.safetensors)");
    modelName = new Param<>(this, "modelName", "the model's name in logs (default: the model file's name)");
    sha256 = new Param<>(this, "sha256", "expected sha256 of the model file (optional)");
    numClasses = new IntParam(this, "numClasses", "zoo models: number of outputs; 0 = number of labels");
    stem = new Param<>(this, "stem", "zoo models: standard or small (stride-1 stem for ~32-64 px inputs)");
    batchSize = new IntParam(this, "batchSize", "images per inference call");
    topK = new IntParam(this, "topK", "classes listed per prediction");
    logits = new BooleanParam(this, "logits", "also output the full logit vector");
    resize = new IntParam(this, "resize", "Resize(resize): short side, PIL bilinear with antialiasing");
    crop = new IntParam(this, "crop", "CenterCrop(crop), at most resize");
    mean = new DoubleArrayParam(this, "mean", "Normalize mean, R G B");
    std = new DoubleArrayParam(this, "std", "Normalize std, R G B");
    mode = new Param<>(this, "mode", "exact (torchvision's pixels) or fast (large JPEGs decoded at 1/2, 1/4, 1/8)");
    engine = new Param<>(this, "engine", "auto, pytorch or onnxruntime (auto: TorchScript on libtorch, ONNX and zoo "
        + "models on ONNX Runtime, zoo models on libtorch on a GPU)");
    device = new Param<>(this, "device", "auto, cpu or gpu (the GPU Spark assigned the task)");
    threads = new IntParam(this, "threads", "intra-op threads per task; 0 = spark.task.cpus");
    prefetch = new IntParam(this, "prefetch", "batches decoded ahead on a helper thread; -1 = auto (one more per "
        + "idle task slot of the executor)");
    maxPixels = new LongParam(this, "maxPixels", "images with more pixels (from the header) become error rows");
    lengthCol = new Param<>(this, "lengthCol", "optional long column with each file's size, for URI input: saves "
        + "a metadata request per image on object stores");
    scoreIfCol = new Param<>(this, "scoreIfCol", "optional boolean column: rows where it is not true are not read "
        + "or scored, their output is null");
    setDefault(outputCol, "prediction");
    setDefault(numClasses, 0);
    setDefault(stem, "standard");
    setDefault(batchSize, 8);
    setDefault(topK, 5);
    setDefault(logits, false);
    setDefault(resize, 256);
    setDefault(crop, 224);
    setDefault(mean, toDoubles(Preprocessing.IMAGENET_MEAN));
    setDefault(std, toDoubles(Preprocessing.IMAGENET_STD));
    setDefault(mode, "exact");
    setDefault(engine, "auto");
    setDefault(device, "auto");
    setDefault(threads, 0);
    setDefault(prefetch, -1);
    setDefault(maxPixels, ImageDecoder.DEFAULT_MAX_PIXELS);
  }

  /**
   * A classifier for a score config's model entry: its params set from the entry (preprocessing values the entry
   * did not set become defaults, so a zoo model's own preprocessing still applies), errors named by the config's
   * keys.
   */
  public static ImageClassifier forSpec(ModelSpec spec) {
    ImageClassifier c = new ImageClassifier().setModelName(spec.name()).setBatchSize(spec.batchSize())
        .setStem(spec.stem()).setNumClasses(spec.numClasses()).setMode(spec.fastDecode() ? "fast" : "exact")
        .setEngine(spec.engine());
    ModelEntry e = spec.entry();
    if (e instanceof ModelEntry.Zoo z) {
      c.setArch(z.arch()).setWeights(z.weights());
    } else if (e instanceof ModelEntry.Artifact a) {
      c.setArtifact(a.folder());
    } else {
      c.setModelUri(e.location());
    }
    if (spec.labels() != null) {
      c.setLabelsUri(spec.labels());
    }
    if (spec.sha256() != null) {
      c.setSha256(spec.sha256());
    }
    Preprocessing p = spec.preprocessing();
    Set<String> set = spec.explicitPreprocessing();
    c.put(c.resize, p.resize(), set.contains("resize"));
    c.put(c.crop, p.crop(), set.contains("crop"));
    c.put(c.mean, toDoubles(p.mean()), set.contains("mean"));
    c.put(c.std, toDoubles(p.std()), set.contains("std"));
    c.keyNames = spec.keys();
    return c;
  }

  private <T> void put(Param<T> p, T value, boolean explicit) {
    if (explicit) {
      set(p, value);
    } else {
      setDefault(p, value);
    }
  }

  @Override
  public String uid() {
    return uid;
  }

  // ---- params: the accessors Spark ML finds by name, then getters and setters ----

  public Param<String> inputCol() {
    return inputCol;
  }

  public Param<String> outputCol() {
    return outputCol;
  }

  public Param<String> modelUri() {
    return modelUri;
  }

  public Param<String> labelsUri() {
    return labelsUri;
  }

  public Param<String> arch() {
    return arch;
  }

  public Param<String> weights() {
    return weights;
  }

  public Param<String> artifact() {
    return artifact;
  }

  public Param<String> modelName() {
    return modelName;
  }

  public Param<String> sha256() {
    return sha256;
  }

  public IntParam numClasses() {
    return numClasses;
  }

  public Param<String> stem() {
    return stem;
  }

  public IntParam batchSize() {
    return batchSize;
  }

  public IntParam topK() {
    return topK;
  }

  public BooleanParam logits() {
    return logits;
  }

  public IntParam resize() {
    return resize;
  }

  public IntParam crop() {
    return crop;
  }

  public DoubleArrayParam mean() {
    return mean;
  }

  public DoubleArrayParam std() {
    return std;
  }

  public Param<String> mode() {
    return mode;
  }

  public Param<String> engine() {
    return engine;
  }

  public Param<String> device() {
    return device;
  }

  public IntParam threads() {
    return threads;
  }

  public IntParam prefetch() {
    return prefetch;
  }

  public LongParam maxPixels() {
    return maxPixels;
  }

  public Param<String> lengthCol() {
    return lengthCol;
  }

  public Param<String> scoreIfCol() {
    return scoreIfCol;
  }

  public String getInputCol() {
    return string(inputCol);
  }

  public String getOutputCol() {
    return string(outputCol);
  }

  public ImageClassifier setInputCol(String v) {
    return with(inputCol, v);
  }

  public ImageClassifier setOutputCol(String v) {
    return with(outputCol, v);
  }

  public ImageClassifier setModelUri(String v) {
    return with(modelUri, v);
  }

  public ImageClassifier setLabelsUri(String v) {
    return with(labelsUri, v);
  }

  public ImageClassifier setArch(String v) {
    return with(arch, v);
  }

  public ImageClassifier setWeights(String v) {
    return with(weights, v);
  }

  public ImageClassifier setArtifact(String v) {
    return with(artifact, v);
  }

  public ImageClassifier setModelName(String v) {
    return with(modelName, v);
  }

  public ImageClassifier setSha256(String v) {
    return with(sha256, v);
  }

  public ImageClassifier setNumClasses(int v) {
    return with(numClasses, v);
  }

  public ImageClassifier setStem(String v) {
    return with(stem, v);
  }

  public ImageClassifier setBatchSize(int v) {
    return with(batchSize, v);
  }

  public ImageClassifier setTopK(int v) {
    return with(topK, v);
  }

  public ImageClassifier setLogits(boolean v) {
    return with(logits, v);
  }

  public ImageClassifier setResize(int v) {
    return with(resize, v);
  }

  public ImageClassifier setCrop(int v) {
    return with(crop, v);
  }

  public ImageClassifier setMean(double[] v) {
    return with(mean, v);
  }

  public ImageClassifier setStd(double[] v) {
    return with(std, v);
  }

  public ImageClassifier setMode(String v) {
    return with(mode, v);
  }

  public ImageClassifier setEngine(String v) {
    return with(engine, v);
  }

  public ImageClassifier setDevice(String v) {
    return with(device, v);
  }

  public ImageClassifier setThreads(int v) {
    return with(threads, v);
  }

  public ImageClassifier setPrefetch(int v) {
    return with(prefetch, v);
  }

  public ImageClassifier setMaxPixels(long v) {
    return with(maxPixels, v);
  }

  public ImageClassifier setLengthCol(String v) {
    return with(lengthCol, v);
  }

  public ImageClassifier setScoreIfCol(String v) {
    return with(scoreIfCol, v);
  }

  private <T> ImageClassifier with(Param<T> p, T value) {
    set(p, value);
    return this;
  }

  private String string(Param<String> p) {
    return isDefined(p) ? getOrDefault(p) : null;
  }

  private int integer(Param<Object> p) {
    return (Integer) getOrDefault(p);
  }

  // ---- Transformer ----

  @Override
  public StructType transformSchema(StructType schema) {
    String in = string(inputCol);
    if (in == null || in.isEmpty()) {
      throw new IllegalArgumentException("Cannot classify: inputCol is not set: expected the name of the column "
          + "with the images (binary, URI string, or struct with 'bytes')");
    }
    ImageInput.of(schema, in, string(lengthCol));
    toEntry();
    String out = getOutputCol();
    if (Arrays.asList(schema.fieldNames()).contains(out)) {
      throw new IllegalArgumentException("Cannot classify: outputCol = \"" + out + "\": expected a name the input "
          + "does not have already");
    }
    String when = string(scoreIfCol);
    if (when != null && !when.isEmpty()) {
      StructField f = schema.apply(index(schema, when, "scoreIfCol"));
      if (!(f.dataType() instanceof org.apache.spark.sql.types.BooleanType)) {
        throw new IllegalArgumentException("Cannot classify: scoreIfCol = \"" + when + "\" is of type "
            + f.dataType().simpleString() + ": expected boolean");
      }
    }
    return schema.add(DataTypes.createStructField(out, PredictionColumn.schema((Boolean) getOrDefault(logits)),
        true));
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    transformSchema(dataset.schema(), true);
    Chain before = CHAINS.get(dataset);
    if (before != null && before.input().equals(inputOrNull(before.source().schema()))) {
      // the previous stage's pass, with this classifier added: each image is still read and decoded once
      return run(before.source(), before, List.of(this), null, null, null, null);
    }
    return run(dataset.toDF(), null, List.of(this), null, null, null, null);
  }

  private ImageInput inputOrNull(StructType schema) {
    try {
      return input(schema);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /**
   * Scores {@code dataset} with every classifier in one pass (each image read and decoded once), adding their
   * output columns in order; {@code resolved} holds each classifier's model as {@link #resolve} gave it (null:
   * resolve them here), {@code counters} (null: none) receive what the pass measures. The score job uses this;
   * {@link #transform} is the same with one classifier.
   */
  public static Dataset<Row> transformAll(Dataset<?> dataset, List<ImageClassifier> classifiers,
      List<ResolvedModel> resolved, PassCounters counters) {
    return transformAll(dataset, classifiers, resolved, counters, null, null);
  }

  /**
   * {@link #transformAll}, then {@code then} (null: none) applied to each of its rows inside the same pass, giving
   * rows of {@code schema}: one step of the plan, so the classified rows are never converted to Spark's row format
   * and back (the score job turns them into its {@code predictions} rows this way).
   */
  public static Dataset<Row> transformAll(Dataset<?> dataset, List<ImageClassifier> classifiers,
      List<ResolvedModel> resolved, PassCounters counters, FlatMapFunction<Row, Row> then, StructType schema) {
    StructType checked = dataset.schema();
    for (ImageClassifier c : classifiers) {
      checked = c.transformSchema(checked); // fails early on a bad column or param
    }
    return run(dataset.toDF(), null, classifiers, resolved, counters, then, schema);
  }

  /**
   * Reads the model on the driver, checks it with one dry inference and broadcasts its bytes: what
   * {@link #transform} does first. A bad model fails here, naming the param, its value and what was expected.
   */
  public ResolvedModel resolve(SparkSession spark) {
    int taskCpus = Integer.parseInt(spark.sparkContext().getConf().get("spark.task.cpus", "1"));
    return ResolvedModel.resolve(toSpec(), integer(topK), (Boolean) getOrDefault(logits), torchThreads(taskCpus),
        spark.sparkContext().hadoopConfiguration(), JavaSparkContext.fromSparkContext(spark.sparkContext()));
  }

  /** Intra-op threads each task gives the model: {@code threads}, else {@code spark.task.cpus}. */
  public int torchThreads(int taskCpus) {
    int t = integer(threads);
    if (t < 0) {
      throw keys().error("threads", t, "an integer >= 0 (0: spark.task.cpus)");
    }
    return t > 0 ? t : taskCpus;
  }

  private static Dataset<Row> run(Dataset<Row> source, Chain before, List<ImageClassifier> classifiers,
      List<ResolvedModel> resolved, PassCounters counters, FlatMapFunction<Row, Row> then, StructType thenSchema) {
    SparkSession spark = source.sparkSession();
    int taskCpus = Integer.parseInt(spark.sparkContext().getConf().get("spark.task.cpus", "1"));
    ImageClassifier first = classifiers.get(0);
    ImageInput input = before != null ? before.input() : first.input(source.schema());
    ClassifierPass.Settings settings = before != null ? before.settings() : first.settings(taskCpus);
    List<ResolvedModel> models = new ArrayList<>(before != null ? before.models() : List.of());
    List<String> outputs = new ArrayList<>(before != null ? before.outputs() : List.of());
    List<String> devices = new ArrayList<>(before != null ? before.devices() : List.of());
    List<Integer> scoreIf = new ArrayList<>(before != null ? before.scoreIf() : List.of());
    for (int i = 0; i < classifiers.size(); i++) {
      ImageClassifier c = classifiers.get(i);
      models.add(resolved != null ? resolved.get(i) : c.resolve(spark));
      outputs.add(c.getOutputCol());
      devices.add(c.checkedDevice());
      String when = c.string(c.scoreIfCol);
      scoreIf.add(when == null || when.isEmpty() ? -1 : index(source.schema(), when, "scoreIfCol"));
    }
    StructType out = source.schema();
    for (int i = 0; i < models.size(); i++) {
      if (Arrays.asList(out.fieldNames()).contains(outputs.get(i))) {
        throw new IllegalArgumentException("Cannot classify: outputCol = \"" + outputs.get(i) + "\": expected a "
            + "name no other column or classifier of this pass has");
      }
      out = out.add(DataTypes.createStructField(outputs.get(i), PredictionColumn.schema(models.get(i).logits()),
          true));
    }
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    ClassifierPass pass = new ClassifierPass(models, devices.toArray(new String[0]),
        scoreIf.stream().mapToInt(Integer::intValue).toArray(), input, settings,
        // broadcast: each executor deserialises the configuration once, not every task
        input.readsFiles() ? org.apache.spark.api.java.JavaSparkContext.fromSparkContext(spark.sparkContext())
            .broadcast(new SerializableHadoopConf(hadoop)) : null, counters, then);
    Dataset<Row> result = CatalystRows.mapPartitions(source, pass, then != null ? thenSchema : out);
    if (then != null) {
      return result;
    }
    CHAINS.put(result, new Chain(source, input, List.copyOf(models), List.copyOf(outputs), List.copyOf(devices),
        List.copyOf(scoreIf), settings));
    return result;
  }

  private ImageInput input(StructType schema) {
    return ImageInput.of(schema, getInputCol(), string(lengthCol));
  }

  private ClassifierPass.Settings settings(int taskCpus) {
    int torchThreads = torchThreads(taskCpus);
    int p = integer(prefetch);
    if (p < -1) {
      throw keys().error("prefetch", p, "-1 (auto) or a number of batches >= 0");
    }
    long max = (Long) getOrDefault(maxPixels);
    if (max < 1) {
      throw keys().error("maxPixels", max, "an integer >= 1");
    }
    return new ClassifierPass.Settings(max, torchThreads, p >= 0 ? p : taskCpus > torchThreads ? 1 : 0, p < 0);
  }

  private String checkedDevice() {
    String d = getOrDefault(device).toLowerCase(Locale.ROOT);
    if (!List.of("auto", "cpu", "gpu").contains(d)) {
      throw keys().error("device", d, "auto, cpu or gpu");
    }
    return d;
  }

  private static int index(StructType schema, String name, String param) {
    for (int i = 0; i < schema.fields().length; i++) {
      if (schema.fields()[i].name().equals(name)) {
        return i;
      }
    }
    throw new IllegalArgumentException("Cannot classify: " + param + " = \"" + name + "\": expected a column of the "
        + "input, which has " + Arrays.toString(schema.fieldNames()));
  }

  private KeyNames keys() {
    if (keyNames == null) {
      keyNames = new KeyNames.Named("classify", "the model params (" + uid + ")", "", PARAM_NAMES);
    }
    return keyNames;
  }

  private ModelEntry toEntry() {
    return ModelEntry.of(string(modelUri), string(arch), string(weights), string(artifact), keys(),
        "modelUri = " + string(modelUri) + ", arch = " + string(arch) + ", artifact = " + string(artifact));
  }

  /** The params as a model entry, validated: the same checks a score config's entry gets. */
  ModelSpec toSpec() {
    KeyNames k = keys();
    ModelEntry entry = toEntry();
    String labels = string(labelsUri);
    if (entry.needsLabels() && (labels == null || labels.isBlank())) {
      throw k.error("labels", labels, "a labels file (class names, one per line, in output order)");
    }
    String name = string(modelName);
    if (name == null || name.isBlank()) {
      name = io.litescore.io.HadoopFiles.fileName(entry.location().replaceAll("/+$", "")).replaceAll("\\.[^.]*$", "");
    }
    String s = getOrDefault(stem).toLowerCase(Locale.ROOT);
    if (!s.equals("standard") && !s.equals("small")) {
      throw k.error("stem", s, "standard or small");
    }
    String sha = string(sha256);
    if (sha != null && !sha.toLowerCase(Locale.ROOT).matches("[0-9a-f]{64}")) {
      throw k.error("sha256", sha, "64 hexadecimal digits");
    }
    atLeast(k, "num-classes", integer(numClasses), 0);
    atLeast(k, "batch-size", integer(batchSize), 1);
    atLeast(k, "topK", integer(topK), 1);
    int r = atLeast(k, "preprocessing.resize", integer(resize), 1);
    int c = atLeast(k, "preprocessing.crop", integer(crop), 1);
    if (c > r) {
      throw k.error("preprocessing.crop", c, "at most resize (" + r + ")");
    }
    float[] m = triple(k, "preprocessing.mean", getOrDefault(mean), false);
    float[] sd = triple(k, "preprocessing.std", getOrDefault(std), true);
    String md = getOrDefault(mode).toLowerCase(Locale.ROOT);
    if (!md.equals("exact") && !md.equals("fast")) {
      throw k.error("preprocessing.mode", md, "exact or fast");
    }
    Set<String> explicit = new TreeSet<>();
    if (isSet(resize)) {
      explicit.add("resize");
    }
    if (isSet(crop)) {
      explicit.add("crop");
    }
    if (isSet(mean)) {
      explicit.add("mean");
    }
    if (isSet(std)) {
      explicit.add("std");
    }
    return new ModelSpec(name, entry, labels, integer(numClasses), s, sha == null ? null : sha.toLowerCase(Locale.ROOT),
        new Preprocessing(r, c, m, sd), Set.copyOf(explicit), integer(batchSize), md.equals("fast"),
        ModelSpec.checkEngine(getOrDefault(engine), entry, k), k);
  }

  private static int atLeast(KeyNames k, String field, int v, int min) {
    if (v < min) {
      throw k.error(field, v, "an integer >= " + min);
    }
    return v;
  }

  private static float[] triple(KeyNames k, String field, double[] v, boolean positive) {
    if (v.length != 3 || (positive && Arrays.stream(v).anyMatch(x -> x <= 0))) {
      throw k.error(field, Arrays.toString(v), "3 numbers (R, G, B)" + (positive ? ", each > 0" : ""));
    }
    return new float[] {(float) v[0], (float) v[1], (float) v[2]};
  }

  private static double[] toDoubles(float[] f) {
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      d[i] = f[i];
    }
    return d;
  }

  @Override
  public ImageClassifier copy(ParamMap extra) {
    ImageClassifier c = defaultCopy(extra);
    c.keyNames = keyNames;
    return c;
  }

  /** Image files read by scoring tasks in this JVM so far (diagnostics: each file is read once per pass). */
  public static long filesReadInThisJvm() {
    return ClassifierPass.FILES_READ.get();
  }

  public static MLReader<ImageClassifier> read() {
    return new DefaultParamsReader<>();
  }

  public static ImageClassifier load(String path) {
    return read().load(path);
  }
}
