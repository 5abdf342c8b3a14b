package io.litescore.jobs.score;

import com.univocity.parsers.csv.CsvParser;
import com.univocity.parsers.csv.CsvParserSettings;
import io.litescore.config.ConfigError;
import io.litescore.config.ScoreConfig;
import io.litescore.io.HadoopFiles;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;

/**
 * How the dataset's labels (folder names, manifest or table labels) become a model's class indices: by name (the
 * default: a label is one of the model's class names), through {@code dataset.label-map} (a CSV
 * {@code dataset_label,class} whose class is a class name or an integer index, e.g. WordNet ids to torchvision's
 * names), or as integer indices ({@code dataset.labels-are-indices}, or an integer table label column). Every
 * dataset label must map to a class of every model: the first unknown ones are named before any image is read.
 */
public final class LabelMap {
  private final Map<String, String> map;
  private final String mapUri;
  private final boolean indices;

  private LabelMap(Map<String, String> map, String mapUri, boolean indices) {
    this.map = map;
    this.mapUri = mapUri;
    this.indices = indices;
  }

  public static LabelMap of(ScoreConfig.Dataset ds, boolean labelsAreIndices, Configuration conf) {
    return new LabelMap(ds.labelMap() == null ? null : read(ds.labelMap(), conf), ds.labelMap(), labelsAreIndices);
  }

  /** The class index of each dataset label for a model with these class names; a ConfigError for unknown ones. */
  public Map<String, Integer> forModel(Set<String> datasetLabels, List<String> classes, String modelName, String labelsKey,
      String labelsValue) {
    Map<String, Integer> byName = new LinkedHashMap<>();
    for (int i = 0; i < classes.size(); i++) {
      byName.put(classes.get(i), i);
    }
    Map<String, Integer> out = new LinkedHashMap<>();
    List<String> unknown = new ArrayList<>();
    for (String label : datasetLabels) {
      Integer index;
      if (map != null) {
        String target = map.get(label);
        index = target == null ? null : byName.containsKey(target) ? byName.get(target) : index(target, classes);
        if (target != null && index == null) {
          throw ConfigError.of("dataset.label-map", mapUri, "classes of model " + modelName + ", but it maps '"
              + label + "' to '" + target + "', which is neither one of its " + classes.size() + " class names nor "
              + "an index below " + classes.size());
        }
      } else if (indices) {
        index = index(label, classes);
      } else {
        index = byName.get(label);
      }
      if (index == null) {
        unknown.add(label);
      } else {
        out.put(label, index);
      }
    }
    if (!unknown.isEmpty()) {
      String first = String.join(", ", unknown.subList(0, Math.min(10, unknown.size())))
          + (unknown.size() > 10 ? ", ... (" + unknown.size() + " in all)" : "");
      if (map != null) {
        throw ConfigError.of("dataset.label-map", mapUri, "a row for every dataset label, but it has none for ["
            + first + "]");
      }
      if (indices) {
        throw ConfigError.of("dataset.labels-are-indices", true, "integer labels from 0 to " + (classes.size() - 1)
            + " (model " + modelName + " has " + classes.size() + " classes), found [" + first + "]");
      }
      throw ConfigError.of(labelsKey, labelsValue, "class names covering every dataset label, but model " + modelName
          + " does not know [" + first + "] (map dataset labels to class names with dataset.label-map, or use "
          + "dataset.labels-are-indices for integer labels)");
    }
    return out;
  }

  /**
   * Every label this mapping can turn into one of these classes (a stream meets its labels as they come): the
   * class names, the label map's rows that name a class, or the indices.
   */
  public Map<String, Integer> mappable(List<String> classes) {
    Map<String, Integer> out = new LinkedHashMap<>();
    for (int i = 0; i < classes.size(); i++) {
      if (map == null && !indices) {
        out.put(classes.get(i), i);
      } else if (indices && map == null) {
        out.put(Integer.toString(i), i);
      }
    }
    if (map != null) {
      Map<String, Integer> byName = new LinkedHashMap<>();
      for (int i = 0; i < classes.size(); i++) {
        byName.put(classes.get(i), i);
      }
      map.forEach((label, target) -> {
        Integer index = byName.containsKey(target) ? byName.get(target) : index(target, classes);
        if (index != null) {
          out.put(label, index);
        }
      });
    }
    return out;
  }

  private static Integer index(String s, List<String> classes) {
    try {
      int i = Integer.parseInt(s.strip());
      return i >= 0 && i < classes.size() ? i : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static Map<String, String> read(String uri, Configuration conf) {
    List<String> lines;
    try {
      lines = HadoopFiles.readLines(uri, conf);
    } catch (FileNotFoundException e) {
      throw ConfigError.of("dataset.label-map", uri, "an existing CSV file (not found)");
    } catch (IOException | IllegalArgumentException e) {
      throw ConfigError.of("dataset.label-map", uri, "a readable CSV file (" + e.getMessage() + ")");
    }
    CsvParser parser = new CsvParser(new CsvParserSettings());
    Map<String, String> map = new LinkedHashMap<>();
    int n = 0;
    for (String line : lines) {
      n++;
      if (line.isBlank()) {
        continue;
      }
      String[] f = parser.parseLine(line);
      if (n == 1) {
        if (f.length != 2 || !"dataset_label".equals(f[0].strip()) || !"class".equals(f[1].strip())) {
          throw ConfigError.of("dataset.label-map", uri, "a header line 'dataset_label,class', found '" + line + "'");
        }
        continue;
      }
      if (f.length != 2 || f[0] == null || f[1] == null || f[0].isBlank() || f[1].isBlank()) {
        throw ConfigError.of("dataset.label-map", uri, "dataset_label,class on every line, but line " + n + " is '"
            + line + "'");
      }
      String previous = map.put(f[0].strip(), f[1].strip());
      if (previous != null && !previous.equals(f[1].strip())) {
        throw ConfigError.of("dataset.label-map", uri, "one class per dataset label, but '" + f[0].strip()
            + "' maps to '" + previous + "' and to '" + f[1].strip() + "' (line " + n + ")");
      }
    }
    if (map.isEmpty()) {
      throw ConfigError.of("dataset.label-map", uri, "at least one dataset_label,class row");
    }
    return map;
  }
}
