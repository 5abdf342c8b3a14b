package io.litescore.compare;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How much the models disagree on one image: each (run, model) that scored it casts its top-1 class as a vote.
 *
 * <p>Images are ranked by {@link #MOST_FIRST}: more distinct top-1 classes first, then the smaller share of votes
 * for the majority class, then the lower mean top-1 probability (the models are less sure), then the path. The
 * majority class is the one with the most votes; among tied classes, the one with the highest summed top-1
 * probability, then the first label in alphabetical order.
 *
 * @param models the votes: models that scored the image
 * @param distinct distinct top-1 classes among them
 * @param majorityLabel the majority class
 * @param majorityVotes votes for it
 * @param meanConfidence mean top-1 probability over the votes
 */
public record Disagreement(String path, int models, int distinct, String majorityLabel, int majorityVotes,
    double meanConfidence) {

  /** The most disagreed images first. */
  public static final Comparator<Disagreement> MOST_FIRST = Comparator
      .comparingInt(Disagreement::distinct).reversed()
      .thenComparing(Disagreement::majorityShare)
      .thenComparingDouble(Disagreement::meanConfidence)
      .thenComparing(Disagreement::path);

  /** One model's top-1 class on the image and its probability. */
  public record Vote(String label, double confidence) {}

  /** The disagreement of the votes on {@code path}. */
  public static Disagreement of(String path, List<Vote> votes) {
    if (votes.isEmpty()) {
      throw new IllegalArgumentException("Cannot rank " + path + ": no model scored it");
    }
    Map<String, int[]> count = new TreeMap<>();
    Map<String, Double> confidence = new TreeMap<>();
    double sum = 0;
    for (Vote v : votes) {
      count.computeIfAbsent(v.label(), k -> new int[1])[0]++;
      confidence.merge(v.label(), v.confidence(), Double::sum);
      sum += v.confidence();
    }
    String majority = null;
    for (String label : count.keySet()) { // alphabetical: the first of equals stays
      if (majority == null || count.get(label)[0] > count.get(majority)[0]
          || (count.get(label)[0] == count.get(majority)[0] && confidence.get(label) > confidence.get(majority))) {
        majority = label;
      }
    }
    return new Disagreement(path, votes.size(), count.size(), majority, count.get(majority)[0],
        sum / votes.size());
  }

  /** Votes for the majority class over all votes. */
  public Rational majorityShare() {
    return new Rational(majorityVotes, models);
  }

  /** Whether the image is a disagreement at all: at least two models, not all of one answer. */
  public boolean disagreed() {
    return models >= 2 && distinct >= 2;
  }

  /** A non-negative fraction, compared exactly (2/3 compares equal to 4/6). */
  public record Rational(long numerator, long denominator) implements Comparable<Rational> {
    public Rational {
      if (denominator <= 0 || numerator < 0) {
        throw new IllegalArgumentException("Cannot make the fraction " + numerator + "/" + denominator);
      }
    }

    @Override
    public int compareTo(Rational o) {
      return Long.compare(numerator * o.denominator, o.numerator * denominator);
    }

    public double value() {
      return (double) numerator / denominator;
    }
  }
}
