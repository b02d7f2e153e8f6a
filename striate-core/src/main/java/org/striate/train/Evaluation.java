package org.striate.train;

import java.util.Locale;

/**
 * The result of {@link Trainer#evaluate}: mean loss, accuracy and confusion matrix over a dataset.
 *
 * <p>The confusion matrix has one row per true class and one column per predicted class: entry {@code [t][p]}
 * counts the examples of class {@code t} predicted as {@code p}, so the diagonal holds the correct ones.
 */
public final class Evaluation {
  private final double loss;
  private final double accuracy;
  private final long examples;
  private final long correct;
  private final int[][] confusion;

  Evaluation(double loss, double accuracy, long examples, long correct, int[][] confusion) {
    this.loss = loss;
    this.accuracy = accuracy;
    this.examples = examples;
    this.correct = correct;
    this.confusion = confusion;
  }

  /** The mean loss over the examples. */
  public double loss() {
    return loss;
  }

  /** The fraction of examples classified correctly, or NaN when the targets are not classes. */
  public double accuracy() {
    return accuracy;
  }

  public long examples() {
    return examples;
  }

  /** The number of examples classified correctly (0 when the targets are not classes). */
  public long correct() {
    return correct;
  }

  /** Whether accuracy and the confusion matrix apply (the targets are classes). */
  public boolean hasClasses() {
    return confusion != null;
  }

  /**
   * A copy of the confusion matrix, {@code [true class][predicted class]}.
   *
   * @throws IllegalStateException when the targets are not classes
   */
  public int[][] confusionMatrix() {
    if (confusion == null) {
      throw new IllegalStateException("evaluation: no confusion matrix, the targets are not classes");
    }
    int[][] copy = new int[confusion.length][];
    for (int i = 0; i < confusion.length; i++) {
      copy[i] = confusion[i].clone();
    }
    return copy;
  }

  /**
   * The loss, the accuracy and the confusion matrix as a right-aligned table, for example:
   *
   * <pre>
   * loss 0.1234, accuracy 0.9000 (9 of 10)
   * confusion matrix (rows: true class, columns: predicted class)
   *      0  1
   *   0  4  1
   *   1  0  5
   * </pre>
   */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "loss %.4f", loss));
    if (confusion == null) {
      return sb.toString();
    }
    sb.append(String.format(Locale.ROOT, ", accuracy %.4f (%d of %d)\n", accuracy, correct, examples));
    sb.append("confusion matrix (rows: true class, columns: predicted class)");
    int width = String.valueOf(confusion.length - 1).length();
    for (int[] row : confusion) {
      for (int count : row) {
        width = Math.max(width, String.valueOf(count).length());
      }
    }
    String cell = " %" + (width + 1) + "d";
    sb.append('\n').append(" ".repeat(width + 2));
    for (int p = 0; p < confusion.length; p++) {
      sb.append(String.format(Locale.ROOT, cell, p));
    }
    for (int t = 0; t < confusion.length; t++) {
      sb.append('\n').append(String.format(Locale.ROOT, cell, t));
      for (int count : confusion[t]) {
        sb.append(String.format(Locale.ROOT, cell, count));
      }
    }
    return sb.toString();
  }
}
