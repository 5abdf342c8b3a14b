package io.litescore.config;

import io.litescore.image.Preprocessing;
import java.io.Serializable;
import java.util.Set;

/**
 * One model to score with, as the user described it (a score config's {@code models} entry or an
 * {@code ImageClassifier}'s params), validated but not read yet: {@code io.litescore.model.ModelLoader} reads it.
 *
 * @param name unique in a run; names the model's partition and its output
 * @param entry what the model is and where it is read from
 * @param labels class names file, one per line (optional for artifacts, which carry theirs)
 * @param numClasses outputs of a zoo model; 0 = the number of labels
 * @param stem zoo stem, {@code standard} or {@code small}
 * @param sha256 expected sha256 of the model file, or null
 * @param preprocessing the entry's preprocessing over the defaults
 * @param explicitPreprocessing the preprocessing keys the entry itself set; the others come from the zoo
 *     architecture or the artifact's card when there is one, else from the defaults
 * @param batchSize images per inference call
 * @param fastDecode {@code preprocessing.mode = fast}: large JPEGs are decoded at a reduced scale (DCT domain)
 * @param keys how the fields are named in error messages
 */
public record ModelSpec(String name, ModelEntry entry, String labels, int numClasses, String stem, String sha256,
    Preprocessing preprocessing, Set<String> explicitPreprocessing, int batchSize, boolean fastDecode, KeyNames keys)
    implements Serializable {

  /** A copy with another batch size (benchmarks). */
  public ModelSpec withBatchSize(int size) {
    return new ModelSpec(name, entry, labels, numClasses, stem, sha256, preprocessing, explicitPreprocessing, size,
        fastDecode, keys);
  }
}
